import { z } from 'zod';
import type { StoredItem } from '../../core/recordings/audio-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { DEFAULT_ORPHAN_GRACE_MINUTES, STORAGE_LOOKUP_BATCH, type StoragePorts } from './storage.ports';

export const collectOrphansInput = z
  .object({
    graceMinutes: z.number().int().min(0).max(7 * 24 * 60).default(DEFAULT_ORPHAN_GRACE_MINUTES),
    dryRun: z.boolean().default(false),
    /** What started the pass: the recovery pass at start-up, the `storage.gc` job, or `callsight storage gc`. */
    trigger: z.enum(['startup', 'schedule', 'cli']).default('cli'),
  })
  .strict();
export type CollectOrphansInput = z.input<typeof collectOrphansInput>;

/** What one pass over a tenant found and removed (counts only: the audit event carries exactly these). */
export interface OrphanReport {
  readonly dryRun: boolean;
  readonly graceMinutes: number;
  /** Complete containers that no call references, removed (or that would be, on a dry run). */
  readonly containersRemoved: number;
  /** Partial items (temp files, unfinished uploads) removed. */
  readonly partialsRemoved: number;
  /** Data keys that no call names, destroyed. */
  readonly keysDestroyed: number;
  /** Unreferenced items and keys left alone because they are younger than the grace period (an ingest may be in flight). */
  readonly protectedItems: number;
  /** Every item of the inventory and every data key older than the grace period that was looked at. */
  readonly itemsScanned: number;
  readonly keysScanned: number;
}

/**
 * Finds what a crash stranded in the tenant's storage and removes it: containers no call references, partial writes,
 * and data keys no call names, each only when older than the grace period, so an ingest in flight on any process is
 * never touched (its key, container and call row are written within seconds of each other; the grace is an hour).
 * Archived recordings are referenced calls like any other. A call whose container is missing is not touched here:
 * `storage.verify-recordings` reports it. One audit event per pass, with the counts; no ids. System actors only
 * (start-up recovery, the `storage.gc` job, `callsight storage gc`).
 */
export const collectOrphans = defineUseCase({
  name: 'storage.collect-orphans',
  action: 'collect_storage_orphans',
  permission: 'system',
  input: collectOrphansInput,
  target: (input) => `storage:${input.trigger}`,
  async run({ deps, actor, input }: UseCaseContext<StoragePorts, z.output<typeof collectOrphansInput>>): Promise<OrphanReport> {
    const tenantId = actor.tenantId;
    const cutoff = new Date(deps.clock.now().getTime() - input.graceMinutes * 60_000);
    let containersRemoved = 0;
    let partialsRemoved = 0;
    let keysDestroyed = 0;
    let protectedItems = 0;
    let itemsScanned = 0;
    let keysScanned = 0;

    const remove = async (item: StoredItem) => {
      if (!input.dryRun) await deps.audio.removeItem(item);
    };
    let batch: StoredItem[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const referenced = await deps.calls.existingCallIds(tenantId, [...new Set(batch.map((i) => i.recordingId))]);
      for (const item of batch) {
        if (referenced.has(item.recordingId)) continue;
        await remove(item);
        containersRemoved++;
      }
      batch = [];
    };
    for await (const item of deps.audio.inventory(tenantId)) {
      itemsScanned++;
      if (item.modifiedAt.getTime() >= cutoff.getTime()) {
        protectedItems++;
        continue;
      }
      if (item.kind === 'partial') {
        await remove(item);
        partialsRemoved++;
        continue;
      }
      batch.push(item);
      if (batch.length >= STORAGE_LOOKUP_BATCH) await flush();
    }
    await flush();

    // Containers carry no key id: a call row is the only link from a recording to its key, so a key is in use
    // exactly when a call names it. Keys come after containers so one pass removes a stranded pair.
    let keys: string[] = [];
    const flushKeys = async () => {
      if (keys.length === 0) return;
      const used = await deps.calls.usedKeyIds(tenantId, keys);
      for (const keyId of keys) {
        if (used.has(keyId)) continue;
        if (!input.dryRun) await deps.keys.destroyDataKey(tenantId, keyId);
        keysDestroyed++;
      }
      keys = [];
    };
    for await (const entry of deps.keys.listDataKeys(tenantId, cutoff)) {
      keysScanned++;
      keys.push(entry.keyId);
      if (keys.length >= STORAGE_LOOKUP_BATCH) await flushKeys();
    }
    await flushKeys();

    return { dryRun: input.dryRun, graceMinutes: input.graceMinutes, containersRemoved, partialsRemoved, keysDestroyed, protectedItems, itemsScanned, keysScanned };
  },
  audited: (report, input) => ({
    details: {
      trigger: input.trigger,
      dryRun: report.dryRun,
      graceMinutes: report.graceMinutes,
      containersRemoved: report.containersRemoved,
      partialsRemoved: report.partialsRemoved,
      keysDestroyed: report.keysDestroyed,
      protectedItems: report.protectedItems,
      itemsScanned: report.itemsScanned,
      keysScanned: report.keysScanned,
    },
  }),
});
