import type { Job } from '../../core/jobs/job-queue.port';
import { systemActor, type SystemActor } from '../shared/actor';
import type { UseCase } from '../shared/use-case';

/** The audit trail's name for background workers running queued jobs. */
export const WORKER_ACTOR = 'worker';

/** The actor of a queued job: the system acting for the job's tenant, recorded as `worker`. */
export function jobActor(job: Pick<Job, 'tenantId'>): SystemActor {
  return systemActor(job.tenantId, WORKER_ACTOR);
}

/**
 * A job handler that runs `useCase` as the job's worker with the job's payload as input, so a job is audited,
 * validated and authorised like any other call of the use-case. Its failure (with its code) reaches the job
 * runner, which retries it with backoff until it is dead-lettered.
 */
export function jobHandler<O>(useCase: UseCase<never, O>): (job: Job) => Promise<void> {
  return async (job) => {
    await (useCase as unknown as UseCase<unknown, O>)(jobActor(job), job.payload);
  };
}
