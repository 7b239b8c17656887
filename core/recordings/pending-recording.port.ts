/**
 * Recordings a telephony provider has reported but the hub has not stored yet (issue 16 item 4). A provider's
 * callback is written here durably and answered at once; a fetch job then downloads the recording with backoff
 * until it is stored or its window closes. Implemented by adapters/storage/sqlite/sqlite.pending-recordings.ts
 * and adapters/storage/postgres/postgres.pending-recordings.ts; both pass test/contracts/pending-recordings.contract.ts.
 */
import type { Awaitable } from '../shared/awaitable';

/** `waiting`: still being fetched; `stored`: ingested as `callId`; `missing`: its window closed without the audio. */
export type PendingRecordingStatus = 'waiting' | 'stored' | 'missing';

/** A reported recording and how fetching it is going. Instants are ISO-8601 UTC text (text order is time order). */
export interface PendingRecording {
  readonly tenantId: string;
  readonly id: string;
  /** The telephony provider (`twilio`) and its id of the call: the key a repeat callback is recognised by. */
  readonly provider: string;
  readonly providerCallId: string;
  /** The provider's id of the recording (a Twilio RecordingSid). */
  readonly recordingId: string;
  /** The provider account that reported it (its credentials fetch the media). */
  readonly accountId: string;
  readonly status: PendingRecordingStatus;
  /** Failed fetch attempts so far (the one that stores it is not counted). */
  readonly attempts: number;
  /** Why the last attempt did not store it: a code such as `not_ready` or `upstream_failed`, never a message. */
  readonly lastError: string | null;
  readonly receivedAt: string;
  /** When the next attempt is due (while waiting). */
  readonly nextAttemptAt: string;
  /** When the fetch window closes: an attempt at or after it that fails marks the recording missing. */
  readonly deadlineAt: string;
  /** When it became stored or missing; null while waiting. */
  readonly resolvedAt: string | null;
  /** The stored call, once stored. */
  readonly callId: string | null;
}

/** What a callback records: everything but the fetch progress. */
export type NewPendingRecording = Pick<
  PendingRecording,
  'tenantId' | 'id' | 'provider' | 'providerCallId' | 'recordingId' | 'accountId' | 'receivedAt' | 'nextAttemptAt' | 'deadlineAt'
>;

/** A fetch job written in the same transaction as the change that makes it due (a row of the job queue). */
export interface ScheduledFetch {
  /** Unique per (recording, attempt), so that writing it twice adds one job. */
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly runAt: string;
}

/** Counts of reported recordings received in a range: what the recording-completeness KPI reads. */
export interface PendingRecordingCounts {
  readonly stored: number;
  /** Marked missing, or still waiting after their deadline (a fetch job lost to a crash counts too). */
  readonly missing: number;
  /** Still within their window. */
  readonly waiting: number;
}

export interface PendingRecordingPage {
  readonly items: readonly PendingRecording[];
  /** Pass as `after` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

/** Durable reported-recording rows. Every method is atomic; every read takes the tenant and returns only its rows. */
export interface PendingRecordingStore {
  /**
   * Records a reported recording and its first fetch job in one transaction. Idempotent on (tenant, provider,
   * providerCallId): when a row exists, nothing is written and the existing row is returned with `created: false`.
   */
  accept(recording: NewPendingRecording, job: ScheduledFetch): Awaitable<{ readonly created: boolean; readonly recording: PendingRecording }>;
  get(tenantId: string, id: string): Awaitable<PendingRecording | null>;
  /**
   * Records a failed attempt of a waiting recording (attempts, last error code, next attempt) and writes `next`,
   * in one transaction; a job id that exists already is left as it is. A recording no longer waiting is unchanged
   * and no job is written. Returns whether the row changed.
   */
  recordAttempt(
    tenantId: string,
    id: string,
    attempt: { readonly attempts: number; readonly lastError: string; readonly nextAttemptAt: string },
    next: ScheduledFetch,
  ): Awaitable<boolean>;
  /**
   * Ends a waiting recording as stored (with its call) or missing, at `at`. Only a waiting row changes; returns the
   * row as it is afterwards (null for an unknown id).
   */
  resolve(
    tenantId: string,
    id: string,
    resolution: { readonly status: 'stored'; readonly callId: string } | { readonly status: 'missing'; readonly lastError: string },
    at: string,
  ): Awaitable<PendingRecording | null>;
  /**
   * Recordings that never arrived: marked missing, or waiting with `deadlineAt <= now`; oldest received first
   * (then by id), `limit` (1..1000) per page, `after` a cursor from the previous page. VALIDATION_FAILED for a bad
   * limit or cursor.
   */
  listMissing(tenantId: string, now: string, page: { readonly limit: number; readonly after?: string }): Awaitable<PendingRecordingPage>;
  /** Counts of recordings received in [from, to), judged at `now`. */
  countReceived(tenantId: string, range: { readonly from: string; readonly to: string }, now: string): Awaitable<PendingRecordingCounts>;
}

/** The job kind that fetches a reported recording; its payload is `{ pendingId }`. */
export const FETCH_RECORDING_JOB = 'recordings.fetch';

/**
 * One fetch of a reported recording from its provider. `ready` with the call's metadata (as the ingest use-case
 * takes it) and the audio; `not_ready` when the provider has no media yet (or answered with a failure worth
 * retrying): `reason` is a code, never a message with personal data.
 */
export type RecordingFetchResult =
  | { readonly kind: 'ready'; readonly metadata: unknown; readonly audio: Uint8Array }
  | { readonly kind: 'not_ready'; readonly reason: string };

/** A provider's recording downloads (adapters/telephony/<provider>). */
export interface RecordingSource {
  readonly provider: string;
  fetchRecording(recording: PendingRecording): Promise<RecordingFetchResult>;
}

/**
 * Delay before attempt `attempts + 1`, exponential from `firstDelayMs`, doubling, at most `maxDelayMs`.
 * `attempts` is the number of attempts made so far (0 before the first).
 */
export function computeFetchDelayMs(attempts: number, policy: { readonly firstDelayMs: number; readonly maxDelayMs: number }): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, Math.min(attempts, 40)));
}
