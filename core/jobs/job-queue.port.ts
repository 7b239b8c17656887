import { CallsightError } from '../shared/errors';

/** Background work kept in the database, so that nothing is lost across restarts (invariant 1). */
export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

/** A job as stored. Instants are ISO-8601 UTC text, so that text order is time order. */
export interface Job {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly status: JobStatus;
  /** Claims so far, the current one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: string;
  readonly leaseUntil: string | null;
  /** The last failure as the worker recorded it (a code and message without personal data), at most 500 characters. */
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EnqueueJob {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  /** When the job becomes due, any ISO-8601 instant (stored normalised to UTC with milliseconds); default now. */
  readonly runAt?: string;
  /** Claims before a failure dead-letters the job (integer >= 1); default 5. */
  readonly maxAttempts?: number;
  /**
   * When set (and not empty), a job of the same tenant, kind and key that is still queued or running is not
   * enqueued twice, even by concurrent enqueues; once that job is done or dead the key is free again.
   */
  readonly dedupeKey?: string;
}

export interface JobCounts {
  readonly kind: string;
  readonly status: JobStatus;
  readonly count: number;
}

/**
 * A queue with leases: a claimed job is invisible to other workers until its lease runs out, so a worker
 * that dies mid-job leaves it to be claimed again. Failed jobs retry with backoff; after `maxAttempts` they are
 * dead-lettered and stay visible. Every method is atomic on its own. Implementations must pass
 * test/contracts/job-queue.contract.ts.
 */
export interface JobQueue {
  /**
   * Adds a job; false (and nothing written) when `dedupeKey` matches a queued or running job. An id that exists
   * already is CallsightError CONFLICT; a `runAt` that is not an instant or a `maxAttempts` below 1 is
   * VALIDATION_FAILED.
   */
  enqueue(job: EnqueueJob): Promise<boolean>;
  /**
   * Claims up to `limit` jobs of the given kinds that are queued and due (`runAt <= now`) or running with an
   * expired lease (`leaseUntil <= now`), earliest `runAt` first, then by id; each becomes `running` with
   * `attempts + 1` and `leaseUntil = now + leaseMs`. Two concurrent claims never return the same job while its
   * lease holds. `limit` must be an integer >= 0 (VALIDATION_FAILED otherwise).
   */
  claim(options: { now: Date; limit: number; leaseMs: number; kinds: readonly string[] }): Promise<Job[]>;
  /** Marks the job done and clears its lease and last error; an unknown id changes nothing. */
  complete(id: string, now: Date): Promise<void>;
  /**
   * Records a failure (a code and message without personal data, cut to 500 characters) and clears the lease:
   * the job is queued again at `retryAt`, or dead once `attempts >= maxAttempts`. Returns the new status; an
   * unknown id changes nothing and reports `dead` (it will not run again).
   */
  fail(id: string, error: string, now: Date, retryAt: Date): Promise<JobStatus>;
  /** Jobs per kind and status (only the pairs that exist), ordered by kind then status. */
  counts(): Promise<JobCounts[]>;
  /** Up to `limit` jobs (integer >= 0), optionally of one status and kind, most recently updated first, then by id descending. */
  list(options: { status?: JobStatus; kind?: string; limit: number }): Promise<Job[]>;
}

/** Exponential backoff with a cap: 2^attempt x base, at most max. */
export function computeRetryDelayMs(attempts: number, baseMs = 2_000, maxMs = 10 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** The length a job's `lastError` is cut to. */
export const JOB_ERROR_MAX_CHARS = 500;

/**
 * The stored values of a new job, the same for every JobQueue: defaults applied, `runAt` normalised to
 * `Date.toISOString` form (so that text order stays time order), an empty dedupe key treated as none.
 * Throws CallsightError VALIDATION_FAILED for a `runAt` that is not an instant or a `maxAttempts` below 1.
 */
export function resolveEnqueue(
  job: EnqueueJob,
  now: Date,
): { readonly runAt: string; readonly maxAttempts: number; readonly dedupeKey: string | null } {
  const runAt = job.runAt === undefined ? now : new Date(job.runAt);
  if (Number.isNaN(runAt.getTime())) throw new CallsightError('VALIDATION_FAILED', 'A job needs runAt to be an ISO-8601 instant');
  const maxAttempts = job.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new CallsightError('VALIDATION_FAILED', 'A job needs maxAttempts to be an integer >= 1');
  }
  return { runAt: runAt.toISOString(), maxAttempts, dedupeKey: job.dedupeKey ? job.dedupeKey : null };
}

/** Throws CallsightError VALIDATION_FAILED unless `limit` (of a claim or a listing) is an integer >= 0. */
export function assertJobLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new CallsightError('VALIDATION_FAILED', 'A job claim or listing needs limit to be an integer >= 0');
  }
}
