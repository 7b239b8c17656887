import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallRepository } from '../../adapters/storage/postgres/postgres.call-repository';
import { PostgresOutboxStore } from '../../adapters/storage/postgres/postgres.outbox';
import type { CrmLink } from '../../core/recordings/call';
import { openTestPostgres } from './support/databases';
import { openSqliteDatabase, SqliteCallRepository, SqliteOutboxStore } from '../../adapters/storage/sqlite';
import { InMemoryOutboxStore } from '../unit/crm/in-memory-outbox.store';
import { describeOutboxAdminContract, describeOutboxStoreContract, describeOutboxWithCallsContract, sampleCall } from './outbox-store.contract';

// The CRM outbox port: one contract, run on SQLite, PostgreSQL and the in-memory double used by unit tests.
describeOutboxStoreContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  const store = new SqliteOutboxStore(db);
  return {
    store,
    enqueue: (message) => store.enqueue(message),
    read: (id) => store.read(id),
    close: async () => {
      db.close();
    },
  };
});

describeOutboxAdminContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    store: new SqliteOutboxStore(db),
    close: async () => {
      db.close();
    },
  };
});

describeOutboxWithCallsContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  const calls = new SqliteCallRepository(db);
  await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: '2026-01-01T00:00:00.000Z' });
  return {
    store: new SqliteOutboxStore(db),
    calls,
    close: async () => {
      db.close();
    },
  };
});

type TestPostgres = Awaited<ReturnType<typeof openTestPostgres>>;

// One database for the whole file (creating one per test would dominate the run time); each contract test
// starts from an empty outbox instead.
let database: Promise<TestPostgres> | null = null;
const shared = () => (database ??= openTestPostgres());
const emptyOutbox = async () => {
  const pg = await shared();
  await pg.db.query('TRUNCATE outbox');
  return new PostgresOutboxStore(pg.db);
};
afterAll(async () => {
  await (await database)?.close();
});

const T0 = new Date('2026-01-05T08:00:00.000Z');

describeOutboxStoreContract('postgres', async () => {
  const store = await emptyOutbox();
  return { store, enqueue: (message) => store.enqueue(message), read: (id) => store.read(id) };
});

describeOutboxAdminContract('postgres', async () => ({ store: await emptyOutbox() }));

describeOutboxWithCallsContract('postgres', async () => {
  const store = await emptyOutbox();
  const calls = new PostgresCallRepository((await shared()).db);
  await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: T0.toISOString() });
  return { store, calls };
});

describe('PostgresOutboxStore with concurrent deliveries', () => {
  let calls: PostgresCallRepository;
  let store: PostgresOutboxStore;
  const record = (callId: string, messageId: string, crm = 'zendesk') => ({
    id: messageId,
    tenantId: 't1',
    kind: 'crm.record_call',
    payload: { crm, call: { hubCallId: callId } },
  });

  beforeAll(async () => {
    const pg = await shared();
    calls = new PostgresCallRepository(pg.db);
    store = new PostgresOutboxStore(pg.db);
    await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: T0.toISOString() });
  });

  it('keeps both links when two CRMs deliver for one call at the same time', async () => {
    await (await shared()).db.query('TRUNCATE outbox');
    const callIds = ['c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    for (const id of callIds) {
      await calls.insertCall({ ...sampleCall(id), crmLinks: [] }, { outbox: [record(id, `${id}-zd`), record(id, `${id}-sf`, 'salesforce')] });
    }
    await store.claimDue({ now: T0, limit: 20, leaseMs: 1000, kinds: ['crm.record_call'] });
    const zendesk = (id: string): CrmLink => ({ crm: 'zendesk', objectType: 'user', id: `zd-${id}` });
    const salesforce = (id: string): CrmLink => ({ crm: 'salesforce', objectType: 'Call_Recording__c', id: `sf-${id}` });
    await Promise.all(
      callIds.flatMap((id) => [
        store.markDone(`${id}-zd`, { now: T0, result: { crm: 'zendesk', customer: null, links: [zendesk(id)] } }),
        store.markDone(`${id}-sf`, { now: T0, result: { crm: 'salesforce', customer: null, links: [salesforce(id)] } }),
      ]),
    );
    for (const id of callIds) {
      const call = await calls.getCall('t1', id, { kind: 'all' });
      expect(call?.crmLinks).toHaveLength(2);
      expect(call?.crmLinks).toEqual(expect.arrayContaining([zendesk(id), salesforce(id)]));
    }
  });
});

describeOutboxStoreContract('in-memory (test double)', async () => {
  const store = new InMemoryOutboxStore();
  return { store, enqueue: (m) => store.enqueue(m), read: (id) => store.read(id) };
});
