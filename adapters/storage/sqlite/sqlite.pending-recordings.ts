import type Database from 'better-sqlite3';
import type {
  NewPendingRecording,
  PendingRecording,
  PendingRecordingCounts,
  PendingRecordingPage,
  PendingRecordingStore,
  ScheduledFetch,
} from '../../../core/recordings/pending-recording.port';
import { CallsightError } from '../../../core/shared/errors';

/**
 * Reported recordings on the hub's SQLite database. The first fetch job and every rescheduled one are written
 * into the job queue's table in the same IMMEDIATE transaction as the row change that makes them due.
 */
export class SqlitePendingRecordings implements PendingRecordingStore {
  constructor(private readonly db: Database.Database) {}

  accept(recording: NewPendingRecording, job: ScheduledFetch): { created: boolean; recording: PendingRecording } {
    return this.db
      .transaction(() => {
        const inserted = this.db
          .prepare(
            `INSERT INTO pending_recordings (tenant_id, id, provider, provider_call_id, recording_id, account_id, received_at, next_attempt_at, deadline_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, provider, provider_call_id) DO NOTHING`,
          )
          .run(
            recording.tenantId, recording.id, recording.provider, recording.providerCallId, recording.recordingId,
            recording.accountId, recording.receivedAt, recording.nextAttemptAt, recording.deadlineAt,
          );
        if (inserted.changes > 0) this.insertJob(job);
        const row = this.db
          .prepare('SELECT * FROM pending_recordings WHERE tenant_id = ? AND provider = ? AND provider_call_id = ?')
          .get(recording.tenantId, recording.provider, recording.providerCallId) as PendingRecordingRow;
        return { created: inserted.changes > 0, recording: rowToPendingRecording(row) };
      })
      .immediate();
  }

  get(tenantId: string, id: string): PendingRecording | null {
    const row = this.db.prepare('SELECT * FROM pending_recordings WHERE tenant_id = ? AND id = ?').get(tenantId, id) as PendingRecordingRow | undefined;
    return row ? rowToPendingRecording(row) : null;
  }

  recordAttempt(
    tenantId: string,
    id: string,
    attempt: { attempts: number; lastError: string; nextAttemptAt: string },
    next: ScheduledFetch,
  ): boolean {
    return this.db
      .transaction(() => {
        const changed = this.db
          .prepare(
            `UPDATE pending_recordings SET attempts = ?, last_error = ?, next_attempt_at = ?
             WHERE tenant_id = ? AND id = ? AND status = 'waiting'`,
          )
          .run(attempt.attempts, attempt.lastError, attempt.nextAttemptAt, tenantId, id);
        if (changed.changes === 0) return false;
        this.insertJob(next);
        return true;
      })
      .immediate();
  }

  resolve(
    tenantId: string,
    id: string,
    resolution: { status: 'stored'; callId: string } | { status: 'missing'; lastError: string },
    at: string,
  ): PendingRecording | null {
    return this.db
      .transaction(() => {
        if (resolution.status === 'stored') {
          this.db
            .prepare(
              `UPDATE pending_recordings SET status = 'stored', call_id = ?, resolved_at = ?
               WHERE tenant_id = ? AND id = ? AND status = 'waiting'`,
            )
            .run(resolution.callId, at, tenantId, id);
        } else {
          this.db
            .prepare(
              `UPDATE pending_recordings SET status = 'missing', last_error = ?, resolved_at = ?
               WHERE tenant_id = ? AND id = ? AND status = 'waiting'`,
            )
            .run(resolution.lastError, at, tenantId, id);
        }
        return this.get(tenantId, id);
      })
      .immediate();
  }

  listMissing(tenantId: string, now: string, page: { limit: number; after?: string }): PendingRecordingPage {
    const limit = pendingPageLimit(page.limit);
    const after = page.after === undefined ? null : decodePendingCursor(page.after);
    const rows = this.db
      .prepare(
        `SELECT * FROM pending_recordings
         WHERE tenant_id = ? AND (status = 'missing' OR (status = 'waiting' AND deadline_at <= ?))
           AND (? IS NULL OR received_at > ? OR (received_at = ? AND id > ?))
         ORDER BY received_at, id LIMIT ?`,
      )
      .all(tenantId, now, after?.receivedAt ?? null, after?.receivedAt ?? null, after?.receivedAt ?? null, after?.id ?? null, limit + 1) as PendingRecordingRow[];
    const items = rows.slice(0, limit).map(rowToPendingRecording);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodePendingCursor(last) : null };
  }

  countReceived(tenantId: string, range: { from: string; to: string }, now: string): PendingRecordingCounts {
    const row = this.db
      .prepare(
        `SELECT
           COALESCE(SUM(CASE WHEN status = 'stored' THEN 1 ELSE 0 END), 0) AS stored,
           COALESCE(SUM(CASE WHEN status = 'missing' OR (status = 'waiting' AND deadline_at <= ?) THEN 1 ELSE 0 END), 0) AS missing,
           COALESCE(SUM(CASE WHEN status = 'waiting' AND deadline_at > ? THEN 1 ELSE 0 END), 0) AS waiting
         FROM pending_recordings WHERE tenant_id = ? AND received_at >= ? AND received_at < ?`,
      )
      .get(now, now, tenantId, range.from, range.to) as { stored: number; missing: number; waiting: number };
    return { stored: row.stored, missing: row.missing, waiting: row.waiting };
  }

  private insertJob(job: ScheduledFetch): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO jobs (id, tenant_id, kind, payload_json, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(job.id, job.tenantId, job.kind, JSON.stringify(job.payload), new Date(job.runAt).toISOString(), now, now);
  }
}

/** A pending_recordings row, as both SQLite and PostgreSQL return it. */
export interface PendingRecordingRow {
  tenant_id: string;
  id: string;
  provider: string;
  provider_call_id: string;
  recording_id: string;
  account_id: string;
  status: PendingRecording['status'];
  attempts: number;
  last_error: string | null;
  received_at: string;
  next_attempt_at: string;
  deadline_at: string;
  resolved_at: string | null;
  call_id: string | null;
}

export function rowToPendingRecording(row: PendingRecordingRow): PendingRecording {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    provider: row.provider,
    providerCallId: row.provider_call_id,
    recordingId: row.recording_id,
    accountId: row.account_id,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    receivedAt: row.received_at,
    nextAttemptAt: row.next_attempt_at,
    deadlineAt: row.deadline_at,
    resolvedAt: row.resolved_at,
    callId: row.call_id,
  };
}

/** The page size of a missing-recordings listing; VALIDATION_FAILED outside 1..1000. */
export function pendingPageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CallsightError('VALIDATION_FAILED', 'A missing-recordings page needs limit to be an integer from 1 to 1000');
  }
  return limit;
}

/** An opaque keyset cursor after `recording` (received time, id). */
export function encodePendingCursor(recording: Pick<PendingRecording, 'receivedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([recording.receivedAt, recording.id]), 'utf8').toString('base64url');
}

/** VALIDATION_FAILED for a cursor this store did not issue. */
export function decodePendingCursor(cursor: string): { receivedAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { receivedAt: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the error below: the cursor is not one this store issued.
  }
  throw new CallsightError('VALIDATION_FAILED', 'The cursor is not valid; start again without it');
}
