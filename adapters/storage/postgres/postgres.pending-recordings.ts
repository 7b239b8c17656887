import type {
  NewPendingRecording,
  PendingRecording,
  PendingRecordingCounts,
  PendingRecordingPage,
  PendingRecordingStore,
  ScheduledFetch,
} from '../../../core/recordings/pending-recording.port';
import {
  decodePendingCursor,
  encodePendingCursor,
  pendingPageLimit,
  rowToPendingRecording,
  type PendingRecordingRow,
} from '../sqlite/sqlite.pending-recordings';
import type { PostgresDatabase } from './postgres-database';

/**
 * Reported recordings on PostgreSQL, with the same rules as SQLite: the fetch job a change makes due is inserted
 * into the job queue's table in the same transaction; a repeat callback is absorbed by the unique key.
 */
export class PostgresPendingRecordings implements PendingRecordingStore {
  constructor(private readonly db: PostgresDatabase) {}

  async accept(recording: NewPendingRecording, job: ScheduledFetch): Promise<{ created: boolean; recording: PendingRecording }> {
    return this.db.transaction(async () => {
      const inserted = await this.db.query(
        `INSERT INTO pending_recordings (tenant_id, id, provider, provider_call_id, recording_id, account_id, received_at, next_attempt_at, deadline_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, provider, provider_call_id) DO NOTHING`,
        [
          recording.tenantId, recording.id, recording.provider, recording.providerCallId, recording.recordingId,
          recording.accountId, recording.receivedAt, recording.nextAttemptAt, recording.deadlineAt,
        ],
      );
      const created = (inserted.rowCount ?? 0) > 0;
      if (created) await this.insertJob(job);
      const { rows } = await this.db.query<PendingRecordingRow>(
        'SELECT * FROM pending_recordings WHERE tenant_id = $1 AND provider = $2 AND provider_call_id = $3',
        [recording.tenantId, recording.provider, recording.providerCallId],
      );
      return { created, recording: rowToPendingRecording(rows[0]!) };
    });
  }

  async get(tenantId: string, id: string): Promise<PendingRecording | null> {
    const { rows } = await this.db.query<PendingRecordingRow>('SELECT * FROM pending_recordings WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? rowToPendingRecording(rows[0]) : null;
  }

  async recordAttempt(
    tenantId: string,
    id: string,
    attempt: { attempts: number; lastError: string; nextAttemptAt: string },
    next: ScheduledFetch,
  ): Promise<boolean> {
    return this.db.transaction(async () => {
      const changed = await this.db.query(
        `UPDATE pending_recordings SET attempts = $1, last_error = $2, next_attempt_at = $3
         WHERE tenant_id = $4 AND id = $5 AND status = 'waiting'`,
        [attempt.attempts, attempt.lastError, attempt.nextAttemptAt, tenantId, id],
      );
      if ((changed.rowCount ?? 0) === 0) return false;
      await this.insertJob(next);
      return true;
    });
  }

  async resolve(
    tenantId: string,
    id: string,
    resolution: { status: 'stored'; callId: string } | { status: 'missing'; lastError: string },
    at: string,
  ): Promise<PendingRecording | null> {
    return this.db.transaction(async () => {
      if (resolution.status === 'stored') {
        await this.db.query(
          `UPDATE pending_recordings SET status = 'stored', call_id = $1, resolved_at = $2
           WHERE tenant_id = $3 AND id = $4 AND status = 'waiting'`,
          [resolution.callId, at, tenantId, id],
        );
      } else {
        await this.db.query(
          `UPDATE pending_recordings SET status = 'missing', last_error = $1, resolved_at = $2
           WHERE tenant_id = $3 AND id = $4 AND status = 'waiting'`,
          [resolution.lastError, at, tenantId, id],
        );
      }
      return this.get(tenantId, id);
    });
  }

  async listMissing(tenantId: string, now: string, page: { limit: number; after?: string }): Promise<PendingRecordingPage> {
    const limit = pendingPageLimit(page.limit);
    const after = page.after === undefined ? null : decodePendingCursor(page.after);
    const { rows } = await this.db.query<PendingRecordingRow>(
      `SELECT * FROM pending_recordings
       WHERE tenant_id = $1 AND (status = 'missing' OR (status = 'waiting' AND deadline_at <= $2))
         AND ($3::text IS NULL OR received_at > $3 OR (received_at = $3 AND id > $4))
       ORDER BY received_at, id LIMIT $5`,
      [tenantId, now, after?.receivedAt ?? null, after?.id ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(rowToPendingRecording);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodePendingCursor(last) : null };
  }

  async countReceived(tenantId: string, range: { from: string; to: string }, now: string): Promise<PendingRecordingCounts> {
    const { rows } = await this.db.query<{ stored: string; missing: string; waiting: string }>(
      `SELECT
         COUNT(*) FILTER (WHERE status = 'stored') AS stored,
         COUNT(*) FILTER (WHERE status = 'missing' OR (status = 'waiting' AND deadline_at <= $1)) AS missing,
         COUNT(*) FILTER (WHERE status = 'waiting' AND deadline_at > $1) AS waiting
       FROM pending_recordings WHERE tenant_id = $2 AND received_at >= $3 AND received_at < $4`,
      [now, tenantId, range.from, range.to],
    );
    const row = rows[0]!;
    return { stored: Number(row.stored), missing: Number(row.missing), waiting: Number(row.waiting) };
  }

  private async insertJob(job: ScheduledFetch): Promise<void> {
    const now = new Date().toISOString();
    await this.db.query(
      `INSERT INTO jobs (id, tenant_id, kind, payload_json, run_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [job.id, job.tenantId, job.kind, JSON.stringify(job.payload), new Date(job.runAt).toISOString(), now, now],
    );
  }
}
