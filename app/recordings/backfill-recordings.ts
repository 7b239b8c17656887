import { z } from 'zod';
import type { BackfillCheckpointStore, BackfillKey } from '../../core/recordings/backfill-checkpoint.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { FETCH_RECORDING_JOB, type PendingRecordingStore, type RecordingSource } from '../../core/recordings/pending-recording.port';
import { hasAudio, type ListedProviderRecording, type ProviderCallList, type ProviderListPage } from '../../core/recordings/provider-call-list.port';
import type { ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { MAX_COMPLETENESS_WINDOW_MS } from './completeness.views';
import { fetchJobId, type RecordingFetchPolicy, type RecordingIngest } from './recordings.ports';

/**
 * `callsight import --from twilio|connect --since DATE [--until DATE]`: the window and the provider account to read
 * (a Twilio Account SID, or an Amazon Connect instance id).
 */
export const backfillRecordingsInput = z
  .object({
    provider: z.enum(['twilio', 'connect']),
    accountId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a provider account id').optional(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).optional(),
    /** Items per checkpoint write; 1 writes after every recording (the default). */
    checkpointEvery: z.number().int().min(1).max(1000).default(1),
  })
  .strict()
  .refine((v) => v.provider !== 'twilio' || v.accountId === undefined || /^AC[0-9a-fA-F]{32}$/.test(v.accountId), {
    message: 'must be a Twilio Account SID',
    path: ['accountId'],
  });
export type BackfillRecordingsInput = z.input<typeof backfillRecordingsInput>;

/** Where one recording of the provider's list ended up. */
export type BackfillItemOutcome = 'stored' | 'present' | 'queued' | 'no_audio' | 'failed';

export interface BackfillOutcome {
  readonly provider: string;
  readonly accountId: string;
  readonly from: string;
  readonly to: string;
  /** True when this run picked up a checkpoint of an interrupted run. */
  readonly resumed: boolean;
  /** Items done across every run of this window (the checkpoint's count). */
  readonly done: number;
  /** What this run did, per outcome. */
  readonly counts: Readonly<Record<BackfillItemOutcome, number>>;
  /** The first failures of this run (provider ids and error codes only). */
  readonly failures: readonly { readonly providerCallId: string; readonly recordingId: string; readonly code: string }[];
}

/** Told each recording's outcome as it happens (the CLI's progress bar). */
export interface BackfillProgress {
  /** Items finished by earlier runs of this window (0 on a fresh start). */
  start(done: number): void;
  /** A page of `items` still to do was read. */
  page(items: number): void;
  item(outcome: BackfillItemOutcome): void;
}

type Deps = {
  readonly lists: { listFor(provider: string): ProviderCallList | null };
  readonly sources: { sourceFor(provider: string): RecordingSource | null };
  readonly ledger: Pick<ProviderCallLedger, 'record' | 'accountsOf' | 'reconcile'>;
  readonly checkpoints: BackfillCheckpointStore;
  readonly calls: Pick<CallRepository, 'findByProviderCallId'>;
  readonly ingest: RecordingIngest;
  readonly pending: Pick<PendingRecordingStore, 'accept'>;
  readonly policy: RecordingFetchPolicy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly progress?: BackfillProgress;
};

/** The resume point kept in the checkpoint: the page being worked on and how many of its items are done. */
interface Cursor {
  readonly to: string;
  readonly page: string | null;
  readonly doneInPage: number;
}

/** Contact records seen per page when replaying Amazon Connect. */
const CONTACTS_PAGE = 200;

/** Failures of one recording that are reported and skipped (the others stop the run, which resumes later). */
const SKIPPED_CODES = new Set(['UPSTREAM_FAILED', 'AUDIO_EMPTY', 'AUDIO_CORRUPT', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED', 'NOT_FOUND']);

/**
 * Backfill (issue 19 item 3): every recording the provider lists for the window (Twilio's Recordings list, newest
 * first, page by page) is fetched and stored through the ingest use-case, which is idempotent on (provider, provider
 * call id), so a backfill running beside live webhooks stores each call once. Each recording is also written to the
 * provider call ledger. After every recording the checkpoint of (tenant, source, window) records the page and the
 * position in it, so a run that is killed resumes where it stopped; a window given without `to` is frozen at the
 * first run's now, so the rerun continues the same window. A recording whose media is not ready yet is queued in the
 * pending-recordings inbox for the fetch job; a recording whose download fails is reported and skipped; anything
 * else (storage down) stops the run with the checkpoint kept. A finished window with an end is not read again; an
 * open one (no `to`) starts over on the next run, skipping what is stored. Admins and the system only.
 *
 * Amazon Connect has no list of past recordings the hub could read with the instance's bucket permissions alone, and
 * a recording's call metadata (agent, queue, number) is in its contact record, not in the bucket. So `connect`
 * replays the contact records the hub has seen (the provider call ledger, fed by the Firehose endpoint): each
 * recorded contact of the window without a stored call has its recording fetched from the bucket now, also those
 * whose fetch window closed; a recording still not in the bucket is reported as failed (RECORDING_NOT_READY).
 * Contacts that never reached the hub are not known to it: re-deliver their records through Firehose first.
 */
export const backfillRecordings = defineUseCase({
  name: 'recordings.backfill-recordings',
  action: 'backfill_recordings',
  permission: 'ingest',
  forbidden: 'Only admins may backfill recordings',
  input: backfillRecordingsInput,
  invalidInput: 'Invalid backfill',
  target: (input) => `backfill:${input.provider}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof backfillRecordingsInput>>): Promise<BackfillOutcome> {
    const tenantId = actor.tenantId;
    const replay = input.provider === 'connect';
    const list = replay ? null : deps.lists.listFor(input.provider);
    const source = deps.sources.sourceFor(input.provider);
    if ((!replay && !list) || !source) throw new CallsightError('VALIDATION_FAILED', `The hub cannot list recordings of ${input.provider}`);
    const accounts = await deps.ledger.accountsOf(tenantId, input.provider);
    const accountId = input.accountId ?? accounts[0];
    if (!accountId || !accounts.includes(accountId)) {
      throw new CallsightError('NOT_FOUND', `No ${input.provider} account of this tenant${input.accountId ? ' with that id' : ''}: link one with \`callsight ${input.provider === 'connect' ? 'connect add' : 'tenant add'}\``);
    }

    const now = deps.clock.now();
    const from = new Date(input.from).toISOString();
    const key: BackfillKey = { tenantId, source: `${input.provider}:${accountId}`, windowFrom: from, windowTo: input.to ? new Date(input.to).toISOString() : 'open' };
    const saved = await deps.checkpoints.get(key);
    const counts: Record<BackfillItemOutcome, number> = { stored: 0, present: 0, queued: 0, no_audio: 0, failed: 0 };
    const failures: { providerCallId: string; recordingId: string; code: string }[] = [];
    if (saved?.completedAt && input.to) {
      return { provider: input.provider, accountId, from, to: key.windowTo, resumed: false, done: saved.done, counts, failures };
    }
    const resumable = saved && !saved.completedAt ? (saved.cursor as Cursor | null) : null;
    const to = resumable?.to ?? new Date(Math.min(input.to ? Date.parse(input.to) : now.getTime(), now.getTime())).toISOString();
    if (Date.parse(to) <= Date.parse(from)) throw new CallsightError('VALIDATION_FAILED', 'The window is empty: `since` must be before `until` and before now');
    if (Date.parse(to) - Date.parse(from) > MAX_COMPLETENESS_WINDOW_MS) {
      throw new CallsightError('VALIDATION_FAILED', 'The window is longer than 93 days: backfill a quarter at a time');
    }
    let cursor: Cursor = resumable ?? { to, page: null, doneInPage: 0 };
    let done = resumable ? (saved?.done ?? 0) : 0;
    const save = (completedAt: string | null) =>
      deps.checkpoints.save({ ...key, cursor, done, total: null, completedAt }, deps.clock.now().toISOString());
    await save(null);
    deps.progress?.start(done);

    const pageOf = async (after: string | null): Promise<ProviderListPage<ListedProviderRecording>> => {
      if (list) return list.recordingsPage(accountId, { from, to }, after);
      const seen = await deps.ledger.reconcile(tenantId, { from, to, provider: input.provider }, { limit: CONTACTS_PAGE, ...(after ? { after } : {}) });
      return {
        items: seen.items
          .filter((i) => i.entry.recorded)
          .map((i) => ({ recordingId: i.entry.providerCallId, providerCallId: i.entry.providerCallId, startedAt: i.entry.startedAt, status: 'completed' })),
        next: seen.nextCursor,
      };
    };
    for (;;) {
      const page = await pageOf(cursor.page);
      const items = page.items.slice(cursor.doneInPage);
      deps.progress?.page(items.length);
      let sinceSave = 0;
      for (const recording of items) {
        const outcome = await backfillOne(deps, tenantId, accountId, input.provider, source, recording, replay);
        counts[outcome.kind] += 1;
        if (outcome.kind === 'failed' && failures.length < 100) {
          failures.push({ providerCallId: recording.providerCallId, recordingId: recording.recordingId, code: outcome.code });
        }
        cursor = { ...cursor, doneInPage: cursor.doneInPage + 1 };
        done += 1;
        if (++sinceSave >= input.checkpointEvery) {
          await save(null);
          sinceSave = 0;
        }
        deps.progress?.item(outcome.kind);
      }
      if (page.next === null) break;
      cursor = { ...cursor, page: page.next, doneInPage: 0 };
      await save(null);
    }
    await save(deps.clock.now().toISOString());
    return { provider: input.provider, accountId, from, to: key.windowTo === 'open' ? to : key.windowTo, resumed: resumable !== null, done, counts, failures };
  },
  audited: (out) => ({ details: { ...out.counts, done: out.done, resumed: out.resumed } }),
});

async function backfillOne(
  deps: Deps,
  tenantId: string,
  accountId: string,
  provider: string,
  source: RecordingSource,
  recording: ListedProviderRecording,
  replay: boolean,
): Promise<{ kind: Exclude<BackfillItemOutcome, 'failed'> } | { kind: 'failed'; code: string }> {
  const now = deps.clock.now();
  const audio = hasAudio(recording);
  if (!replay) {
    await deps.ledger.record(
      [{ tenantId, provider, providerCallId: recording.providerCallId, startedAt: recording.startedAt, recorded: audio, source: `${provider}-api` }],
      now.toISOString(),
    );
  }
  if (!audio) return { kind: 'no_audio' };
  if (await deps.calls.findByProviderCallId(tenantId, provider, recording.providerCallId)) return { kind: 'present' };
  const id = deps.ids.newId('pr');
  const pendingLike = {
    tenantId,
    id,
    provider,
    providerCallId: recording.providerCallId,
    recordingId: recording.recordingId,
    accountId,
    status: 'waiting' as const,
    attempts: 0,
    lastError: null,
    receivedAt: now.toISOString(),
    nextAttemptAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + deps.policy.windowMs).toISOString(),
    resolvedAt: null,
    callId: null,
  };
  try {
    const fetched = await source.fetchRecording(pendingLike);
    // A replayed contact was put in the pending inbox when its record arrived: nothing to queue, it is just not there.
    if (fetched.kind === 'not_ready' && replay) return { kind: 'failed', code: 'RECORDING_NOT_READY' };
    if (fetched.kind === 'not_ready') {
      // Not there yet: the fetch job retries it with backoff (idempotent if a webhook reported it already).
      const firstAttempt = new Date(now.getTime() + deps.policy.firstDelayMs).toISOString();
      const { created } = await deps.pending.accept(
        { ...pendingLike, nextAttemptAt: firstAttempt },
        { id: fetchJobId(id, 1), tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: id }, runAt: firstAttempt },
      );
      return { kind: created ? 'queued' : 'present' };
    }
    const { created } = await deps.ingest.ingestFetched(tenantId, provider, fetched.metadata, fetched.audio);
    return { kind: created ? 'stored' : 'present' };
  } catch (error) {
    if (isCallsightError(error) && SKIPPED_CODES.has(error.code)) return { kind: 'failed', code: error.code };
    throw error;
  }
}
