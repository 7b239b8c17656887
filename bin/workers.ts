import { computeRetryDelayMs, type Job, type JobQueue } from '../core/jobs/job-queue.port';
import { isCallsightError } from '../core/shared/errors';
import type { Clock } from '../core/shared/clock.port';

export type JobHandler = (job: Job) => Promise<void>;

/**
 * In-process workers: poll the queue for the registered kinds, run each job, complete it or record the
 * failure (code only; never personal data) with exponential backoff until it is dead-lettered.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly options: { pollMs?: number; batch?: number; leaseMs?: number; onError?: (job: Job, error: unknown) => void } = {},
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for job kind "${kind}" is already registered`);
    this.handlers.set(kind, handler);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Runs every due job once (and those that become due while it runs); resolves when the queue is drained. */
  async drain(maxRounds = 1000): Promise<number> {
    let processed = 0;
    for (let round = 0; round < maxRounds; round++) {
      const jobs = await this.queue.claim({
        now: this.clock.now(),
        limit: this.options.batch ?? 8,
        leaseMs: this.options.leaseMs ?? 5 * 60_000,
        kinds: this.kinds(),
      });
      if (jobs.length === 0) break;
      for (const job of jobs) {
        await this.runOne(job);
        processed++;
      }
    }
    return processed;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.drain(1)
        .catch((error) => this.options.onError?.({ id: 'poll' } as Job, error))
        .then(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 500);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    try {
      await handler(job);
      await this.queue.complete(job.id, this.clock.now());
    } catch (error) {
      this.options.onError?.(job, error);
      const code = isCallsightError(error) ? error.code : 'INTERNAL';
      const now = this.clock.now();
      await this.queue.fail(job.id, `${code}: ${safeMessage(error)}`, now, new Date(now.getTime() + computeRetryDelayMs(job.attempts)));
    }
  }
}

function safeMessage(error: unknown): string {
  // CallsightError messages are written without personal data; anything else is reduced to its type.
  if (isCallsightError(error)) return error.message;
  return error instanceof Error ? error.name : 'unknown error';
}
