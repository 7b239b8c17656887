import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallRepository } from '../../../adapters/storage/postgres/postgres.call-repository';
import { PostgresOutboxStore } from '../../../adapters/storage/postgres/postgres.outbox';
import type { Call, CrmLink } from '../../../core/recordings/call';
import { openTestPostgres } from '../../contracts/support/databases';
import { describeOutboxAdminContract, describeOutboxStoreContract } from './outbox-store.contract';

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

describeOutboxStoreContract('postgres', async () => {
  const store = await emptyOutbox();
  return { store, enqueue: (message) => store.enqueue(message), read: (id) => store.read(id) };
});

describeOutboxAdminContract('postgres', async () => ({ store: await emptyOutbox() }));

const T0 = new Date('2026-01-05T08:00:00.000Z');

function sampleCall(id: string): Call {
  return {
    id,
    tenantId: 't1',
    provider: 'demo',
    providerCallId: `p-${id}`,
    channel: 'human',
    direction: 'inbound',
    startedAt: '2026-01-05T07:50:00.000Z',
    endedAt: '2026-01-05T07:55:00.000Z',
    durationS: 300,
    agentId: 'a-1',
    team: 'north',
    queue: null,
    customerPhone: '+8613812345678',
    inquiryType: null,
    tags: [],
    csat: null,
    crmLinks: [{ crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' }],
    status: 'stored',
    recording: null,
    createdAt: T0.toISOString(),
  };
}

describe('PostgresOutboxStore with the call catalogue', () => {
  let calls: PostgresCallRepository;
  let store: PostgresOutboxStore;
  const record = (callId: string, messageId: string, crm = 'zendesk') => ({
    id: messageId,
    tenantId: 't1',
    kind: 'crm.record_call',
    payload: { crm, call: { hubCallId: callId } },
  });
  const claimAll = () => store.claimDue({ now: T0, limit: 10, leaseMs: 1000, kinds: ['crm.record_call'] });

  beforeAll(async () => {
    const pg = await shared();
    calls = new PostgresCallRepository(pg.db);
    store = new PostgresOutboxStore(pg.db);
    await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: T0.toISOString() });
  });

  it('delivers the message insertCall wrote in the call transaction', async () => {
    await (await shared()).db.query('TRUNCATE outbox');
    const message = record('c1', 'm1');
    await calls.insertCall(sampleCall('c1'), { outbox: [message] });
    const claimed = await claimAll();
    expect(claimed).toMatchObject([{ id: 'm1', tenantId: 't1', payload: message.payload, attempts: 0, deferrals: 0, lastErrorCode: null }]);
    expect(claimed[0]?.nextAttemptAt.toISOString()).toBe(T0.toISOString());
  });

  it("copies the delivered links onto the call, replacing only that CRM's links", async () => {
    await (await shared()).db.query('TRUNCATE outbox');
    await calls.insertCall(sampleCall('c2'), { outbox: [record('c2', 'm2')] });
    await calls.setCrmLinks('t1', 'c2', [
      { crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' },
      { crm: 'zendesk', objectType: 'user', id: 'stale' },
    ]);
    await claimAll();
    const links = [
      { crm: 'zendesk' as const, objectType: 'custom_object_record:callsight_call', id: 'r1' },
      { crm: 'zendesk' as const, objectType: 'user', id: '42' },
    ];
    await store.markDone('m2', { now: T0, result: { crm: 'zendesk', customer: null, links } });
    const call = await calls.getCall('t1', 'c2', { kind: 'all' });
    expect(call?.crmLinks).toEqual([{ crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' }, ...links]);
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

  it('marks a message done without touching calls when its call does not exist', async () => {
    await (await shared()).db.query('TRUNCATE outbox');
    await store.enqueue({ ...record('missing-call', 'm4'), now: T0 });
    await claimAll();
    await store.markDone('m4', { now: T0, result: { crm: 'zendesk', customer: null, links: [] } });
    expect(await store.read('m4')).toMatchObject({ status: 'done' });
  });
});
