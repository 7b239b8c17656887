import { describe, expect, it } from 'vitest';
import type { CrmLinkResult } from '../../../core/crm/crm-adapter.port';
import type { OutboxMessage, OutboxStore } from '../../../core/crm/outbox.port';

/** What the contract needs besides the port: a way to add rows (the hub does it in the call's transaction) and to read them. */
export interface OutboxStoreHarness {
  readonly store: OutboxStore;
  enqueue(message: { id: string; tenantId: string; kind: string; payload: unknown; now: Date }): Promise<void>;
  read(id: string): Promise<(OutboxMessage & { result: CrmLinkResult | null }) | null>;
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
