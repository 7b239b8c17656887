import { describe, expect, it } from 'vitest';
import { openSqliteDatabase, SqliteCallRepository, SqliteOutboxStore } from '../../../adapters/storage/sqlite';
import type { Call } from '../../../core/recordings/call';
import { describeOutboxAdminContract, describeOutboxStoreContract } from './outbox-store.contract';

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

describe('SqliteOutboxStore with the call catalogue', () => {
  const open = async () => {
    const db = openSqliteDatabase(':memory:');
    const calls = new SqliteCallRepository(db);
    await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: T0.toISOString() });
    return { db, calls, store: new SqliteOutboxStore(db) };
  };

  it('delivers the message insertCall wrote in the call transaction', async () => {
    const { db, calls, store } = await open();
    const payload = { crm: 'zendesk', call: { hubCallId: 'c1' } };
    await calls.insertCall(sampleCall('c1'), { outbox: [{ id: 'm1', tenantId: 't1', kind: 'crm.record_call', payload }] });
    const claimed = await store.claimDue({ now: T0, limit: 10, leaseMs: 1000, kinds: ['crm.record_call'] });
    expect(claimed).toMatchObject([{ id: 'm1', tenantId: 't1', payload, attempts: 0, deferrals: 0, lastErrorCode: null }]);
    expect(claimed[0]?.nextAttemptAt.toISOString()).toBe(T0.toISOString());
    db.close();
  });

  it("copies the delivered links onto the call, replacing only that CRM's links", async () => {
    const { db, calls, store } = await open();
    await calls.insertCall(sampleCall('c1'), {
      outbox: [{ id: 'm1', tenantId: 't1', kind: 'crm.record_call', payload: { crm: 'zendesk', call: { hubCallId: 'c1' } } }],
    });
    await calls.setCrmLinks('t1', 'c1', [
      { crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' },
      { crm: 'zendesk', objectType: 'user', id: 'stale' },
    ]);
    await store.claimDue({ now: T0, limit: 10, leaseMs: 1000, kinds: ['crm.record_call'] });
    const links = [
      { crm: 'zendesk' as const, objectType: 'custom_object_record:callsight_call', id: 'r1' },
      { crm: 'zendesk' as const, objectType: 'user', id: '42' },
    ];
    await store.markDone('m1', { now: T0, result: { crm: 'zendesk', customer: null, links } });
    const call = await calls.getCall('t1', 'c1', { kind: 'all' });
    expect(call?.crmLinks).toEqual([{ crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' }, ...links]);
    db.close();
  });

  it('refuses to update a message that does not exist', async () => {
    const { db, store } = await open();
    await expect(store.markFailed('nope', { code: 'CRM_UNAVAILABLE', nextAttemptAt: T0, now: T0 })).rejects.toThrow(/does not exist/);
    db.close();
  });

  it('requeues a dead message with fresh counters', async () => {
    const { db, store } = await open();
    await store.enqueue({ id: 'm1', tenantId: 't1', kind: 'crm.record_call', payload: {}, now: T0 });
    await store.markDead('m1', { code: 'CRM_REJECTED', now: T0 });
    expect(store.counts()).toEqual({ pending: 0, done: 0, dead: 1 });
    const later = new Date(T0.getTime() + 60_000);
    await store.requeue('m1', later);
    expect(await store.read('m1')).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: later });
    await expect(store.requeue('m1', later)).rejects.toThrow(/No dead outbox message/);
    db.close();
  });
});
