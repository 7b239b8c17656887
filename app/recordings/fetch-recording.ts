import { z } from 'zod';
import { computeFetchDelayMs, FETCH_RECORDING_JOB, type PendingRecording, type RecordingFetchResult } from '../../core/recordings/pending-recording.port';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { fetchJobId, pendingTarget, type RecordingsPorts } from './recordings.ports';

/** The payload of a `recordings.fetch` job. */
export const fetchRecordingInput = z.object({ pendingId: idSchema }).strict();
export type FetchRecordingInput = z.input<typeof fetchRecordingInput>;

/** Where a reported recording stands after one attempt. */
export type FetchRecordingOutcome =
  | { readonly status: 'stored'; readonly pendingId: string; readonly callId: string; readonly attempts: number }
  | { readonly status: 'waiting'; readonly pendingId: string; readonly attempts: number; readonly nextAttemptAt: string; readonly reason: string | null }
  | { readonly status: 'missing'; readonly pendingId: string; readonly attempts: number; readonly reason: string | null };

type Deps = Pick<RecordingsPorts, 'pending' | 'calls' | 'sources' | 'ingest' | 'policy' | 'clock'>;

/** Failures of a download or an ingest that a later attempt may not meet (media still being written, a 5xx). */
const RETRIED_CODES = new Set(['UPSTREAM_FAILED', 'NOT_FOUND', 'AUDIO_EMPTY', 'AUDIO_CORRUPT', 'UNSUPPORTED_MEDIA_TYPE']);

/**
 * One attempt at a reported recording (the `recordings.fetch` job, run as the worker): downloads it from its
 * provider and stores it through the ingest use-case, which is idempotent on (provider, provider call id), so the
 * call is stored exactly once however often this runs. When the media is not there yet (or the provider fails in a
 * way worth retrying) it records the attempt and writes the next job in the same transaction, after an exponential
 * delay that never passes the window's end; an attempt at or after the deadline that fails marks it missing.
 * A job that comes early (a duplicate) or for a recording already resolved changes nothing. NOT_FOUND for an
 * unknown recording. Other failures (a programming error, storage down) are thrown: the job runner retries them,
 * and a recording left waiting past its deadline is listed as missing all the same.
 */
export const fetchRecording = defineUseCase({
  name: 'recordings.fetch-recording',
  action: 'fetch_recording',
  permission: 'system',
  input: fetchRecordingInput,
  invalidInput: 'Invalid recording fetch',
  target: (input) => pendingTarget(input.pendingId),
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof fetchRecordingInput>>): Promise<FetchRecordingOutcome> {
    const tenantId = actor.tenantId;
    const pending = await deps.pending.get(tenantId, input.pendingId);
    if (!pending) throw new CallsightError('NOT_FOUND', 'No such reported recording');
    if (pending.status !== 'waiting') return settled(pending);

    const now = deps.clock.now();
    const at = now.toISOString();
    const already = await deps.calls.findByProviderCallId(tenantId, pending.provider, pending.providerCallId);
    if (already) return settled(await resolveStored(deps, pending, already.id, at));
    if (at < pending.nextAttemptAt) {
      return { status: 'waiting', pendingId: pending.id, attempts: pending.attempts, nextAttemptAt: pending.nextAttemptAt, reason: pending.lastError };
    }

    const attempts = pending.attempts + 1;
    const fetched = await attempt(deps, pending);
    if (fetched.kind === 'stored') {
      const row = await resolveStored(deps, pending, fetched.callId, at);
      return row.status === 'stored' && row.callId ? { status: 'stored', pendingId: row.id, callId: row.callId, attempts } : settled(row);
    }
    if (at >= pending.deadlineAt) {
      const row = await deps.pending.resolve(tenantId, pending.id, { status: 'missing', lastError: fetched.reason }, at);
      return settled(row ?? pending, attempts);
    }
    const nextAttemptAt = new Date(Math.min(now.getTime() + computeFetchDelayMs(attempts, deps.policy), Date.parse(pending.deadlineAt))).toISOString();
    await deps.pending.recordAttempt(
      tenantId,
      pending.id,
      { attempts, lastError: fetched.reason, nextAttemptAt },
      { id: fetchJobId(pending.id, attempts + 1), tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: pending.id }, runAt: nextAttemptAt },
    );
    return { status: 'waiting', pendingId: pending.id, attempts, nextAttemptAt, reason: fetched.reason };
  },
  audited: (out) => ({ target: pendingTarget(out.pendingId), reason: out.status, details: { attempts: out.attempts } }),
});

async function attempt(deps: Deps, pending: PendingRecording): Promise<{ kind: 'stored'; callId: string } | { kind: 'retry'; reason: string }> {
  const source = deps.sources.sourceFor(pending.provider);
  if (!source) return { kind: 'retry', reason: 'no_source' };
  let result: RecordingFetchResult;
  try {
    result = await source.fetchRecording(pending);
  } catch (error) {
    if (isCallsightError(error) && RETRIED_CODES.has(error.code)) return { kind: 'retry', reason: error.code.toLowerCase() };
    throw error;
  }
  if (result.kind === 'not_ready') return { kind: 'retry', reason: result.reason };
  try {
    const { call } = await deps.ingest.ingestFetched(pending.tenantId, pending.provider, result.metadata, result.audio);
    return { kind: 'stored', callId: call.id };
  } catch (error) {
    if (isCallsightError(error) && RETRIED_CODES.has(error.code)) return { kind: 'retry', reason: error.code.toLowerCase() };
    throw error;
  }
}

async function resolveStored(deps: Deps, pending: PendingRecording, callId: string, at: string): Promise<PendingRecording> {
  return (await deps.pending.resolve(pending.tenantId, pending.id, { status: 'stored', callId }, at)) ?? pending;
}

function settled(row: PendingRecording, attempts = row.attempts): FetchRecordingOutcome {
  if (row.status === 'stored' && row.callId) return { status: 'stored', pendingId: row.id, callId: row.callId, attempts };
  if (row.status === 'missing') return { status: 'missing', pendingId: row.id, attempts, reason: row.lastError };
  return { status: 'waiting', pendingId: row.id, attempts, nextAttemptAt: row.nextAttemptAt, reason: row.lastError };
}
