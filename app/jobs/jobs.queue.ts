import { z } from 'zod';
import type { JobCounts, JobQueue, JobStatus } from '../../core/jobs/job-queue.port';
import { parseInput } from '../../core/shared/validation';

/** How many dead-lettered jobs a queue summary lists: 0 to 10,000 (20 when not given). */
export const jobQueueQuerySchema = z.object({
  limit: z.coerce.number().int().min(0).max(10_000).default(20),
});
export type JobQueueQuery = z.input<typeof jobQueueQuerySchema>;

/** A dead-lettered job as an operator sees it: never its payload. */
export interface DeadJob {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly attempts: number;
  /** The last failure: its code and a message without personal data. */
  readonly lastError: string | null;
  readonly updatedAt: string;
}

/** The job queue at a glance: counts per kind and state, and the most recent dead-lettered jobs. */
export interface JobQueueSummary {
  readonly counts: readonly JobCounts[];
  readonly dead: readonly DeadJob[];
}

/** The states a summary table shows, in order. */
export const JOB_STATES: readonly JobStatus[] = ['queued', 'running', 'done', 'dead'];

/**
 * Summarises the hub's job queue across tenants for the operator on the hub's machine (`callsight jobs`): the
 * machinery's state, not tenant data, so it is not an audited use-case. Payloads are never included.
 * VALIDATION_FAILED (`Invalid job queue query: limit: ...`) for a limit out of range.
 */
export async function summarizeJobQueue(queue: Pick<JobQueue, 'counts' | 'list'>, query: JobQueueQuery = {}): Promise<JobQueueSummary> {
  const { limit } = parseInput(jobQueueQuerySchema, query, 'Invalid job queue query');
  const counts = await queue.counts();
  const dead = (await queue.list({ status: 'dead', limit })).map((job) => ({
    id: job.id,
    tenantId: job.tenantId,
    kind: job.kind,
    attempts: job.attempts,
    lastError: job.lastError,
    updatedAt: job.updatedAt,
  }));
  return { counts, dead };
}
