import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { PendingRecordingStore, RecordingSource } from '../../core/recordings/pending-recording.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { DAY_MS } from '../../core/shared/time';

/** How long and how often the hub tries to fetch a reported recording (RECORDING_FETCH_* settings). */
export interface RecordingFetchPolicy {
  /** From the callback until the recording is declared missing; default 24 h. */
  readonly windowMs: number;
  /** Wait before the first attempt; each later wait doubles, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/** The defaults: a 24-hour window, first attempt after 30 s, then 1, 2, 4 ... minutes, at most one hour apart. */
export const DEFAULT_RECORDING_FETCH_POLICY: RecordingFetchPolicy = Object.freeze({
  windowMs: DAY_MS,
  firstDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
});

/** Stores a fetched recording through the ingest use-case (idempotent on provider and provider call id). */
export interface RecordingIngest {
  ingestFetched(tenantId: string, provider: string, metadata: unknown, audio: Uint8Array): Promise<{ readonly call: Call; readonly created: boolean }>;
}

/** Every port of the recordings capability. */
export interface RecordingsPorts {
  readonly pending: PendingRecordingStore;
  readonly calls: Pick<CallRepository, 'findByProviderCallId'>;
  /** The provider's downloader, by provider name; null for a provider the hub cannot fetch from. */
  readonly sources: { sourceFor(provider: string): RecordingSource | null };
  readonly ingest: RecordingIngest;
  readonly policy: RecordingFetchPolicy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** The audit target of a reported recording. */
export function pendingTarget(id: string): string {
  return `pending-recording:${id}`;
}

/** The job of attempt `attempt` (1-based) of a reported recording: one id per attempt, so rewriting it adds nothing. */
export function fetchJobId(pendingId: string, attempt: number): string {
  return `${pendingId}-fetch-${attempt}`;
}
