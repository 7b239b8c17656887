/** Background work kept in the database, so that nothing is lost across restarts (invariant 1). */
export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

export interface Job {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: string;
  readonly leaseUntil: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EnqueueJob {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly runAt?: string;
  readonly maxAttempts?: number;
  /** When set, a job with the same key that is still queued or running is not enqueued twice. */
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
 * dead-lettered and stay visible.
 */
export interface JobQueue {
  enqueue(job: EnqueueJob): Promise<boolean>;
  /** Claims up to `limit` due jobs of the given kinds, leasing them until now + leaseMs. */
  claim(options: { now: Date; limit: number; leaseMs: number; kinds: readonly string[] }): Promise<Job[]>;
  complete(id: string, now: Date): Promise<void>;
  /** Records a failure (a code and message without personal data); retries at `retryAt` or dead-letters. */
  fail(id: string, error: string, now: Date, retryAt: Date): Promise<JobStatus>;
  counts(): Promise<JobCounts[]>;
  list(options: { status?: JobStatus; kind?: string; limit: number }): Promise<Job[]>;
}

/** Exponential backoff with a cap: 2^attempt x base, at most max. */
export function computeRetryDelayMs(attempts: number, baseMs = 2_000, maxMs = 10 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
