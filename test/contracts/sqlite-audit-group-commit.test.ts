import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../adapters/storage/sqlite';
import { verifyChain, type AuditEventInput } from '../../core/audit/audit-chain';
import { collect } from './audit-log.contract';
import { openTestSqlite } from './support/databases';

/**
 * SqliteAuditLog.appendGrouped, the group commit the hub's use-cases audit through: appends of one event-loop turn
 * share one transaction, and each promise resolves only once its event is committed.
 */
const input = (tenantId: string, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  at: '2026-03-01T08:00:00.000Z', tenantId, actor: 'u-1', role: 'admin', action: 'view', target: 'call:c1', outcome: 'allowed', ...over,
});

let sqlite: ReturnType<typeof openTestSqlite>;
let log: SqliteAuditLog;
/** A second connection to the same file: what it sees is committed. */
let reader: Database.Database;
const committed = (tenantId: string) => (reader.prepare('SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ?').get(tenantId) as { n: number }).n;

beforeAll(() => {
  sqlite = openTestSqlite();
  log = new SqliteAuditLog(sqlite.db);
  reader = new Database(sqlite.file, { readonly: true });
});
afterAll(() => {
  reader.close();
  sqlite.close();
});

describe('SQLite audit group commit', () => {
  it('commits the appends of one turn together, each resolved only once committed, chains whole per tenant', async () => {
    let transactions = 0;
    const original = sqlite.db.transaction.bind(sqlite.db);
    sqlite.db.transaction = ((fn: (...args: unknown[]) => unknown) => {
      transactions++;
      return original(fn);
    }) as typeof sqlite.db.transaction;
    try {
      const appends = Array.from({ length: 30 }, (_, i) =>
        log.appendGrouped(input(i % 2 ? 'g-a' : 'g-b', { details: { i } })).then((event) => ({ event, visible: committed(event.tenantId) })),
      );
      expect(committed('g-a') + committed('g-b')).toBe(0);
      const results = await Promise.all(appends);
      expect(transactions).toBe(1);
      for (const { event, visible } of results) expect(visible).toBeGreaterThanOrEqual(event.seq);
    } finally {
      sqlite.db.transaction = original;
    }
    for (const tenant of ['g-a', 'g-b']) {
      const events = await collect(log.iterate(tenant));
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      // Chain order is call order.
      const order = events.map((e) => (e.details as { i: number }).i);
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 15 });
    }
  });

  it('rejects a malformed event alone and commits the others; mixes with plain appends without forking', async () => {
    const sync = log.append(input('g-c'));
    const results = await Promise.allSettled([
      log.appendGrouped(input('g-c', { action: 'play' })),
      log.appendGrouped(input('g-c', { at: 'not a date' })),
      log.appendGrouped(input('g-c', { action: 'download' })),
    ]);
    log.append(input('g-c', { action: 'list' }));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'VALIDATION_FAILED' });
    const events = await collect(log.iterate('g-c'));
    expect(events[0]).toEqual(sync);
    expect(events.map((e) => e.action)).toEqual(['view', 'play', 'download', 'list']);
    expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 4 });
  });

  it('joins an open transaction at once, like append: a rollback takes the event with it', async () => {
    let joined: Promise<unknown> | undefined;
    expect(() =>
      sqlite.db.transaction(() => {
        joined = log.appendGrouped(input('g-d'));
        expect(sqlite.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = 'g-d'").get()).toEqual({ n: 1 });
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    await expect(joined).resolves.toMatchObject({ seq: 1 });
    expect(committed('g-d')).toBe(0);
    expect(log.head('g-d')).toBeNull();
  });

  it('rejects a refused insert alone: the events before and after it commit and chain on without a gap', async () => {
    sqlite.db.exec("CREATE TEMP TRIGGER refuse_g_e BEFORE INSERT ON audit_events WHEN NEW.tenant_id = 'g-e' AND NEW.action = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    try {
      const results = await Promise.allSettled([
        log.appendGrouped(input('g-e')),
        log.appendGrouped(input('g-e', { action: 'boom' })),
        log.appendGrouped(input('g-e', { action: 'play' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toContain('refused');
      expect((results[2] as PromiseFulfilledResult<{ seq: number }>).value.seq).toBe(2);
    } finally {
      sqlite.db.exec('DROP TRIGGER refuse_g_e');
    }
    expect(committed('g-e')).toBe(2);
    const events = await collect(log.iterate('g-e'));
    expect(events.map((e) => e.action)).toEqual(['view', 'play']);
    expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 2 });
  });

  it('rejects the whole batch, writing none of it, when its transaction cannot begin', async () => {
    const writer = new Database(sqlite.file);
    sqlite.db.pragma('busy_timeout = 50');
    writer.exec('BEGIN IMMEDIATE');
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([log.appendGrouped(input('g-f')), log.appendGrouped(input('g-f', { action: 'play' }))]);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      sqlite.db.pragma('busy_timeout = 5000');
    }
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(committed('g-f')).toBe(0);
    await expect(log.appendGrouped(input('g-f'))).resolves.toMatchObject({ seq: 1 });
    expect(committed('g-f')).toBe(1);
  });
});
