import { describe, expect, it } from 'vitest';
import type { BackfillCheckpointStore } from '../../core/recordings/backfill-checkpoint.port';
import type { PendingRecordingStore } from '../../core/recordings/pending-recording.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { ProviderCallEntry, ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import { makeCall, T1, T2 } from './support/fixtures';

/** The ledger, the checkpoints and the stores it reads beside (calls, provider accounts), on one empty database. */
export interface ProviderCallLedgerHarness {
  readonly ledger: ProviderCallLedger;
  readonly checkpoints: BackfillCheckpointStore;
  readonly calls: Pick<CallRepository, 'upsertTenant' | 'insertCall'>;
  readonly accounts: ProviderAccountStore;
  readonly pending: PendingRecordingStore;
  close?(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const entry = (n: number, over: Partial<ProviderCallEntry> = {}): ProviderCallEntry => ({
  tenantId: 't1',
  provider: 'twilio',
  providerCallId: `CA${String(n).padStart(3, '0')}`,
  startedAt: at(n),
  recorded: true,
  source: 'twilio-api',
  ...over,
});
const DAY = { from: at(0), to: at(24 * 60) };

/**
 * The ProviderCallLedger and BackfillCheckpointStore contract, run against SQLite and PostgreSQL:
 * `describeProviderCallLedgerContract('sqlite', async () => harness)`, each harness empty when opened.
 */
export function describeProviderCallLedgerContract(name: string, open: () => Promise<ProviderCallLedgerHarness>): void {
  describe(`ProviderCallLedger contract: ${name}`, () => {
    const withHarness = (test: (h: ProviderCallLedgerHarness) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await harness.calls.upsertTenant(T1);
        await harness.calls.upsertTenant(T2);
        await test(harness);
      } finally {
        await harness.close?.();
      }
    };
    const all = async (h: ProviderCallLedgerHarness, range: { from: string; to: string; provider?: string }, tenantId = 't1', limit = 1000) => {
      const items = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.ledger.reconcile(tenantId, range, { limit, ...(after ? { after } : {}) });
        items.push(...page.items);
        if (!page.nextCursor) return items;
        after = page.nextCursor;
      }
    };

    it('records entries once per (tenant, provider, call id), counts the new ones, keeps the first sighting', withHarness(async (h) => {
      expect(await h.ledger.record([entry(1), entry(2, { recorded: false })], at(100))).toBe(2);
      expect(await h.ledger.record([entry(1, { startedAt: at(7), source: 'other' }), entry(3)], at(200))).toBe(1);
      expect(await h.ledger.record([], at(300))).toBe(0);
      const items = await all(h, DAY);
      expect(items.map((i) => i.entry)).toEqual([
        { ...entry(1), firstSeenAt: at(100) },
        { ...entry(2, { recorded: false }), firstSeenAt: at(100) },
        { ...entry(3), firstSeenAt: at(200) },
      ]);
    }));

    it('a later sighting marks an entry recorded, and one without the recording never unmarks it', withHarness(async (h) => {
      await h.ledger.record([entry(1, { recorded: false }), entry(2)], at(100));
      await h.ledger.record([entry(1, { recorded: true }), entry(2, { recorded: false })], at(200));
      expect((await all(h, DAY)).map((i) => [i.entry.providerCallId, i.entry.recorded, i.entry.firstSeenAt])).toEqual([
        ['CA001', true, at(100)],
        ['CA002', true, at(100)],
      ]);
    }));

    it('the same call id twice in one batch is one entry, recorded if either says so', withHarness(async (h) => {
      expect(await h.ledger.record([entry(1, { recorded: false }), entry(1, { recorded: true })], at(100))).toBe(1);
      expect((await all(h, DAY)).map((i) => i.entry.recorded)).toEqual([true]);
    }));

    it('the same call id of another provider or tenant is another entry; reads never cross tenants', withHarness(async (h) => {
      await h.ledger.record([entry(1), entry(1, { provider: 'connect', source: 'connect-ctr' }), entry(1, { tenantId: 't2' })], at(100));
      expect((await all(h, DAY)).map((i) => i.entry.provider)).toEqual(['connect', 'twilio']);
      expect((await h.ledger.count('t1', DAY)).providers).toEqual(['connect', 'twilio']);
      expect((await all(h, { ...DAY, provider: 'twilio' })).map((i) => i.entry.provider)).toEqual(['twilio']);
      expect((await all(h, DAY, 't2')).map((i) => [i.entry.tenantId, i.entry.providerCallId])).toEqual([['t2', 'CA001']]);
      expect(await all(h, DAY, 't3')).toEqual([]);
    }));

    it('reconciles each entry with the stored call of the same provider and call id, in time order', withHarness(async (h) => {
      await h.ledger.record([entry(3), entry(1), entry(2), entry(4, { recorded: false })], at(100));
      await h.calls.insertCall(makeCall(1, { id: 'c_one', provider: 'twilio', providerCallId: 'CA001' }));
      // Same id, other provider: not this entry's call.
      await h.calls.insertCall(makeCall(2, { id: 'c_up', provider: 'upload', providerCallId: 'CA002' }));
      await h.calls.insertCall(makeCall(3, { id: 'c_other', tenantId: 't2', provider: 'twilio', providerCallId: 'CA003' }));
      expect((await all(h, DAY)).map((i) => [i.entry.providerCallId, i.callId])).toEqual([
        ['CA001', 'c_one'],
        ['CA002', null],
        ['CA003', null],
        ['CA004', null],
      ]);
      expect(await h.ledger.count('t1', DAY)).toEqual({ entries: 4, recorded: 3, recordedStored: 1, providers: ['twilio'] });
      expect(await h.ledger.count('t2', DAY)).toEqual({ entries: 0, recorded: 0, recordedStored: 0, providers: [] });
    }));

    it('shows the reported recording of an entry from the pending-recordings inbox', withHarness(async (h) => {
      await h.ledger.record([entry(1), entry(2), entry(3, { provider: 'connect', providerCallId: 'CA002' })], at(100));
      const report = (n: number) => ({
        tenantId: 't1', id: `pr_${n}`, provider: 'twilio', providerCallId: `CA00${n}`, recordingId: `RE${n}`, accountId: 'AC1',
        receivedAt: at(10), nextAttemptAt: at(11), deadlineAt: at(70),
      });
      await h.pending.accept(report(2), { id: 'j2', tenantId: 't1', kind: 'recordings.fetch', payload: { pendingId: 'pr_2' }, runAt: at(11) });
      await h.pending.accept({ ...report(1), tenantId: 't2' }, { id: 'j1', tenantId: 't2', kind: 'recordings.fetch', payload: { pendingId: 'pr_1' }, runAt: at(11) });
      await h.pending.recordAttempt('t1', 'pr_2', { attempts: 1, lastError: 'not_ready', nextAttemptAt: at(20) }, { id: 'j2b', tenantId: 't1', kind: 'recordings.fetch', payload: { pendingId: 'pr_2' }, runAt: at(20) });
      await h.pending.resolve('t1', 'pr_2', { status: 'missing', lastError: 'not_ready' }, at(71));
      expect((await all(h, DAY)).map((i) => [i.entry.provider, i.entry.providerCallId, i.pending])).toEqual([
        ['twilio', 'CA001', null],
        ['twilio', 'CA002', { id: 'pr_2', status: 'missing', lastError: 'not_ready', attempts: 1, deadlineAt: at(70) }],
        ['connect', 'CA002', null],
      ]);
    }));

    it('takes calls that started in [from, to) only', withHarness(async (h) => {
      await h.ledger.record([entry(0), entry(59), entry(60), entry(61)], at(100));
      const hour = { from: at(0), to: at(60) };
      expect((await all(h, hour)).map((i) => i.entry.startedAt)).toEqual([at(0), at(59)]);
      expect(await h.ledger.count('t1', hour)).toEqual({ entries: 2, recorded: 2, recordedStored: 0, providers: ['twilio'] });
      expect(await h.ledger.count('t1', { ...hour, provider: 'connect' })).toEqual({ entries: 0, recorded: 0, recordedStored: 0, providers: [] });
    }));

    it('pages with a cursor through entries that share a start instant, each once', withHarness(async (h) => {
      const same = Array.from({ length: 7 }, (_, i) => entry(i, { startedAt: at(5), providerCallId: `CA-${i}` }));
      await h.ledger.record([...same, entry(1), entry(9)], at(100));
      const paged = await all(h, DAY, 't1', 2);
      expect(paged.map((i) => i.entry.providerCallId)).toEqual(['CA001', 'CA-0', 'CA-1', 'CA-2', 'CA-3', 'CA-4', 'CA-5', 'CA-6', 'CA009']);
      const first = await h.ledger.reconcile('t1', DAY, { limit: 9 });
      expect(first.nextCursor).toBeNull();
    }));

    it('normalises a start with fewer fraction digits so that ordering stays time order', withHarness(async (h) => {
      await h.ledger.record([entry(1, { startedAt: '2026-03-01T08:01:00Z' }), entry(2, { startedAt: '2026-03-01T08:00:30.5Z' })], at(100));
      expect((await all(h, DAY)).map((i) => i.entry.startedAt)).toEqual(['2026-03-01T08:00:30.500Z', '2026-03-01T08:01:00.000Z']);
    }));

    it('refuses a bad entry, limit or cursor with VALIDATION_FAILED and writes nothing', withHarness(async (h) => {
      for (const bad of [entry(1, { startedAt: 'yesterday' }), entry(1, { startedAt: '2026-03-01T08:00:00+08:00' }), entry(1, { providerCallId: '' })]) {
        await expect(async () => h.ledger.record([entry(2), bad], at(100))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      expect(await all(h, DAY)).toEqual([]);
      await expect(async () => h.ledger.reconcile('t1', DAY, { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(async () => h.ledger.reconcile('t1', DAY, { limit: 1001 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(async () => h.ledger.reconcile('t1', DAY, { limit: 5, after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }));

    it('records a large batch in one call', withHarness(async (h) => {
      const many = Array.from({ length: 1200 }, (_, i) => entry(i % 1000, { providerCallId: `CB${i}` }));
      expect(await h.ledger.record(many, at(100))).toBe(1200);
      expect(await h.ledger.count('t1', DAY)).toEqual({ entries: 1200, recorded: 1200, recordedStored: 0, providers: ['twilio'] });
    }));

    it('lists the provider accounts linked to a tenant', withHarness(async (h) => {
      const sealed = new Uint8Array([1, 2, 3]);
      await h.accounts.save({ provider: 'twilio', accountId: 'AC2', tenantId: 't1', sealedSecret: sealed, settings: {} }, new Date(at(2)));
      await h.accounts.save({ provider: 'twilio', accountId: 'AC1', tenantId: 't1', sealedSecret: sealed, settings: {} }, new Date(at(1)));
      await h.accounts.save({ provider: 'twilio', accountId: 'AC3', tenantId: 't2', sealedSecret: sealed, settings: {} }, new Date(at(1)));
      await h.accounts.save({ provider: 'connect', accountId: 'arn:x', tenantId: 't1', sealedSecret: sealed, settings: {} }, new Date(at(1)));
      expect(await h.ledger.accountsOf('t1', 'twilio')).toEqual(['AC1', 'AC2']);
      expect(await h.ledger.accountsOf('t2', 'twilio')).toEqual(['AC3']);
      expect(await h.ledger.accountsOf('t3', 'twilio')).toEqual([]);
    }));

    it('keeps one backfill checkpoint per (tenant, source, window), replaced on save', withHarness(async (h) => {
      const key = { tenantId: 't1', source: 'twilio', windowFrom: at(0), windowTo: at(1440) };
      expect(await h.checkpoints.get(key)).toBeNull();
      await h.checkpoints.save({ ...key, cursor: null, done: 0, total: null, completedAt: null }, at(1));
      await h.checkpoints.save({ ...key, windowTo: at(60), cursor: { page: 'x' }, done: 1, total: 1, completedAt: at(2) }, at(2));
      await h.checkpoints.save({ ...key, cursor: { next: '/2010-04-01/x?Page=1', n: 2 }, done: 50, total: 120, completedAt: null }, at(3));
      expect(await h.checkpoints.get(key)).toEqual({ ...key, cursor: { next: '/2010-04-01/x?Page=1', n: 2 }, done: 50, total: 120, completedAt: null, updatedAt: at(3) });
      expect(await h.checkpoints.get({ ...key, windowTo: at(60) })).toMatchObject({ done: 1, completedAt: at(2) });
      expect(await h.checkpoints.get({ ...key, tenantId: 't2' })).toBeNull();
      expect(await h.checkpoints.get({ ...key, source: 'connect' })).toBeNull();
    }));
  });
}
