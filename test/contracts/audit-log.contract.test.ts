import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../adapters/storage/sqlite';
import { PostgresAuditLog } from '../../adapters/storage/postgres/postgres.audit-log';
import type { PostgresDatabase } from '../../adapters/storage/postgres/postgres-database';
import { appendEvent, verifyChain, type AuditEvent } from '../../core/audit/audit-chain';
import { preparePrune } from '../../core/audit/audit-retention';
import { CallsightError } from '../../core/shared/errors';
import { collect, describeAuditLogContract, type OpenAuditLog } from './audit-log.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

/** Thrown inside a test transaction to roll it back; a CallsightError so that the PostgreSQL layer passes it through. */
const ROLLBACK = new CallsightError('CONFLICT', 'rolled back by the test');

const openSqliteAuditLog: OpenAuditLog = async () => {
  const sqlite = openTestSqlite();
  return {
    log: new SqliteAuditLog(sqlite.db),
    async transaction(steps, { rollback = false } = {}) {
      const results: unknown[] = [];
      try {
        sqlite.db.transaction(() => {
          for (const step of steps) {
            const result = step();
            if (result instanceof Promise) throw new Error('A SQLite store answered with a promise; it must answer synchronously.');
            results.push(result);
          }
          if (rollback) throw ROLLBACK;
        })();
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      }
      return results;
    },
    async rewriteAction(tenantId, seq, action) {
      sqlite.db.prepare('UPDATE audit_events SET action = ? WHERE tenant_id = ? AND seq = ?').run(action, tenantId, seq);
    },
    async close() {
      sqlite.close();
    },
  };
};

const openPostgresAuditLog: OpenAuditLog = async () => {
  const postgres = await openTestPostgres();
  return {
    log: new PostgresAuditLog(postgres.db),
    async transaction(steps, { rollback = false } = {}) {
      const results: unknown[] = [];
      try {
        await postgres.db.transaction(async () => {
          for (const step of steps) results.push(await step());
          if (rollback) throw ROLLBACK;
        });
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      }
      return results;
    },
    async rewriteAction(tenantId, seq, action) {
      await postgres.db.query('UPDATE audit_events SET action = $1 WHERE tenant_id = $2 AND seq = $3', [action, tenantId, seq]);
    },
    close: () => postgres.close(),
  };
};

describe('AuditLogStore contract: SQLite', () => describeAuditLogContract(openSqliteAuditLog));
describe('AuditLogStore contract: PostgreSQL', () => describeAuditLogContract(openPostgresAuditLog));

describe('PostgresAuditLog: iteration on its own snapshot', () => {
  let postgres: { readonly db: PostgresDatabase; close(): Promise<void> };
  let log: PostgresAuditLog;
  const tenant = 'snapshot';

  beforeAll(async () => {
    postgres = await openTestPostgres();
    log = new PostgresAuditLog(postgres.db);
    // More events than one page of iteration, chained in memory and written in bulk to keep the test fast.
    let prev: AuditEvent | null = null;
    const events: AuditEvent[] = [];
    for (let i = 0; i < 1500; i++) {
      prev = appendEvent(prev, { at: '2024-01-01T00:00:00.000Z', tenantId: tenant, actor: 'u-1', role: 'admin', action: 'view', target: `call:c${i}`, outcome: 'allowed' });
      events.push(prev);
    }
    for (let from = 0; from < events.length; from += 500) {
      const batch = events.slice(from, from + 500);
      const values = batch.map((_, r) => `(${Array.from({ length: 10 }, (__, c) => `$${r * 10 + c + 1}`).join(', ')})`).join(', ');
      await postgres.db.query(
        `INSERT INTO audit_events (tenant_id, seq, at, actor, role, action, target, outcome, prev_hash, hash) VALUES ${values}`,
        batch.flatMap((e) => [e.tenantId, e.seq, e.at, e.actor, e.role, e.action, e.target, e.outcome, e.prevHash, e.hash]),
      );
    }
    await log.append({ at: '2026-01-01T00:00:00.000Z', tenantId: tenant, actor: 'u-1', role: 'admin', action: 'view', target: null, outcome: 'allowed' });
  });
  afterAll(async () => postgres?.close());

  it('sees every event of the chain as it was when iteration began, even while a prune deletes them', async () => {
    const iterator = log.iterate(tenant)[Symbol.asyncIterator]();
    const seen: number[] = [];
    const first = await iterator.next();
    seen.push((first.value as AuditEvent).seq);

    const cutoff = new Date('2025-01-01T00:00:00.000Z');
    const lastPruned = (await log.lastPrunable(tenant, cutoff.toISOString()))!;
    const plan = preparePrune({ head: (await log.head(tenant))!, lastPruned, prunedCount: 1500, previousAnchor: null, cutoff, at: '2026-02-01T00:00:00.000Z', actor: null });
    expect(await log.prune(plan)).toBe(1500);

    for (let next = await iterator.next(); !next.done; next = await iterator.next()) seen.push(next.value.seq);
    expect(seen).toEqual(Array.from({ length: 1501 }, (_, i) => i + 1));
    expect((await collect(log.iterate(tenant))).map((e) => e.seq)).toEqual([1501, 1502]);
    expect(await verifyChain(log.iterate(tenant, 1501), { start: { seq: lastPruned.seq, hash: lastPruned.hash } })).toMatchObject({ ok: true, checked: 2 });
  });

  it('gives its connection back when the consumer stops early', async () => {
    // The test pool holds 4 connections: a leak per abandoned iteration would hang the fifth.
    const [oldest] = await log.query(tenant, { limit: 1 });
    for (let k = 0; k < 6; k++) {
      for await (const event of log.iterate(tenant)) {
        expect(event).toEqual(oldest);
        break;
      }
    }
    expect(await log.head(tenant)).not.toBeNull();
  });
});
