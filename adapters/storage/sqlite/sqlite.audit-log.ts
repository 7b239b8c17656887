import type Database from 'better-sqlite3';
import { appendEvent, type AuditEvent, type AuditEventInput } from '../../../core/audit/audit-chain';
import type { JsonValue } from '../../../core/audit/canonical-json';

interface AuditRow {
  tenant_id: string;
  seq: number;
  at: string;
  actor: string | null;
  role: AuditEvent['role'];
  action: string;
  target: string | null;
  outcome: AuditEvent['outcome'];
  reason: string | null;
  details_json: string | null;
  prev_hash: string;
  hash: string;
}

function rowToEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    tenantId: row.tenant_id,
    actor: row.actor,
    role: row.role,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.details_json !== null ? { details: JSON.parse(row.details_json) as Record<string, JsonValue> } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditQuery {
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly outcome?: string;
  readonly afterSeq?: number;
  readonly limit: number;
}

/**
 * The audit trail on SQLite: append-only (an UPDATE trigger refuses changes), one hash chain per tenant, the
 * head read and the new event inserted in one IMMEDIATE transaction so concurrent writers cannot fork it.
 */
export class SqliteAuditLog {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.headStmt = db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_events (tenant_id, seq, at, actor, role, action, target, outcome, reason, details_json, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(input: AuditEventInput): AuditEvent {
    return this.db
      .transaction(() => {
        const head = this.headStmt.get(input.tenantId) as AuditRow | undefined;
        const event = appendEvent(head ? rowToEvent(head) : null, input);
        this.insertStmt.run(
          event.tenantId, event.seq, event.at, event.actor, event.role, event.action, event.target, event.outcome,
          event.reason ?? null, event.details ? JSON.stringify(event.details) : null, event.prevHash, event.hash,
        );
        return event;
      })
      .immediate();
  }

  /** Every event of a tenant in chain order, streamed so verification runs in constant memory. */
  *iterate(tenantId: string, fromSeq = 1): IterableIterator<AuditEvent> {
    const stmt = this.db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? AND seq >= ? ORDER BY seq');
    for (const row of stmt.iterate(tenantId, fromSeq) as IterableIterator<AuditRow>) yield rowToEvent(row);
  }

  query(tenantId: string, q: AuditQuery): AuditEvent[] {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    if (q.actor) add('actor = ?', q.actor);
    if (q.action) add('action = ?', q.action);
    if (q.target) add('target = ?', q.target);
    if (q.outcome) add('outcome = ?', q.outcome);
    if (q.afterSeq !== undefined) add('seq > ?', q.afterSeq);
    params.push(q.limit);
    const rows = this.db.prepare(`SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...params) as AuditRow[];
    return rows.map(rowToEvent);
  }

  head(tenantId: string): AuditEvent | null {
    const row = this.headStmt.get(tenantId) as AuditRow | undefined;
    return row ? rowToEvent(row) : null;
  }
}
