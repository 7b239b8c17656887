import type Database from 'better-sqlite3';

/** An export request as stored (R-ACC-3). `status` is the stored state; expiry is read from `expiresAt`. */
export interface StoredExport {
  readonly tenantId: string;
  readonly id: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly requestedBy: string;
  /** The requester's justification, shown to the approver; never copied into the audit trail. */
  readonly reason: string;
  /** The filter the call ids were resolved from, or null when the requester listed call ids. */
  readonly filter: Readonly<Record<string, unknown>> | null;
  /** Frozen at request time, so the approver approves exactly what will leave. */
  readonly callIds: readonly string[];
  readonly audioBytes: number;
  readonly createdAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  /** When the download stops working (set on approval). */
  readonly expiresAt: string | null;
  readonly downloads: number;
  readonly lastDownloadAt: string | null;
}

export type NewExport = Pick<StoredExport, 'tenantId' | 'id' | 'requestedBy' | 'reason' | 'filter' | 'callIds' | 'audioBytes' | 'createdAt'>;

export interface ExportDecision {
  readonly status: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly note: string | null;
  readonly expiresAt: string | null;
}

interface ExportRow {
  tenant_id: string;
  id: string;
  status: StoredExport['status'];
  requested_by: string;
  reason: string;
  filter_json: string | null;
  call_ids_json: string;
  audio_bytes: number;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string | null;
  downloads: number;
  last_download_at: string | null;
}

function toExport(row: ExportRow): StoredExport {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    status: row.status,
    requestedBy: row.requested_by,
    reason: row.reason,
    filter: row.filter_json === null ? null : (JSON.parse(row.filter_json) as Record<string, unknown>),
    callIds: JSON.parse(row.call_ids_json) as string[],
    audioBytes: row.audio_bytes,
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    expiresAt: row.expires_at,
    downloads: row.downloads,
    lastDownloadAt: row.last_download_at,
  };
}

/**
 * Export requests on SQLite. The two-person rule holds in the schema too: a decided export must name a decider
 * other than its requester (CHECK), and a decision only applies to a still-pending export (conditional UPDATE),
 * so two approvers racing cannot both decide.
 */
export class SqliteExports {
  constructor(private readonly db: Database.Database) {}

  create(input: NewExport): StoredExport {
    this.db
      .prepare(
        `INSERT INTO exports (tenant_id, id, status, requested_by, reason, filter_json, call_ids_json, call_count, audio_bytes, created_at)
         VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.tenantId, input.id, input.requestedBy, input.reason, input.filter === null ? null : JSON.stringify(input.filter),
        JSON.stringify(input.callIds), input.callIds.length, input.audioBytes, input.createdAt,
      );
    return this.get(input.tenantId, input.id)!;
  }

  get(tenantId: string, id: string): StoredExport | null {
    const row = this.db.prepare('SELECT * FROM exports WHERE tenant_id = ? AND id = ?').get(tenantId, id) as ExportRow | undefined;
    return row ? toExport(row) : null;
  }

  /** Newest first; `before` is the createdAt/id cursor of the last item of the previous page. */
  list(tenantId: string, options: { status?: StoredExport['status']; limit: number; before?: { createdAt: string; id: string } }): StoredExport[] {
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
    return rows.map(toExport);
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
