export { jobActor, jobHandler, WORKER_ACTOR } from './jobs.handlers';
export { JOB_STATES, jobQueueQuerySchema, summarizeJobQueue, type DeadJob, type JobQueueQuery, type JobQueueSummary } from './jobs.queue';
