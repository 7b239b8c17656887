import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAuditLog } from '../../adapters/storage/postgres/postgres.audit-log';
import { openPostgresDatabase, type PostgresDatabase } from '../../adapters/storage/postgres/postgres-database';
import { verifyChain, type AuditEventInput } from '../../core/audit/audit-chain';
import { collect } from './audit-log.contract';
import { openTestPostgres } from './support/databases';

/**
 * PostgresAuditLog.appendGrouped, the group commit the hub's use-cases audit through on PostgreSQL: appends that
 * arrive while a group commits form the next group, one transaction each; each promise resolves only once its
 * event is committed; two processes' groups interleave without forking a chain or deadlocking.
 */
const input = (tenantId: string, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  at: '2026-03-01T08:00:00.000Z', tenantId, actor: 'u-1', role: 'admin', action: 'view', target: 'call:c1', outcome: 'allowed', ...over,
});

let postgres: Awaited<ReturnType<typeof openTestPostgres>>;
let log: PostgresAuditLog;
/** A separate connection: what it sees is committed. */
let reader: pg.Pool;
const committed = async (tenantId: string) =>
  Number((await reader.query('SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = $1', [tenantId])).rows[0].n);

beforeAll(async () => {
  postgres = await openTestPostgres();
  log = new PostgresAuditLog(postgres.db);
  reader = new pg.Pool({ connectionString: postgres.url, max: 2 });
  // Dropping the test database (WITH FORCE) terminates a connection still closing; that is no failure of the test.
  reader.on('error', () => undefined);
});
afterAll(async () => {
  await reader.end();
  await postgres.close();
});

describe('PostgreSQL audit group commit', () => {
  it('commits the appends of a group together, each resolved only once committed, chains whole per tenant, in call order', async () => {
    let transactions = 0;
    const original = postgres.db.transaction.bind(postgres.db);
    postgres.db.transaction = ((...args: Parameters<typeof original>) => {
      transactions++;
      return original(...args);
    }) as typeof postgres.db.transaction;
    let results;
    try {
      const appends = Array.from({ length: 30 }, (_, i) =>
        log.appendGrouped(input(i % 2 ? 'g-a' : 'g-b', { details: { i } })).then(async (event) => ({ event, visible: await committed(event.tenantId) })),
      );
      results = await Promise.all(appends);
    } finally {
      postgres.db.transaction = original;
    }
    expect(transactions).toBe(1);
    for (const { event, visible } of results) expect(visible).toBeGreaterThanOrEqual(event.seq);
    for (const tenant of ['g-a', 'g-b']) {
      const events = await collect(log.iterate(tenant));
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const order = events.map((e) => (e.details as { i: number }).i);
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 15 });
    }
  });

  it('rejects a malformed event and a refused insert alone; the others commit and chain on without a gap', async () => {
    await postgres.db.query(`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await postgres.db.query('CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_boom()');
    try {
      const results = await Promise.allSettled([
        log.appendGrouped(input('g-c')),
        log.appendGrouped(input('g-c', { at: 'not a date' })),
        log.appendGrouped(input('g-c', { action: 'boom' })),
        log.appendGrouped(input('g-c', { action: 'play' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((results[3] as PromiseFulfilledResult<{ seq: number }>).value.seq).toBe(2);
    } finally {
      await postgres.db.query('DROP TRIGGER refuse_boom ON audit_events');
      await postgres.db.query('DROP FUNCTION refuse_boom()');
    }
    const events = await collect(log.iterate('g-c'));
    expect(events.map((e) => e.action)).toEqual(['view', 'play']);
    expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 2 });
  });

  it('rejects the whole group, writing none of it, when its commit fails', async () => {
    await postgres.db.query(`CREATE FUNCTION refuse_doom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'doom' THEN RAISE EXCEPTION 'commit refused'; END IF; RETURN NULL; END $$`);
    await postgres.db.query('CREATE CONSTRAINT TRIGGER refuse_doom AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_doom()');
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled([log.appendGrouped(input('g-d')), log.appendGrouped(input('g-d', { action: 'doom' }))]);
    } finally {
      await postgres.db.query('DROP TRIGGER refuse_doom ON audit_events');
      await postgres.db.query('DROP FUNCTION refuse_doom()');
    }
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await committed('g-d')).toBe(0);
    await expect(log.appendGrouped(input('g-d'))).resolves.toMatchObject({ seq: 1 });
  });

  it('joins an open transaction at once, like append: a rollback takes the event with it', async () => {
    const rollback = new Error('roll back');
    await expect(
      postgres.db.transaction(async () => {
        await expect(log.appendGrouped(input('g-e'))).resolves.toMatchObject({ seq: 1 });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await committed('g-e')).toBe(0);
  });

  it('keeps chains whole when two processes append groups to the same tenants at once', async () => {
    const other: PostgresDatabase = await openPostgresDatabase(postgres.url, { maxConnections: 4 });
    try {
      const second = new PostgresAuditLog(other);
      const appends: Promise<unknown>[] = [];
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 6; i++) {
          const tenant = i % 2 ? 'g-x' : 'g-y';
          appends.push((round % 2 ? log : second).appendGrouped(input(tenant, { details: { round, i } })));
          appends.push((round % 2 ? second : log).appendGrouped(input(i % 3 ? 'g-y' : 'g-x', { details: { round, i, other: true } })));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(appends);
    } finally {
      await other.close();
    }
    for (const tenant of ['g-x', 'g-y']) {
      const events = await collect(log.iterate(tenant));
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(await verifyChain(events)).toMatchObject({ ok: true, checked: events.length });
    }
    expect(await committed('g-x') + await committed('g-y')).toBe(120);
  });
});
