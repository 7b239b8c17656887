import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../../core/jobs/job-queue.port';
import { FETCH_RECORDING_JOB, type NewPendingRecording, type PendingRecordingStore, type ScheduledFetch } from '../../core/recordings/pending-recording.port';

/** A pending-recording store and the job queue on the same database (its jobs must be claimable there). */
export interface PendingRecordingsHarness {
  readonly store: PendingRecordingStore;
  readonly jobs: JobQueue;
  close?(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const report = (n: number, over: Partial<NewPendingRecording> = {}): NewPendingRecording => ({
  tenantId: 't1',
  id: `pr_${n}`,
  provider: 'twilio',
  providerCallId: `CA${n}`,
  recordingId: `RE${n}`,
  accountId: 'AC1',
  receivedAt: at(n),
  nextAttemptAt: at(n + 1),
  deadlineAt: at(n + 60),
  ...over,
});
const job = (id: string, runAt: string, tenantId = 't1'): ScheduledFetch => ({ id, tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: id }, runAt });

/**
 * The PendingRecordingStore contract, run against SQLite and PostgreSQL:
 * `describePendingRecordingsContract('sqlite', async () => ({ store, jobs }))`, each harness empty when opened.
 */
export function describePendingRecordingsContract(name: string, open: () => Promise<PendingRecordingsHarness>): void {
  describe(`PendingRecordingStore contract: ${name}`, () => {
    const withHarness = (test: (h: PendingRecordingsHarness) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness);
      } finally {
        await harness.close?.();
      }
    };
    const claim = (h: PendingRecordingsHarness, now: string) => h.jobs.claim({ now: new Date(now), limit: 10, leaseMs: 60_000, kinds: [FETCH_RECORDING_JOB] });

    it('accepts a report once with its first job; a repeat (even with another id) writes nothing and returns the first row', withHarness(async (h) => {
      const first = await h.store.accept(report(1), job('j1', at(2)));
      expect(first).toEqual({
        created: true,
        recording: { ...report(1), status: 'waiting', attempts: 0, lastError: null, resolvedAt: null, callId: null },
      });
      const again = await h.store.accept(report(1, { id: 'pr_other', receivedAt: at(5) }), job('j1-again', at(6)));
      expect(again.created).toBe(false);
      expect(again.recording.id).toBe('pr_1');
      expect(again.recording.receivedAt).toBe(at(1));
      expect(await h.store.get('t1', 'pr_other')).toBeNull();
      expect((await claim(h, at(100))).map((j) => j.id)).toEqual(['j1']);
    }));

    it('makes the first job due at its run time, not before', withHarness(async (h) => {
      await h.store.accept(report(1), job('j1', at(2)));
      expect(await claim(h, at(1))).toEqual([]);
      expect((await claim(h, at(2))).map((j) => ({ id: j.id, tenantId: j.tenantId, payload: j.payload }))).toEqual([
        { id: 'j1', tenantId: 't1', payload: { pendingId: 'j1' } },
      ]);
    }));

    it('records an attempt with the next job; writing the same job twice adds one; a resolved row takes no attempt', withHarness(async (h) => {
      await h.store.accept(report(1), job('j1', at(2)));
      await claim(h, at(2));
      await h.jobs.complete('j1', new Date(at(2)));
      expect(await h.store.recordAttempt('t1', 'pr_1', { attempts: 1, lastError: 'not_ready', nextAttemptAt: at(4) }, job('j2', at(4)))).toBe(true);
      expect(await h.store.recordAttempt('t1', 'pr_1', { attempts: 1, lastError: 'not_ready', nextAttemptAt: at(4) }, job('j2', at(4)))).toBe(true);
      expect(await h.store.get('t1', 'pr_1')).toMatchObject({ status: 'waiting', attempts: 1, lastError: 'not_ready', nextAttemptAt: at(4) });
      expect((await claim(h, at(4))).map((j) => j.id)).toEqual(['j2']);
      await h.jobs.complete('j2', new Date(at(4)));

      expect(await h.store.resolve('t1', 'pr_1', { status: 'stored', callId: 'c_1' }, at(5))).toMatchObject({ status: 'stored', callId: 'c_1', resolvedAt: at(5) });
      expect(await h.store.recordAttempt('t1', 'pr_1', { attempts: 2, lastError: 'not_ready', nextAttemptAt: at(9) }, job('j3', at(9)))).toBe(false);
      expect(await claim(h, at(100))).toEqual([]);
      expect(await h.store.get('t1', 'pr_1')).toMatchObject({ attempts: 1, status: 'stored' });
    }));

    it('resolves only a waiting row: a later resolution does not overwrite the first', withHarness(async (h) => {
      await h.store.accept(report(1), job('j1', at(2)));
      expect(await h.store.resolve('t1', 'pr_1', { status: 'missing', lastError: 'not_ready' }, at(61))).toMatchObject({ status: 'missing', callId: null, lastError: 'not_ready' });
      expect(await h.store.resolve('t1', 'pr_1', { status: 'stored', callId: 'c_9' }, at(70))).toMatchObject({ status: 'missing', callId: null, resolvedAt: at(61) });
      expect(await h.store.resolve('t1', 'nope', { status: 'stored', callId: 'c_9' }, at(70))).toBeNull();
    }));

    it('lists missing and overdue waiting recordings of the tenant, oldest first, in pages', withHarness(async (h) => {
      await h.store.accept(report(1), job('j1', at(2)));
      await h.store.accept(report(2), job('j2', at(3)));
      await h.store.accept(report(3), job('j3', at(4)));
      await h.store.accept(report(4), job('j4', at(5)));
      await h.store.accept(report(5, { tenantId: 't2' }), job('j5', at(6), 't2'));
      await h.store.resolve('t1', 'pr_2', { status: 'missing', lastError: 'not_ready' }, at(62));
      await h.store.resolve('t1', 'pr_3', { status: 'stored', callId: 'c_3' }, at(10));
      // pr_1's deadline (minute 61) has passed at minute 63.5 with its row still waiting (a lost job); pr_4's (64) has not.
      const now = new Date(T0 + 63.5 * 60_000).toISOString();
      const first = await h.store.listMissing('t1', now, { limit: 1 });
      expect(first.items.map((r) => r.id)).toEqual(['pr_1']);
      expect(first.nextCursor).not.toBeNull();
      const second = await h.store.listMissing('t1', now, { limit: 1, after: first.nextCursor! });
      expect(second.items.map((r) => [r.id, r.status])).toEqual([['pr_2', 'missing']]);
      expect(second.nextCursor).toBeNull();
      expect((await h.store.listMissing('t2', now, { limit: 10 })).items).toEqual([]);
      expect(await h.store.countReceived('t1', { from: at(0), to: at(100) }, now)).toEqual({ stored: 1, missing: 2, waiting: 1 });
      expect(await h.store.countReceived('t1', { from: at(2), to: at(4) }, now)).toEqual({ stored: 1, missing: 1, waiting: 0 });
    }));

    it('refuses a bad page size or cursor with VALIDATION_FAILED', withHarness(async (h) => {
      await expect(Promise.resolve().then(() => h.store.listMissing('t1', at(0), { limit: 0 }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(Promise.resolve().then(() => h.store.listMissing('t1', at(0), { limit: 10, after: 'not-a-cursor' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }));
  });
}
