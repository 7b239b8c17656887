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
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import type { PostgresDatabase } from './postgres-database';
import { rowToJob, type JobRow } from '../rows';

const COLUMNS = 'id, tenant_id, kind, payload_json, status, attempts, max_attempts, run_at, lease_until, last_error, created_at, updated_at';

/**
 * JobQueue on the `jobs` table that CallRepository.insertCall also writes in the call's transaction; the same
 * behaviour as SqliteJobQueue (test/contracts/job-queue.contract.ts), safe with many workers on one database:
 * - a claim locks the rows it takes with FOR UPDATE SKIP LOCKED in the same statement that leases them, so
 *   concurrent claims pass over each other's rows instead of waiting or sharing them (under READ COMMITTED a
 *   row leased meanwhile is re-checked and dropped);
 * - the dedupe rule is the partial unique index `jobs_dedupe_live` (migration 7), so two concurrent enqueues
 *   with one key insert one job and the other gets false;
 * - `fail` decides retry or dead-letter in its one UPDATE, from the row it locks.
 * Texts compare in the "C" collation and instants are ISO-8601 text, as in SQLite.
 */
export class PostgresJobQueue implements JobQueue {
  constructor(private readonly db: PostgresDatabase) {}

  async enqueue(job: EnqueueJob): Promise<boolean> {
    const now = new Date().toISOString();
    const { runAt, maxAttempts, dedupeKey } = resolveEnqueue(job, new Date(now));
    try {
      const { rowCount } = await this.db.query(
        `INSERT INTO jobs (id, tenant_id, kind, payload_json, max_attempts, run_at, dedupe_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (tenant_id, kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING`,
        [job.id, job.tenantId, job.kind, JSON.stringify(job.payload), maxAttempts, runAt, dedupeKey, now],
      );
      return rowCount === 1;
    } catch (error) {
      // The only other unique key is the id.
      if (isCallsightError(error) && error.code === 'CONFLICT') {
        throw new CallsightError('CONFLICT', 'A job with this id already exists', { cause: error });
      }
      throw error;
    }
  }

  async claim(options: { now: Date; limit: number; leaseMs: number; kinds: readonly string[] }): Promise<Job[]> {
    assertJobLimit(options.limit);
    if (options.kinds.length === 0 || options.limit === 0) return [];
    const now = options.now.toISOString();
    const leaseUntil = new Date(options.now.getTime() + options.leaseMs).toISOString();
    const { rows } = await this.db.query<JobRow>(
      `WITH due AS (
         SELECT id FROM jobs
         WHERE kind = ANY($1::text[])
           AND ((status = 'queued' AND run_at <= $2) OR (status = 'running' AND lease_until <= $2))
         ORDER BY run_at, id LIMIT $3
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE jobs j SET status = 'running', lease_until = $4, attempts = j.attempts + 1, updated_at = $2
         FROM due WHERE j.id = due.id
         RETURNING j.*)
       SELECT ${COLUMNS} FROM claimed ORDER BY run_at, id`,
      [[...options.kinds], now, options.limit, leaseUntil],
    );
    return rows.map(rowToJob);
  }

  async complete(id: string, now: Date): Promise<void> {
    await this.db.query(`UPDATE jobs SET status = 'done', lease_until = NULL, last_error = NULL, updated_at = $1 WHERE id = $2`, [
      now.toISOString(),
      id,
    ]);
  }

  async fail(id: string, error: string, now: Date, retryAt: Date): Promise<JobStatus> {
    const { rows } = await this.db.query<{ status: JobStatus }>(
      `UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
         run_at = $1, lease_until = NULL, last_error = $2, updated_at = $3
       WHERE id = $4
       RETURNING status`,
      [retryAt.toISOString(), error.slice(0, JOB_ERROR_MAX_CHARS), now.toISOString(), id],
    );
    return rows[0]?.status ?? 'dead';
  }

  async counts(): Promise<JobCounts[]> {
    const { rows } = await this.db.query<{ kind: string; status: JobStatus; count: number }>(
      'SELECT kind, status, COUNT(*)::int AS count FROM jobs GROUP BY kind, status ORDER BY kind, status',
    );
    return rows;
  }

  async list(options: { status?: JobStatus; kind?: string; limit: number }): Promise<Job[]> {
    assertJobLimit(options.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    if (options.kind) {
      params.push(options.kind);
      where.push(`kind = $${params.length}`);
    }
    params.push(options.limit);
    const { rows } = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(rowToJob);
  }
}
