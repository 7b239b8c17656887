import { z } from 'zod';
import {
  createBackfillUseCases,
  createCompletenessUseCases,
  type BackfillProgress,
  type BackfillUseCases,
  type CompletenessUseCases,
} from '../../app/recordings/index';
import { jobHandler } from '../../app/jobs/index';
import { completenessRoutes } from '../../adapters/http/routes/completeness.routes';
import { TwilioCallList } from '../../adapters/telephony/twilio';
import { isCallsightError } from '../../core/shared/errors';
import { DAY_MS, HOUR_MS } from '../../core/shared/time';
import { describeIssues } from '../../core/shared/validation';
import type { HttpPlugin } from '../../adapters/http/http.deps';
import type { Hub } from '../hub';
import { recordingsPorts, twilioAccountFinder } from './recordings.wiring';

/** The job that reconciles one tenant's window with the providers' lists; its payload is `{ from, to }`. */
export const RECONCILE_COMPLETENESS_JOB = 'recordings.reconcile-completeness';

const envSchema = z.object({ COMPLETENESS_DAILY: z.enum(['true', 'false']).optional() });

/** Whether the daily completeness check runs (COMPLETENESS_DAILY, default true). Throws naming a bad value. */
export function completenessDailyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See docs/completeness.md.`);
  return parsed.data.COMPLETENESS_DAILY !== 'false';
}

/** The completeness use-cases on a hub: its ledger, Twilio's lists (with the linked accounts' tokens) and the inbox. */
export function completenessUseCasesOf(hub: Hub, options: { fetch?: typeof fetch } = {}): CompletenessUseCases {
  const twilio = new TwilioCallList({
    apiBaseUrl: hub.config.twilioApiBaseUrl,
    findAccount: twilioAccountFinder(hub),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return createCompletenessUseCases({
    ledger: hub.providerCalls,
    lists: { listsFor: () => [twilio] },
    pending: hub.pendingRecordings,
    policy: hub.recordingFetchPolicy,
    clock: hub.clock,
    ids: hub.ids,
    audit: (entry) => hub.audit(entry),
  });
}

/**
 * The backfill use-case on a hub (`callsight import --from twilio`), telling `progress` of each recording;
 * `pageSize` is the items asked of the provider per list request (Twilio's PageSize, 1..1000, default 1000).
 */
export function backfillUseCasesOf(hub: Hub, options: { readonly progress?: BackfillProgress; readonly pageSize?: number } = {}): BackfillUseCases {
  const { progress, pageSize } = options;
  const twilio = new TwilioCallList({ apiBaseUrl: hub.config.twilioApiBaseUrl, findAccount: twilioAccountFinder(hub), ...(pageSize ? { pageSize } : {}) });
  const ports = recordingsPorts(hub);
  return createBackfillUseCases({
    lists: { listFor: (provider) => (provider === twilio.provider ? twilio : null) },
    sources: ports.sources,
    ledger: hub.providerCalls,
    checkpoints: hub.storage.backfills,
    calls: hub.calls,
    ingest: ports.ingest,
    pending: hub.pendingRecordings,
    policy: hub.recordingFetchPolicy,
    clock: hub.clock,
    ids: hub.ids,
    ...(progress ? { progress } : {}),
    audit: (entry) => hub.audit(entry),
  });
}

/**
 * Queues the daily check of every tenant for the previous UTC day. The job id names the tenant and the day, so
 * however many processes run this, and however often, each tenant's day is checked once (a repeat enqueue is a
 * CONFLICT and is ignored). Returns how many jobs this call queued.
 */
export async function enqueueDailyCompleteness(hub: Pick<Hub, 'calls' | 'jobQueue'>, now: Date): Promise<number> {
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const from = new Date(to.getTime() - DAY_MS);
  const day = from.toISOString().slice(0, 10);
  let queued = 0;
  for (const tenant of await hub.calls.listTenants()) {
    try {
      const added = await hub.jobQueue.enqueue({
        id: `completeness-${tenant.id}-${day}`,
        tenantId: tenant.id,
        kind: RECONCILE_COMPLETENESS_JOB,
        payload: { from: from.toISOString(), to: to.toISOString() },
        runAt: now.toISOString(),
        dedupeKey: `completeness-${day}`,
        maxAttempts: 5,
      });
      if (added) queued += 1;
    } catch (error) {
      if (!isCallsightError(error) || error.code !== 'CONFLICT') throw error;
    }
  }
  return queued;
}

/**
 * The completeness check in a hub: the report route, the reconcile job, and (with workers on) an hourly tick that
 * queues each tenant's check of the previous day once (COMPLETENESS_DAILY=false turns the tick off).
 */
export function completenessWiring(hub: Hub): { plugins: HttpPlugin[]; start(): void; stop(): Promise<void> } {
  const useCases = completenessUseCasesOf(hub);
  hub.jobs.register(RECONCILE_COMPLETENESS_JOB, jobHandler(useCases.reconcileCompleteness));
  const daily = completenessDailyFromEnv();
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  const tick = () => {
    ticking = enqueueDailyCompleteness(hub, hub.clock.now()).catch((error: unknown) => {
      process.emitWarning(`completeness check could not be queued: ${(error as Error).message}`);
    });
  };
  return {
    plugins: [completenessRoutes(useCases)],
    start() {
      if (!daily || timer) return;
      tick();
      timer = setInterval(tick, HOUR_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}
