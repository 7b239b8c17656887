import type Database from 'better-sqlite3';
import {
  assertJobLimit,
  JOB_ERROR_MAX_CHARS,
  resolveEnqueue,
  type EnqueueJob,
  type Job,
  type JobCounts,
  type JobQueue,
  type JobStatus,
} from '../../../core/jobs/job-queue.port';
import { CallsightError } from '../../../core/shared/errors';
import { rowToJob, type JobRow } from '../rows';

/** JobQueue on the hub's SQLite database; claims run in IMMEDIATE transactions so two workers never share a job. */
export class SqliteJobQueue implements JobQueue {
  constructor(private readonly db: Database.Database) {}

  async enqueue(job: EnqueueJob): Promise<boolean> {
    const now = new Date().toISOString();
    const { runAt, maxAttempts, dedupeKey } = resolveEnqueue(job, new Date(now));
    return this.db
      .transaction(() => {
        if (dedupeKey !== null) {
          const dup = this.db
            .prepare(`SELECT 1 FROM jobs WHERE tenant_id = ? AND kind = ? AND dedupe_key = ? AND status IN ('queued', 'running')`)
            .get(job.tenantId, job.kind, dedupeKey);
          if (dup) return false;
        }
        try {
          this.db
            .prepare(
              `INSERT INTO jobs (id, tenant_id, kind, payload_json, max_attempts, run_at, dedupe_key, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(job.id, job.tenantId, job.kind, JSON.stringify(job.payload), maxAttempts, runAt, dedupeKey, now, now);
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new CallsightError('CONFLICT', 'A job with this id already exists', { cause: error });
          }
          throw error;
        }
        return true;
      })
      .immediate();
  }

  async claim(options: { now: Date; limit: number; leaseMs: number; kinds: readonly string[] }): Promise<Job[]> {
    assertJobLimit(options.limit);
    if (options.kinds.length === 0 || options.limit === 0) return [];
    const now = options.now.toISOString();
    const leaseUntil = new Date(options.now.getTime() + options.leaseMs).toISOString();
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(
            `SELECT * FROM jobs
             WHERE kind IN (${options.kinds.map(() => '?').join(', ')})
               AND ((status = 'queued' AND run_at <= ?) OR (status = 'running' AND lease_until <= ?))
             ORDER BY run_at, id LIMIT ?`,
          )
          .all(...options.kinds, now, now, options.limit) as JobRow[];
        const update = this.db.prepare(`UPDATE jobs SET status = 'running', lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`);
        for (const row of rows) update.run(leaseUntil, now, row.id);
        return rows.map((row) => rowToJob({ ...row, status: 'running', lease_until: leaseUntil, attempts: row.attempts + 1, updated_at: now }));
      })
      .immediate();
  }

  async complete(id: string, now: Date): Promise<void> {
    this.db.prepare(`UPDATE jobs SET status = 'done', lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?`).run(now.toISOString(), id);
  }

  async fail(id: string, error: string, now: Date, retryAt: Date): Promise<JobStatus> {
    return this.db
      .transaction((): JobStatus => {
        const row = this.db.prepare('SELECT attempts, max_attempts FROM jobs WHERE id = ?').get(id) as
          | { attempts: number; max_attempts: number }
          | undefined;
        if (!row) return 'dead';
        const status: JobStatus = row.attempts >= row.max_attempts ? 'dead' : 'queued';
        this.db
          .prepare('UPDATE jobs SET status = ?, run_at = ?, lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ?')
          .run(status, retryAt.toISOString(), error.slice(0, JOB_ERROR_MAX_CHARS), now.toISOString(), id);
        return status;
      })
      .immediate();
  }

  async counts(): Promise<JobCounts[]> {
    return this.db.prepare('SELECT kind, status, COUNT(*) AS count FROM jobs GROUP BY kind, status ORDER BY kind, status').all() as JobCounts[];
  }

  async list(options: { status?: JobStatus; kind?: string; limit: number }): Promise<Job[]> {
    assertJobLimit(options.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status) {
      where.push('status = ?');
      params.push(options.status);
    }
    if (options.kind) {
      where.push('kind = ?');
      params.push(options.kind);
    }
    params.push(options.limit);
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`)
      .all(...params) as JobRow[];
    return rows.map(rowToJob);
  }
}
