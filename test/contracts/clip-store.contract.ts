import { describe, expect, it } from 'vitest';
import type { TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';

/** A clip store, empty when opened. */
export interface ClipStoreHarness {
  readonly store: ClipStore;
  close?(): Promise<void>;
}

const clip = (n: number, over: Partial<TrainingClip> = {}): TrainingClip => ({
  id: `clip_${n}`,
  callId: `call_${n}`,
  agentId: 'a1',
  startS: 10,
  endS: 25.5,
  label: 'good',
  note: '',
  criterionId: null,
  demand: null,
  inquiryType: null,
  language: 'zh',
  excerpt: [{ startS: 11, endS: 14, speaker: 'agent', text: '您好，请问电话 [PHONE] 是您本人吗？' }],
  createdBy: 'u_qa',
  createdAt: `2026-03-0${n}T08:00:00.000Z`,
  taskIds: [],
  ...over,
});

/**
 * The ClipStore contract, run against SQLite and PostgreSQL:
 * `describeClipStoreContract('sqlite', async () => ({ store }))`.
 */
export function describeClipStoreContract(name: string, open: () => Promise<ClipStoreHarness>): void {
  describe(`ClipStore contract (${name})`, () => {
    const withStore = (test: (store: ClipStore) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness.store);
      } finally {
        await harness.close?.();
      }
    };

    it('stores a clip and reads it back whole, excerpt included, only in its own tenant', withStore(async (store) => {
      const saved = clip(1, { note: '示范：先核实身份', criterionId: 'compliance', demand: 'refund_process', inquiryType: '退款' });
      await store.insertClip('t1', saved);
      expect(await store.getClip('t1', 'clip_1')).toEqual(saved);
      expect(await store.getClip('t2', 'clip_1')).toBeNull();
      expect(await store.listClips('t2', { limit: 10 })).toEqual([]);
    }));

    it('refuses a second clip with the same id with CONFLICT and keeps the first', withStore(async (store) => {
      await store.insertClip('t1', clip(1));
      await expect(Promise.resolve().then(() => store.insertClip('t1', clip(1, { note: 'other' })))).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.getClip('t1', 'clip_1'))?.note).toBe('');
    }));

    it('lists newest first and filters by demand, inquiry type, criterion, label and call, combined', withStore(async (store) => {
      await store.insertClip('t1', clip(1, { demand: 'refund_process', inquiryType: '退款', criterionId: 'compliance' }));
      await store.insertClip('t1', clip(2, { demand: 'refund_process', inquiryType: '物流', label: 'bad' }));
      await store.insertClip('t1', clip(3, { demand: 'logistics_delay', inquiryType: '物流', criterionId: 'compliance' }));
      const ids = async (q: Parameters<ClipStore['listClips']>[1]) => (await store.listClips('t1', q)).map((c) => c.id);
      expect(await ids({ limit: 10 })).toEqual(['clip_3', 'clip_2', 'clip_1']);
      expect(await ids({ limit: 2 })).toEqual(['clip_3', 'clip_2']);
      expect(await ids({ demand: 'refund_process', limit: 10 })).toEqual(['clip_2', 'clip_1']);
      expect(await ids({ inquiryType: '物流', limit: 10 })).toEqual(['clip_3', 'clip_2']);
      expect(await ids({ criterionId: 'compliance', inquiryType: '物流', limit: 10 })).toEqual(['clip_3']);
      expect(await ids({ label: 'bad', limit: 10 })).toEqual(['clip_2']);
      expect(await ids({ callId: 'call_1', limit: 10 })).toEqual(['clip_1']);
    }));

    it('pins a clip to tasks once each, lists by task, and refuses a pin of an absent clip with NOT_FOUND', withStore(async (store) => {
      await store.insertClip('t1', clip(1));
      await store.insertClip('t1', clip(2));
      const pin = (taskId: string, clipId = 'clip_1') => store.pinClip('t1', { clipId, taskId, pinnedBy: 'u_mgr', pinnedAt: `2026-03-05T0${taskId.length}:00:00.000Z` });
      expect(await pin('task_a')).toBe(true);
      expect(await pin('task_a')).toBe(false);
      expect(await pin('task_bb')).toBe(true);
      expect((await store.getClip('t1', 'clip_1'))?.taskIds).toEqual(['task_a', 'task_bb']);
      expect((await store.listClips('t1', { taskIds: ['task_bb'], limit: 10 })).map((c) => c.id)).toEqual(['clip_1']);
      expect(await store.listClips('t1', { taskIds: [], limit: 10 })).toEqual([]);
      await expect(Promise.resolve().then(() => pin('task_a', 'clip_9'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(Promise.resolve().then(() => store.pinClip('t2', { clipId: 'clip_1', taskId: 'x', pinnedBy: 'u', pinnedAt: '2026-03-05T00:00:00.000Z' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }));

    it('deletes a clip with its pins, and reports an absent one', withStore(async (store) => {
      await store.insertClip('t1', clip(1));
      await store.pinClip('t1', { clipId: 'clip_1', taskId: 'task_a', pinnedBy: 'u', pinnedAt: '2026-03-05T00:00:00.000Z' });
      expect(await store.deleteClip('t2', 'clip_1')).toBe(false);
      expect(await store.deleteClip('t1', 'clip_1')).toBe(true);
      expect(await store.getClip('t1', 'clip_1')).toBeNull();
      expect(await store.listClips('t1', { taskIds: ['task_a'], limit: 10 })).toEqual([]);
      expect(await store.deleteClip('t1', 'clip_1')).toBe(false);
      await store.insertClip('t1', clip(1));
      expect((await store.getClip('t1', 'clip_1'))?.taskIds).toEqual([]);
    }));

    it('purges every clip of a deleted call, in that tenant only', withStore(async (store) => {
      await store.insertClip('t1', clip(1));
      await store.insertClip('t1', clip(2, { callId: 'call_1' }));
      await store.insertClip('t1', clip(3));
      await store.insertClip('t2', clip(1));
      await store.pinClip('t1', { clipId: 'clip_2', taskId: 'task_a', pinnedBy: 'u', pinnedAt: '2026-03-05T00:00:00.000Z' });
      expect(await store.purgeCall('t1', 'call_1')).toBe(2);
      expect((await store.listClips('t1', { limit: 10 })).map((c) => c.id)).toEqual(['clip_3']);
      expect(await store.getClip('t2', 'clip_1')).not.toBeNull();
    }));
  });
}
