import type pg from 'pg';
import { appendEvent, type AuditEvent, type AuditEventInput } from '../../../core/audit/audit-chain';
import type { AuditLogStore, AuditQuery } from '../../../core/audit/audit-log.port';
import type { SignedCheckpoint } from '../../../core/audit/audit-checkpoint';
import type { AuditAnchor, PrunePlan } from '../../../core/audit/audit-retention';
import { CallsightError } from '../../../core/shared/errors';
import type { PostgresDatabase } from './postgres-database';
import { translatePgError } from './postgres.errors';
import { rowToAuditEvent, type AuditRow } from '../rows';

const HEAD_SQL = 'SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1';
const INSERT_SQL = `INSERT INTO audit_events (tenant_id, seq, at, actor, role, action, target, outcome, reason, details_json, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

/** Rows per round trip while iterating a chain. */
const ITERATE_PAGE = 1000;

/**
 * The audit trail on PostgreSQL, with the SQLite store's behaviour (test/contracts/audit-log.contract.ts).
 * Appends and prunes of one tenant are serialised by a transaction-scoped advisory lock on that tenant's chain,
 * taken before the head is read: concurrent appenders, in this process or others, queue instead of forking the
 * chain, and an append inside a caller's transaction holds the lock until that transaction ends. The primary key
 * (tenant_id, seq) stays the last line of defence. An UPDATE trigger refuses changes to stored events.
 */
export class PostgresAuditLog implements AuditLogStore {
  private readonly grouped: { readonly input: AuditEventInput; resolve(event: AuditEvent): void; reject(error: unknown): void }[] = [];
  private flushing = false;

  constructor(private readonly db: PostgresDatabase) {}

  async append(input: AuditEventInput): Promise<AuditEvent> {
    return this.db.transaction(async () => {
      await this.lockChain(input.tenantId);
      const event = appendEvent(await this.head(input.tenantId), input);
      await this.insert(event);
      return event;
    });
  }

  /**
   * `append` with group commit, for callers that await the event (the hub's use-case audit, bin/hub.ts). Every
   * API request appends one event, and one tenant's appends queue on its chain lock for a commit each: alone it
   * capped a cluster at one commit's time per request (docs/performance.md). Appends that arrive while a group is
   * being committed form the next group, written in one transaction, in call order, the chains locked in tenant
   * order (so two processes' groups cannot deadlock).
   *
   * Guarantees are those of `append`: each promise resolves only once its event is committed; the chain gets no
   * gap or fork; each insert runs under its own savepoint, so an append that fails (a malformed input,
   * VALIDATION_FAILED, or a refused insert) is rejected alone and the others commit. Only when the transaction
   * itself fails (connection lost, commit refused) are all of the group rejected, and then none of it is written.
   * Inside an open transaction it appends at once and joins that transaction, like `append`.
   */
  appendGrouped(input: AuditEventInput): Promise<AuditEvent> {
    if (this.db.inTransaction) return this.append(input);
    return new Promise<AuditEvent>((resolve, reject) => {
      this.grouped.push({ input, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushGroups());
      }
    });
  }

  private async flushGroups(): Promise<void> {
    try {
      while (this.grouped.length > 0) await this.commitGroup(this.grouped.splice(0));
    } finally {
      this.flushing = false;
    }
  }

  private async commitGroup(group: { readonly input: AuditEventInput; resolve(event: AuditEvent): void; reject(error: unknown): void }[]): Promise<void> {
    let outcomes: ({ readonly event: AuditEvent } | { readonly error: unknown })[];
    try {
      outcomes = await this.db.transaction(async () => {
        const done: ({ readonly event: AuditEvent } | { readonly error: unknown })[] = [];
        const tenants = [...new Set(group.map((item) => item.input.tenantId))].sort();
        for (const tenantId of tenants) await this.lockChain(tenantId);
        const heads = new Map<string, AuditEvent | null>();
        for (const { input } of group) {
          const head = heads.has(input.tenantId) ? heads.get(input.tenantId)! : await this.head(input.tenantId);
          let event: AuditEvent;
          try {
            event = appendEvent(head, input);
          } catch (error) {
            done.push({ error });
            continue;
          }
          await this.db.query('SAVEPOINT grouped_append');
          try {
            await this.insert(event);
          } catch (error) {
            await this.db.query('ROLLBACK TO SAVEPOINT grouped_append');
            done.push({ error });
            continue;
          }
          await this.db.query('RELEASE SAVEPOINT grouped_append');
          heads.set(input.tenantId, event);
          done.push({ event });
        }
        return done;
      });
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if ('event' in outcome) item.resolve(outcome.event);
      else item.reject(outcome.error);
    });
  }

  /**
   * Pages through the chain by seq inside one REPEATABLE READ snapshot on its own connection, held until the
   * iteration ends (a `break` out of `for await` ends it too), so a prune committed meanwhile cannot tear a gap
   * into what a verifier sees.
   * Inside a caller's transaction it reads through that transaction instead, seeing its uncommitted appends.
   */
  async *iterate(tenantId: string, fromSeq = 1): AsyncGenerator<AuditEvent> {
    if (this.db.inTransaction) {
      yield* this.pages(tenantId, fromSeq, (sql, params) => this.db.query<AuditRow>(sql, params));
      return;
    }
    const client = await this.db.pool.connect().catch((error: unknown) => {
      throw translatePgError(error);
    });
    let connectionBroken = false;
    try {
      const run = async (sql: string, params: readonly unknown[]): Promise<pg.QueryResult<AuditRow>> => {
        try {
          return await client.query<AuditRow>(sql, params as unknown[]);
        } catch (error) {
          throw translatePgError(error);
        }
      };
      await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
      yield* this.pages(tenantId, fromSeq, run);
    } finally {
      await client.query('ROLLBACK').catch(() => {
        connectionBroken = true;
      });
      client.release(connectionBroken);
    }
  }

  async query(tenantId: string, q: AuditQuery): Promise<AuditEvent[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (column: string, op: string, value: unknown) => {
      params.push(value);
      where.push(`${column} ${op} $${params.length}`);
    };
    if (q.from) add('at', '>=', q.from);
    if (q.to) add('at', '<', q.to);
    if (q.actor) add('actor', '=', q.actor);
    if (q.action) add('action', '=', q.action);
    if (q.target) add('target', '=', q.target);
    if (q.outcome) add('outcome', '=', q.outcome);
    if (q.afterSeq !== undefined) add('seq', '>', q.afterSeq);
    params.push(q.limit);
    const { rows } = await this.db.query<AuditRow>(`SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`, params);
    return rows.map(rowToAuditEvent);
  }

  async head(tenantId: string): Promise<AuditEvent | null> {
    const { rows } = await this.db.query<AuditRow>(HEAD_SQL, [tenantId]);
    return rows[0] ? rowToAuditEvent(rows[0]) : null;
  }

  async get(tenantId: string, seq: number): Promise<AuditEvent | null> {
    const { rows } = await this.db.query<AuditRow>('SELECT * FROM audit_events WHERE tenant_id = $1 AND seq = $2', [tenantId, seq]);
    return rows[0] ? rowToAuditEvent(rows[0]) : null;
  }

  async tenants(): Promise<string[]> {
    const { rows } = await this.db.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM audit_events ORDER BY tenant_id');
    return rows.map((r) => r.tenant_id);
  }

  async saveCheckpoint(checkpoint: SignedCheckpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_checkpoints (tenant_id, seq, hash, at, count, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, seq) DO NOTHING`,
      [checkpoint.tenantId, checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.count, checkpoint.keyId, checkpoint.signature],
    );
  }

  async latestCheckpoint(tenantId: string): Promise<SignedCheckpoint | null> {
    const { rows } = await this.db.query<{ tenant_id: string; seq: string; hash: string; at: string; count: string; key_id: string; signature: string }>(
      'SELECT * FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
      [tenantId],
    );
    const row = rows[0];
    if (!row) return null;
    return { version: 1, tenantId: row.tenant_id, seq: Number(row.seq), hash: row.hash, at: row.at, count: Number(row.count), alg: 'HMAC-SHA256', keyId: row.key_id, signature: row.signature };
  }

  async anchor(tenantId: string): Promise<AuditAnchor | null> {
    const { rows } = await this.db.query<{ tenant_id: string; seq: string; hash: string; pruned_count: string; at: string }>(
      'SELECT * FROM audit_anchors WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row ? { tenantId: row.tenant_id, seq: Number(row.seq), hash: row.hash, prunedCount: Number(row.pruned_count), at: row.at } : null;
  }

  /** One statement, so the head and the first kept event come from the same snapshot. */
  async lastPrunable(tenantId: string, cutoffIso: string): Promise<AuditEvent | null> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT * FROM audit_events
       WHERE tenant_id = $1 AND seq < COALESCE(
         (SELECT MIN(seq) FROM audit_events WHERE tenant_id = $1 AND at >= $2),
         (SELECT MAX(seq) FROM audit_events WHERE tenant_id = $1))
       ORDER BY seq DESC LIMIT 1`,
      [tenantId, cutoffIso],
    );
    return rows[0] ? rowToAuditEvent(rows[0]) : null;
  }

  async countThrough(tenantId: string, throughSeq: number): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = $1 AND seq <= $2', [tenantId, throughSeq]);
    return Number(rows[0]!.n);
  }

  async prune(plan: PrunePlan): Promise<number> {
    return this.db.transaction(async () => {
      const e = plan.event;
      await this.lockChain(e.tenantId);
      const head = await this.head(e.tenantId);
      if (!head || head.seq + 1 !== e.seq || head.hash !== e.prevHash) {
        throw new CallsightError('CONFLICT', 'The audit chain moved while the prune was prepared; prepare it again.');
      }
      await this.insert(e);
      const a = plan.anchor;
      await this.db.query(
        `INSERT INTO audit_anchors (tenant_id, seq, hash, pruned_count, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned_count = excluded.pruned_count, at = excluded.at`,
        [a.tenantId, a.seq, a.hash, a.prunedCount, a.at],
      );
      const deleted = await this.db.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq <= $2', [a.tenantId, a.seq]);
      return deleted.rowCount ?? 0;
    });
  }

  /** Serialises writers of one tenant's chain until the surrounding transaction ends. */
  private async lockChain(tenantId: string): Promise<void> {
    await this.db.query("SELECT pg_advisory_xact_lock(hashtext('callsight.audit'), hashtext($1))", [tenantId]);
  }

  private async insert(e: AuditEvent): Promise<void> {
    await this.db.query(INSERT_SQL, [
      e.tenantId, e.seq, e.at, e.actor, e.role, e.action, e.target, e.outcome,
      e.reason ?? null, e.details ? JSON.stringify(e.details) : null, e.prevHash, e.hash,
    ]);
  }

  private async *pages(
    tenantId: string,
    fromSeq: number,
    run: (sql: string, params: readonly unknown[]) => Promise<pg.QueryResult<AuditRow>>,
  ): AsyncGenerator<AuditEvent> {
    let next = fromSeq;
    for (;;) {
      const { rows } = await run('SELECT * FROM audit_events WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3', [tenantId, next, ITERATE_PAGE]);
      for (const row of rows) yield rowToAuditEvent(row);
      if (rows.length < ITERATE_PAGE) return;
      next = Number(rows.at(-1)!.seq) + 1;
    }
  }
}
