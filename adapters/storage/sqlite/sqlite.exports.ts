import type Database from 'better-sqlite3';
import type { ExportDecision, ExportListOptions, ExportStore, NewExport, StoredExport } from '../../../core/access/export-store.port';
import { CallsightError } from '../../../core/shared/errors';
import { rowToExport, type ExportRow } from '../rows';

export type { ExportDecision, ExportListOptions, NewExport, StoredExport };

/**
 * Export requests on SQLite. The two-person rule holds in the schema too: a decided export must name a decider
 * other than its requester (CHECK), and a decision only applies to a still-pending export (conditional UPDATE),
 * so two approvers racing cannot both decide.
 */
export class SqliteExports implements ExportStore {
  constructor(private readonly db: Database.Database) {}

  create(input: NewExport): StoredExport {
    try {
      this.db
        .prepare(
          `INSERT INTO exports (tenant_id, id, status, requested_by, reason, filter_json, call_ids_json, call_count, audio_bytes, created_at)
           VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.tenantId, input.id, input.requestedBy, input.reason, input.filter === null ? null : JSON.stringify(input.filter),
          JSON.stringify(input.callIds), input.callIds.length, input.audioBytes, input.createdAt,
        );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new CallsightError('CONFLICT', `Export ${input.id} already exists; request it again under a new id.`, { cause: error });
      }
      throw error;
    }
    return this.get(input.tenantId, input.id)!;
  }

  get(tenantId: string, id: string): StoredExport | null {
    const row = this.db.prepare('SELECT * FROM exports WHERE tenant_id = ? AND id = ?').get(tenantId, id) as ExportRow | undefined;
    return row ? rowToExport(row) : null;
  }

  /** Newest first; `before` is the createdAt/id cursor of the last item of the previous page. */
  list(tenantId: string, options: ExportListOptions): StoredExport[] {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (options.status) {
      where.push('status = ?');
      params.push(options.status);
    }
    if (options.before) {
      where.push('(created_at, id) < (?, ?)');
      params.push(options.before.createdAt, options.before.id);
    }
    params.push(options.limit);
    const rows = this.db.prepare(`SELECT * FROM exports WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...params) as ExportRow[];
    return rows.map(rowToExport);
  }

  /**
   * Approves or rejects a pending export decided by someone other than its requester. Returns the updated export,
   * or null when it was no longer pending or the decider is the requester (nothing changes then).
   */
  decide(tenantId: string, id: string, decision: ExportDecision): StoredExport | null {
    const changed = this.db
      .prepare(
        `UPDATE exports SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, expires_at = ?
         WHERE tenant_id = ? AND id = ? AND status = 'pending' AND requested_by <> ?`,
      )
      .run(decision.status, decision.by, decision.at, decision.note, decision.expiresAt, tenantId, id, decision.by).changes;
    return changed === 1 ? this.get(tenantId, id) : null;
  }

  recordDownload(tenantId: string, id: string, at: string): void {
    this.db.prepare('UPDATE exports SET downloads = downloads + 1, last_download_at = ? WHERE tenant_id = ? AND id = ?').run(at, tenantId, id);
  }
}
