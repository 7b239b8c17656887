import { describe, expect, it } from 'vitest';
import type { CrmLinkResult } from '../../core/crm/crm-adapter.port';
import type { EnqueueOutboxMessage, OutboxAdmin, OutboxStore, StoredOutboxMessage } from '../../core/crm/outbox.port';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';

/** What the contract needs besides the port: a way to add rows (the hub does it in the call's transaction) and to read them. */
export interface OutboxStoreHarness {
  readonly store: OutboxStore;
  enqueue(message: EnqueueOutboxMessage): Promise<void>;
  read(id: string): Promise<StoredOutboxMessage | null>;
  close?(): Promise<void>;
}

/** A store with its operator methods, empty when opened. */
export interface OutboxAdminHarness {
  readonly store: OutboxStore & OutboxAdmin;
  close?(): Promise<void>;
}

const KIND = 'crm.record_call';
const T0 = new Date('2026-01-05T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const RESULT: CrmLinkResult = {
  crm: 'zendesk',
  customer: { crm: 'zendesk', id: '42', name: '李娜', matchCount: 1 },
  links: [{ crm: 'zendesk', objectType: 'user', id: '42' }],
};

/**
 * The OutboxStore contract. Run it against every implementation (in-memory, SQLite, PostgreSQL):
 * `describeOutboxStoreContract('sqlite', async () => ({ store, enqueue, read }))`.
 */
export function describeOutboxStoreContract(name: string, open: () => Promise<OutboxStoreHarness>): void {
  describe(`OutboxStore contract: ${name}`, () => {
    const withHarness = (test: (h: OutboxStoreHarness) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness);
      } finally {
        await harness.close?.();
      }
    };
    const claim = (h: OutboxStoreHarness, now: Date, limit = 10, leaseMs = 60_000, kinds = [KIND]) =>
      h.store.claimDue({ now, limit, leaseMs, kinds });

    it('claims due pending messages oldest first, up to the limit, of the asked kinds only', withHarness(async (h) => {
      await h.enqueue({ id: 'b', tenantId: 't1', kind: KIND, payload: { n: 2 }, now: at(2) });
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: { n: 1 }, now: at(1) });
      await h.enqueue({ id: 'c', tenantId: 't2', kind: KIND, payload: { n: 3 }, now: at(3) });
      await h.enqueue({ id: 'other', tenantId: 't1', kind: 'something.else', payload: {}, now: at(0) });
      const claimed = await claim(h, at(10), 2);
      expect(claimed.map((m) => m.id)).toEqual(['a', 'b']);
      expect(claimed[0]).toMatchObject({ tenantId: 't1', kind: KIND, payload: { n: 1 }, status: 'pending', attempts: 0, deferrals: 0 });
      expect(claimed[0]?.leaseUntil?.toISOString()).toBe(at(70).toISOString());
    }));

    it('does not hand out a message twice while its lease holds, and does after it expires', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      expect((await claim(h, at(1), 10, 30_000)).map((m) => m.id)).toEqual(['a']);
      expect(await claim(h, at(30))).toEqual([]);
      expect((await claim(h, at(31))).map((m) => m.id)).toEqual(['a']);
    }));

    it('does not claim messages that are not yet due', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(100) });
      expect(await claim(h, at(99))).toEqual([]);
      expect(await claim(h, at(100))).toHaveLength(1);
    }));

    it('keeps a done message with its result and never claims it again', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      await claim(h, at(1));
      await h.store.markDone('a', { now: at(2), result: RESULT });
      expect(await h.read('a')).toMatchObject({ status: 'done', leaseUntil: null, result: RESULT });
      expect(await claim(h, at(1_000))).toEqual([]);
    }));

    it('counts a failure, reschedules it and clears the lease', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      await claim(h, at(1));
      await h.store.markFailed('a', { code: 'CRM_UNAVAILABLE', nextAttemptAt: at(60), now: at(2) });
      const row = await h.read('a');
      expect(row).toMatchObject({ status: 'pending', attempts: 1, deferrals: 0, lastErrorCode: 'CRM_UNAVAILABLE', leaseUntil: null });
      expect(row?.nextAttemptAt.toISOString()).toBe(at(60).toISOString());
      expect(await claim(h, at(59))).toEqual([]);
      expect(await claim(h, at(60))).toHaveLength(1);
    }));

    it('dead-letters with the code and never claims a dead message', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      await claim(h, at(1));
      await h.store.markDead('a', { code: 'CRM_REJECTED', now: at(2) });
      expect(await h.read('a')).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'CRM_REJECTED', leaseUntil: null });
      expect(await claim(h, at(1_000))).toEqual([]);
    }));

    it('defers without counting an attempt', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      await claim(h, at(1));
      await h.store.defer('a', { code: 'CRM_RATE_LIMITED', nextAttemptAt: at(8), now: at(1) });
      const row = await h.read('a');
      expect(row).toMatchObject({ status: 'pending', attempts: 0, deferrals: 1, lastErrorCode: 'CRM_RATE_LIMITED', leaseUntil: null });
      expect(await claim(h, at(7))).toEqual([]);
      expect(await claim(h, at(8))).toHaveLength(1);
    }));

    it('releases untried without touching the counters', withHarness(async (h) => {
      await h.enqueue({ id: 'a', tenantId: 't1', kind: KIND, payload: {}, now: at(0) });
      await claim(h, at(1));
      await h.store.release('a', { nextAttemptAt: at(5), now: at(1) });
      const row = await h.read('a');
      expect(row).toMatchObject({ status: 'pending', attempts: 0, deferrals: 0, lastErrorCode: null, leaseUntil: null });
      expect(await claim(h, at(5))).toHaveLength(1);
    }));
  });
}

/**
 * The OutboxAdmin contract, for the stores the hub runs on (SQLite, PostgreSQL):
 * `describeOutboxAdminContract('sqlite', async () => ({ store }))`. Concurrent claims race for real only on a
 * store with several connections (PostgreSQL); elsewhere they take turns and must give the same answer.
 */
export function describeOutboxAdminContract(name: string, open: () => Promise<OutboxAdminHarness>): void {
  describe(`OutboxAdmin contract: ${name}`, () => {
    const withStore = (test: (store: OutboxStore & OutboxAdmin) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness.store);
      } finally {
        await harness.close?.();
      }
    };
    const enqueue = (store: OutboxAdmin, id: string, over: { tenantId?: string; kind?: string; seconds?: number; payload?: unknown } = {}) =>
      store.enqueue({ id, tenantId: over.tenantId ?? 't1', kind: over.kind ?? KIND, payload: over.payload ?? { id }, now: at(over.seconds ?? 0) });
    const claim = (store: OutboxStore, now: Date, limit = 10) => store.claimDue({ now, limit, leaseMs: 60_000, kinds: [KIND] });

    it('reads a message as enqueued, and null for an unknown id', withStore(async (store) => {
      await enqueue(store, 'a', { payload: { note: '退款', n: 1 }, seconds: 5 });
      const row = await store.read('a');
      expect(row).toMatchObject({
        id: 'a',
        tenantId: 't1',
        kind: KIND,
        payload: { note: '退款', n: 1 },
        status: 'pending',
        attempts: 0,
        deferrals: 0,
        leaseUntil: null,
        lastErrorCode: null,
        result: null,
      });
      expect(row?.nextAttemptAt.toISOString()).toBe(at(5).toISOString());
      expect(row?.createdAt.toISOString()).toBe(at(5).toISOString());
      expect(await store.read('nope')).toBeNull();
    }));

    it('refuses an existing id with CONFLICT and changes nothing', withStore(async (store) => {
      await enqueue(store, 'a', { payload: { n: 1 } });
      await expect(enqueue(store, 'a', { payload: { n: 2 }, tenantId: 't2' })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.read('a')).toMatchObject({ tenantId: 't1', payload: { n: 1 } });
    }));

    it("lists one tenant's messages oldest first, then by id, optionally of one kind", withStore(async (store) => {
      await enqueue(store, 'b', { seconds: 1 });
      await enqueue(store, 'a', { seconds: 1 });
      await enqueue(store, 'old', { seconds: 0, kind: 'other.kind' });
      await enqueue(store, 'c', { seconds: 2, tenantId: 't2' });
      await claim(store, at(10));
      await store.markDone('a', { now: at(11), result: RESULT });
      const listed = await store.list('t1');
      expect(listed.map((m) => m.id)).toEqual(['old', 'a', 'b']);
      expect(listed[1]).toMatchObject({ status: 'done', result: RESULT });
      expect((await store.list('t1', KIND)).map((m) => m.id)).toEqual(['a', 'b']);
      expect((await store.list('t2')).map((m) => m.id)).toEqual(['c']);
      expect(await store.list('t3')).toEqual([]);
    }));

    it('counts pending, done and dead messages of every tenant, optionally of one kind', withStore(async (store) => {
      expect(await store.counts()).toEqual({ pending: 0, done: 0, dead: 0 });
      for (const id of ['a', 'b', 'c']) await enqueue(store, id);
      await enqueue(store, 'd', { tenantId: 't2' });
      await enqueue(store, 'e', { kind: 'other.kind' });
      await claim(store, at(1));
      await store.markDone('a', { now: at(2), result: RESULT });
      await store.markDead('b', { code: 'CRM_REJECTED', now: at(2) });
      expect(await store.counts()).toEqual({ pending: 3, done: 1, dead: 1 });
      expect(await store.counts(KIND)).toEqual({ pending: 2, done: 1, dead: 1 });
      expect(await store.counts('other.kind')).toEqual({ pending: 1, done: 0, dead: 0 });
      expect(await store.counts('none')).toEqual({ pending: 0, done: 0, dead: 0 });
    }));

    it('tells when the earliest pending message of the kinds is due, leased or not', withStore(async (store) => {
      expect(await store.nextDueAt([KIND])).toBeNull();
      await enqueue(store, 'a', { seconds: 3 });
      await enqueue(store, 'b', { seconds: 7 });
      await enqueue(store, 'early', { seconds: 1, kind: 'other.kind' });
      expect((await store.nextDueAt([KIND]))?.toISOString()).toBe(at(3).toISOString());
      expect((await store.nextDueAt([KIND, 'other.kind']))?.toISOString()).toBe(at(1).toISOString());
      expect(await store.nextDueAt([])).toBeNull();
      await claim(store, at(5), 1);
      expect((await store.nextDueAt([KIND]))?.toISOString()).toBe(at(3).toISOString());
      await store.markDone('a', { now: at(6), result: RESULT });
      await store.defer('b', { code: 'CRM_RATE_LIMITED', nextAttemptAt: at(9), now: at(6) });
      expect((await store.nextDueAt([KIND]))?.toISOString()).toBe(at(9).toISOString());
      await store.markDead('b', { code: 'CRM_REJECTED', now: at(10) });
      expect(await store.nextDueAt([KIND])).toBeNull();
    }));

    it('requeues a dead message with fresh counters, due at once', withStore(async (store) => {
      await enqueue(store, 'a');
      await claim(store, at(1));
      await store.defer('a', { code: 'CRM_RATE_LIMITED', nextAttemptAt: at(2), now: at(1) });
      await claim(store, at(2));
      await store.markDead('a', { code: 'CRM_REJECTED', now: at(3) });
      await store.requeue('a', at(100));
      const row = await store.read('a');
      expect(row).toMatchObject({ status: 'pending', attempts: 0, deferrals: 0, leaseUntil: null, lastErrorCode: 'CRM_REJECTED' });
      expect(row?.nextAttemptAt.toISOString()).toBe(at(100).toISOString());
      expect((await claim(store, at(100))).map((m) => m.id)).toEqual(['a']);
    }));

    it('refuses to requeue a message that is not dead, or unknown, with NOT_FOUND and changes nothing', withStore(async (store) => {
      await enqueue(store, 'pending');
      await enqueue(store, 'done');
      await claim(store, at(1));
      await store.markDone('done', { now: at(2), result: RESULT });
      const before = await store.list('t1');
      for (const id of ['pending', 'done', 'nope']) await expect(store.requeue(id, at(50))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.list('t1')).toEqual(before);
    }));

    it('refuses to update a message that does not exist', withStore(async (store) => {
      await expect(store.markDone('nope', { now: T0, result: RESULT })).rejects.toThrow(/does not exist/);
      await expect(store.markFailed('nope', { code: 'CRM_UNAVAILABLE', nextAttemptAt: T0, now: T0 })).rejects.toThrow(/does not exist/);
      await expect(store.markDead('nope', { code: 'CRM_REJECTED', now: T0 })).rejects.toThrow(/does not exist/);
      await expect(store.defer('nope', { code: 'CRM_RATE_LIMITED', nextAttemptAt: T0, now: T0 })).rejects.toThrow(/does not exist/);
      await expect(store.release('nope', { nextAttemptAt: T0, now: T0 })).rejects.toThrow(/does not exist/);
      expect(await store.counts()).toEqual({ pending: 0, done: 0, dead: 0 });
    }));

    it('never hands one message to two concurrent claims', withStore(async (store) => {
      const total = 40;
      for (let n = 0; n < total; n++) await enqueue(store, `m${String(n).padStart(2, '0')}`, { seconds: n % 5 });
      const seen: string[] = [];
      for (let round = 0; round < 10 && seen.length < total; round++) {
        const batches = await Promise.all(Array.from({ length: 8 }, () => claim(store, at(10), 2)));
        for (const batch of batches) seen.push(...batch.map((m) => m.id));
      }
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
    }));
  });
}

/** A store on the hub's database with its call repository, the tenant `t1` created, the outbox empty. */
export interface OutboxWithCallsHarness {
  readonly store: OutboxStore & OutboxAdmin;
  readonly calls: CallRepository;
  close?(): Promise<void>;
}

/** A stored call of tenant t1 that already has a Salesforce link. */
export function sampleCall(id: string): Call {
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

/**
 * The outbox on the hub's database, where CallRepository.insertCall writes the messages and markDone copies
 * the delivered links onto the call: `describeOutboxWithCallsContract('sqlite', async () => ({ store, calls }))`.
 */
export function describeOutboxWithCallsContract(name: string, open: () => Promise<OutboxWithCallsHarness>): void {
  describe(`outbox with the call catalogue: ${name}`, () => {
    const withHarness = (test: (h: OutboxWithCallsHarness) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness);
      } finally {
        await harness.close?.();
      }
    };
    const record = (callId: string, messageId: string) => ({ id: messageId, tenantId: 't1', kind: KIND, payload: { crm: 'zendesk', call: { hubCallId: callId } } });
    const claimAll = (store: OutboxStore) => store.claimDue({ now: T0, limit: 10, leaseMs: 1000, kinds: [KIND] });

    it('delivers the message insertCall wrote in the call transaction', withHarness(async ({ store, calls }) => {
      const message = record('c1', 'm1');
      await calls.insertCall(sampleCall('c1'), { outbox: [message] });
      const claimed = await claimAll(store);
      expect(claimed).toMatchObject([{ id: 'm1', tenantId: 't1', payload: message.payload, attempts: 0, deferrals: 0, lastErrorCode: null }]);
      expect(claimed[0]?.nextAttemptAt.toISOString()).toBe(T0.toISOString());
    }));

    it("copies the delivered links onto the call, replacing only that CRM's links", withHarness(async ({ store, calls }) => {
      await calls.insertCall(sampleCall('c2'), { outbox: [record('c2', 'm2')] });
      await calls.setCrmLinks('t1', 'c2', [
        { crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' },
        { crm: 'zendesk', objectType: 'user', id: 'stale' },
      ]);
      await claimAll(store);
      const links = [
        { crm: 'zendesk' as const, objectType: 'custom_object_record:callsight_call', id: 'r1' },
        { crm: 'zendesk' as const, objectType: 'user', id: '42' },
      ];
      await store.markDone('m2', { now: T0, result: { crm: 'zendesk', customer: null, links } });
      const call = await calls.getCall('t1', 'c2', { kind: 'all' });
      expect(call?.crmLinks).toEqual([{ crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a01' }, ...links]);
    }));

    it('marks a message done without touching calls when its call does not exist', withHarness(async ({ store }) => {
      await store.enqueue({ ...record('missing-call', 'm4'), now: T0 });
      await claimAll(store);
      await store.markDone('m4', { now: T0, result: { crm: 'zendesk', customer: null, links: [] } });
      expect(await store.read('m4')).toMatchObject({ status: 'done' });
    }));
  });
}
