import { z } from 'zod';
import {
  createRecordingsUseCases,
  DEFAULT_RECORDING_FETCH_POLICY,
  FETCH_RECORDING_JOB,
  type RecordingFetchPolicy,
  type RecordingsPorts,
  type RecordingsUseCases,
} from '../../app/recordings/index';
import { jobHandler } from '../../app/jobs/index';
import { systemActor } from '../../app/calls';
import { recordingsRoutes } from '../../adapters/http/routes/recordings.routes';
import { TwilioRecordingSource, type TwilioAccount } from '../../adapters/telephony/twilio';
import type { RecordingSource } from '../../core/recordings/pending-recording.port';
import { describeIssues } from '../../core/shared/validation';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';
import { connectRecordingSourceOf } from './connect.wiring';
import { completenessWiring } from './completeness.wiring';

const envSchema = z.object({
  RECORDING_FETCH_WINDOW_H: z.coerce.number().positive().max(24 * 30).optional(),
  RECORDING_FETCH_FIRST_DELAY_S: z.coerce.number().positive().max(3600).optional(),
  RECORDING_FETCH_MAX_DELAY_MIN: z.coerce.number().positive().max(24 * 60).optional(),
});

/**
 * The fetch policy from the environment: RECORDING_FETCH_WINDOW_H (hours until a reported recording is declared
 * missing, default 24), RECORDING_FETCH_FIRST_DELAY_S (default 30) and RECORDING_FETCH_MAX_DELAY_MIN (the longest
 * wait between attempts, default 60). Throws naming the bad setting.
 */
export function recordingFetchPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RecordingFetchPolicy {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See docs/decisions/recording-fetch.md.`);
  const e = parsed.data;
  return {
    windowMs: e.RECORDING_FETCH_WINDOW_H !== undefined ? Math.round(e.RECORDING_FETCH_WINDOW_H * 3_600_000) : DEFAULT_RECORDING_FETCH_POLICY.windowMs,
    firstDelayMs: e.RECORDING_FETCH_FIRST_DELAY_S !== undefined ? Math.round(e.RECORDING_FETCH_FIRST_DELAY_S * 1000) : DEFAULT_RECORDING_FETCH_POLICY.firstDelayMs,
    maxDelayMs: e.RECORDING_FETCH_MAX_DELAY_MIN !== undefined ? Math.round(e.RECORDING_FETCH_MAX_DELAY_MIN * 60_000) : DEFAULT_RECORDING_FETCH_POLICY.maxDelayMs,
  };
}

/** A Twilio account of the hub with its auth token opened (for the webhook's signature and the downloads). */
export function twilioAccountFinder(hub: Pick<Hub, 'accounts' | 'keys'>): (accountSid: string) => Promise<TwilioAccount | null> {
  return async (accountSid) => {
    const row = await hub.accounts.find('twilio', accountSid);
    if (!row) return null;
    return { tenantId: row.tenantId, accountSid, authToken: hub.keys.openSecret(row.tenantId, 'twilio', row.sealedSecret) };
  };
}

/** The recordings ports of a hub: its pending-recording store, the providers' downloaders and the ingest use-case. */
export function recordingsPorts(hub: Hub): RecordingsPorts {
  const sources = new Map<string, RecordingSource>([
    ['twilio', new TwilioRecordingSource({ apiBaseUrl: hub.config.twilioApiBaseUrl, findAccount: twilioAccountFinder(hub) })],
    ['connect', connectRecordingSourceOf(hub)],
  ]);
  return {
    pending: hub.pendingRecordings,
    calls: hub.calls,
    sources: { sourceFor: (provider) => sources.get(provider) ?? null },
    ingest: {
      ingestFetched: (tenantId, provider, metadata, audio) => hub.ingestion.ingestCall(systemActor(tenantId, provider), { metadata, audio }),
    },
    policy: hub.recordingFetchPolicy,
    clock: hub.clock,
    ids: hub.ids,
  };
}

/** The recordings use-cases bound to a hub (routes, the fetch job, `callsight recordings`). */
export function recordingsUseCasesOf(hub: Hub): RecordingsUseCases {
  return createRecordingsUseCases({ ...recordingsPorts(hub), audit: (entry) => hub.audit(entry) });
}

/**
 * Reported recordings (issue 16 item 4): the `recordings.fetch` job runs the fetch-recording use-case as the
 * worker, retrying with backoff until the recording is stored or its window closes; admins list the ones that
 * never arrived at GET /api/v1/recordings/missing. The webhook itself records reports through hub.recordings.
 */
export const recordingsCapability: CapabilityFactory = (hub: Hub): Capability => {
  const recordings = recordingsUseCasesOf(hub);
  hub.jobs.register(FETCH_RECORDING_JOB, jobHandler(recordings.fetchRecording));
  // The completeness check against the providers' own lists (bin/wiring/completeness.wiring.ts).
  const completeness = completenessWiring(hub);
  return {
    name: 'recordings',
    plugins: [recordingsRoutes(recordings), ...completeness.plugins],
    start: () => completeness.start(),
    stop: () => completeness.stop(),
  };
};
