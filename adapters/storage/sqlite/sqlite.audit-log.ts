import type Database from 'better-sqlite3';
import { appendEvent, type AuditEvent, type AuditEventInput } from '../../../core/audit/audit-chain';
import type { SignedCheckpoint } from '../../../core/audit/audit-checkpoint';
import type { AuditAnchor, PrunePlan } from '../../../core/audit/audit-retention';
import type { AuditLogStore, AuditQuery } from '../../../core/audit/audit-log.port';
import { CallsightError } from '../../../core/shared/errors';
import { rowToAuditEvent, type AuditRow } from '../rows';

export type { AuditQuery };

/**
 * The audit trail on SQLite: append-only (an UPDATE trigger refuses changes), one hash chain per tenant, the
 * head read and the new event inserted in one IMMEDIATE transaction so concurrent writers cannot fork it.
 */
export class SqliteAuditLog implements AuditLogStore {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  /** One event under its own SAVEPOINT (a transaction function called inside a transaction, in better-sqlite3). */
  private readonly appendUnderSavepoint: (head: AuditEvent | null, input: AuditEventInput) => AuditEvent;

  constructor(private readonly db: Database.Database) {
    this.headStmt = db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_events (tenant_id, seq, at, actor, role, action, target, outcome, reason, details_json, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.appendUnderSavepoint = db.transaction((head: AuditEvent | null, input: AuditEventInput) => {
      const event = appendEvent(head, input);
      this.insert(event);
      return event;
    });
  }

  append(input: AuditEventInput): AuditEvent {
    return this.db
      .transaction(() => {
        const head = this.headStmt.get(input.tenantId) as AuditRow | undefined;
        const event = appendEvent(head ? rowToAuditEvent(head) : null, input);
        this.insert(event);
        return event;
      })
      .immediate();
  }

  private readonly grouped: { readonly input: AuditEventInput; resolve(event: AuditEvent): void; reject(error: unknown): void }[] = [];
  private flushScheduled = false;

  /**
   * `append` with group commit, for callers that await the event (the hub's use-case audit, bin/hub.ts). Every
   * commit of the WAL with synchronous = FULL is an fsync that blocks the event loop, and every API request writes
   * one event: one commit each capped a hub at a few hundred requests/s (docs/performance.md). Appends made in the
   * same turn of the event loop are written in one IMMEDIATE transaction, in call order, so they share one fsync.
   *
   * Guarantees are those of `append`: each promise resolves only once its event is committed (so a use-case still
   * answers only after its event is durable, and a crash before the commit loses only events nobody was told
   * about); the chain gets no gap or fork; each event is written under its own savepoint, so an append that fails
   * (a malformed input, VALIDATION_FAILED, or a refused insert) is rejected alone and the others commit. Only when
   * the transaction itself cannot begin or commit are all of the batch rejected, and then none of it is written.
   * Inside an open transaction it appends at once and joins that transaction, like `append`.
   */
  appendGrouped(input: AuditEventInput): Promise<AuditEvent> {
    if (this.db.inTransaction) {
      try {
        return Promise.resolve(this.append(input));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<AuditEvent>((resolve, reject) => {
      this.grouped.push({ input, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushGrouped());
      }
    });
  }

  private flushGrouped(): void {
    this.flushScheduled = false;
    const batch = this.grouped.splice(0);
    if (batch.length === 0) return;
    const outcomes: ({ readonly event: AuditEvent } | { readonly error: unknown })[] = [];
    try {
      this.db
        .transaction(() => {
          outcomes.length = 0;
          const heads = new Map<string, AuditEvent | null>();
          for (const { input } of batch) {
            let head = heads.get(input.tenantId);
            if (head === undefined) {
              const row = this.headStmt.get(input.tenantId) as AuditRow | undefined;
              head = row ? rowToAuditEvent(row) : null;
            }
            try {
              const event = this.appendUnderSavepoint(head, input);
              heads.set(input.tenantId, event);
              outcomes.push({ event });
            } catch (error) {
              // Some errors (SQLITE_FULL, SQLITE_IOERR) make SQLite roll back the whole transaction: then nothing
              // of the batch is written, and all of it is rejected below.
              if (!this.db.inTransaction) throw error;
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if ('event' in outcome) item.resolve(outcome.event);
      else item.reject(outcome.error);
    });
  }

  private insert(event: AuditEvent): void {
    this.insertStmt.run(
      event.tenantId, event.seq, event.at, event.actor, event.role, event.action, event.target, event.outcome,
      event.reason ?? null, event.details ? JSON.stringify(event.details) : null, event.prevHash, event.hash,
    );
  }

  /** Every event of a tenant in chain order, streamed so verification runs in constant memory. */
  *iterate(tenantId: string, fromSeq = 1): IterableIterator<AuditEvent> {
    const stmt = this.db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? AND seq >= ? ORDER BY seq');
    for (const row of stmt.iterate(tenantId, fromSeq) as IterableIterator<AuditRow>) yield rowToAuditEvent(row);
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
    return rows.map(rowToAuditEvent);
  }

  head(tenantId: string): AuditEvent | null {
    const row = this.headStmt.get(tenantId) as AuditRow | undefined;
    return row ? rowToAuditEvent(row) : null;
  }

  /** One stored event, or null. */
  get(tenantId: string, seq: number): AuditEvent | null {
    const row = this.db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? AND seq = ?').get(tenantId, seq) as AuditRow | undefined;
    return row ? rowToAuditEvent(row) : null;
  }

  /** Tenants that have an audit chain. */
  tenants(): string[] {
    return (this.db.prepare('SELECT DISTINCT tenant_id FROM audit_events ORDER BY tenant_id').all() as { tenant_id: string }[]).map((r) => r.tenant_id);
  }

  /** Keeps a signed checkpoint of the chain head (table from the export migrations, versions 20-29); idempotent per seq. */
  saveCheckpoint(checkpoint: SignedCheckpoint): void {
    this.db
      .prepare(
        `INSERT INTO audit_checkpoints (tenant_id, seq, hash, at, count, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, seq) DO NOTHING`,
      )
      .run(checkpoint.tenantId, checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.count, checkpoint.keyId, checkpoint.signature);
  }

  /** The newest stored checkpoint (highest seq), unverified: check its signature before trusting it. */
  latestCheckpoint(tenantId: string): SignedCheckpoint | null {
    const row = this.db.prepare('SELECT * FROM audit_checkpoints WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1').get(tenantId) as
      | { tenant_id: string; seq: number; hash: string; at: string; count: number; key_id: string; signature: string }
      | undefined;
    if (!row) return null;
    return { version: 1, tenantId: row.tenant_id, seq: row.seq, hash: row.hash, at: row.at, count: row.count, alg: 'HMAC-SHA256', keyId: row.key_id, signature: row.signature };
  }

  /** Where verification starts after pruning; null while nothing was pruned. */
  anchor(tenantId: string): AuditAnchor | null {
    const row = this.db.prepare('SELECT * FROM audit_anchors WHERE tenant_id = ?').get(tenantId) as
      | { tenant_id: string; seq: number; hash: string; pruned_count: number; at: string }
      | undefined;
    return row ? { tenantId: row.tenant_id, seq: row.seq, hash: row.hash, prunedCount: row.pruned_count, at: row.at } : null;
  }

  /**
   * The last event that may be pruned for a cutoff: the event just before the first one at or after `cutoffIso`,
   * so a clock that stepped back never lets a younger event go; never the head. Null when nothing is prunable.
   */
  lastPrunable(tenantId: string, cutoffIso: string): AuditEvent | null {
    const head = this.head(tenantId);
    if (!head) return null;
    const firstKept = this.db.prepare('SELECT MIN(seq) AS seq FROM audit_events WHERE tenant_id = ? AND at >= ?').get(tenantId, cutoffIso) as { seq: number | null };
    const last = Math.min(firstKept.seq ?? head.seq, head.seq) - 1;
    const row = this.db.prepare('SELECT * FROM audit_events WHERE tenant_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1').get(tenantId, last) as AuditRow | undefined;
    return row ? rowToAuditEvent(row) : null;
  }

  /** Events stored with seq <= `throughSeq`. */
  countThrough(tenantId: string, throughSeq: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ? AND seq <= ?').get(tenantId, throughSeq) as { n: number }).n;
  }

  /**
   * Carries out a prune plan atomically: appends its `audit_pruned` event (only if the head is still the one the
   * plan was made on, else CONFLICT), stores its anchor and deletes the events through the anchor.
   * Returns the number of events deleted.
   */
  prune(plan: PrunePlan): number {
    return this.db
      .transaction(() => {
        const head = this.headStmt.get(plan.event.tenantId) as AuditRow | undefined;
        if (!head || Number(head.seq) + 1 !== plan.event.seq || head.hash !== plan.event.prevHash) {
          throw new CallsightError('CONFLICT', 'The audit chain moved while the prune was prepared; prepare it again.');
        }
        const e = plan.event;
        this.insertStmt.run(
          e.tenantId, e.seq, e.at, e.actor, e.role, e.action, e.target, e.outcome,
          e.reason ?? null, e.details ? JSON.stringify(e.details) : null, e.prevHash, e.hash,
        );
        const a = plan.anchor;
        this.db
          .prepare(
            `INSERT INTO audit_anchors (tenant_id, seq, hash, pruned_count, at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned_count = excluded.pruned_count, at = excluded.at`,
          )
          .run(a.tenantId, a.seq, a.hash, a.prunedCount, a.at);
        return this.db.prepare('DELETE FROM audit_events WHERE tenant_id = ? AND seq <= ?').run(a.tenantId, a.seq).changes;
      })
      .immediate();
  }
}
