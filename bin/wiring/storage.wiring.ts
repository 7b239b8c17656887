import { systemActor } from '../../app/shared/actor';
import { jobHandler } from '../../app/jobs/index';
import {
  createStorageUseCases,
  DEFAULT_ORPHAN_GRACE_MINUTES,
  type CollectOrphansInput,
  type OrphanReport,
  type StoragePorts,
  type StorageUseCases,
  type StorageVerification,
} from '../../app/storage';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** The job kind of the periodic garbage collection of stranded items (one job per tenant, deduplicated). */
export const STORAGE_GC_JOB = 'storage.gc';
/** How the audit trail names the storage passes that no job runs (the start-up recovery pass, the CLI). */
export const STORAGE_ACTOR = 'storage-gc';

export interface StorageOptions {
  /** ORPHAN_GRACE_MINUTES (default 60). */
  readonly graceMinutes?: number;
  /** Time between scheduled GC rounds; 0 turns the schedule off. Default: the grace period (at least 5 minutes). */
  readonly intervalMs?: number;
  /** Whether start() runs the recovery pass at once (default true). */
  readonly recoverAtStart?: boolean;
}

/** One tenant's result of a pass over every tenant; `error` when that tenant's pass failed (it is audited). */
export interface TenantResult<R> {
  readonly tenantId: string;
  readonly result?: R;
  readonly error?: string;
}

export interface StorageCapability extends Capability {
  readonly useCases: StorageUseCases;
  readonly ports: StoragePorts;
  /** Collects orphans of every tenant now, as the system (`storage-gc`). */
  collectEverywhere(input: CollectOrphansInput): Promise<readonly TenantResult<OrphanReport>[]>;
  /** Verifies every tenant's recordings now. */
  verifyEverywhere(trigger?: 'startup' | 'schedule' | 'cli'): Promise<readonly TenantResult<StorageVerification>[]>;
  /** The recovery pass of start-up: collect orphans older than the grace period, in every tenant. Resolves when done. */
  readonly recovered: Promise<readonly TenantResult<OrphanReport>[]> | null;
}

/** The storage ports over the hub: its call repository, its audio store (both tiers) and its key store. */
export function storagePorts(hub: Hub): StoragePorts {
  return {
    calls: hub.calls,
    audio: hub.audio,
    keys: hub.keys,
    presence: { exists: (location, tier) => hub.audio.existsIn(location, tier) },
    // The stores stamp files and keys with the wall clock, so the grace period is measured on it too (never on a
    // hub clock a test or a replay has moved).
    clock: { now: () => new Date() },
  };
}

async function everyTenant<R>(hub: Hub, run: (tenantId: string) => Promise<R>): Promise<TenantResult<R>[]> {
  const out: TenantResult<R>[] = [];
  for (const tenant of await hub.calls.listTenants()) {
    try {
      out.push({ tenantId: tenant.id, result: await run(tenant.id) });
    } catch (error) {
      out.push({ tenantId: tenant.id, error: (error as { code?: string }).code ?? (error as Error).message });
    }
  }
  return out;
}

/**
 * Crash recovery and garbage collection of orphans (issue 17 item 4; docs/decisions/orphan-recovery.md): on start
 * (worker and all roles only) a recovery pass over every tenant; then every interval a `storage.gc` job per tenant,
 * claimed by whichever worker process is free. Both remove only what is older than ORPHAN_GRACE_MINUTES, so ingests
 * in flight on other processes are never touched.
 */
export function createStorageCapability(options: StorageOptions = {}): CapabilityFactory {
  return (hub: Hub): StorageCapability => {
    const graceMinutes = options.graceMinutes ?? hub.config.orphanGraceMinutes ?? DEFAULT_ORPHAN_GRACE_MINUTES;
    const intervalMs = options.intervalMs ?? Math.max(5, graceMinutes) * 60_000;
    const ports = storagePorts(hub);
    const useCases = createStorageUseCases({ ...ports, audit: (entry) => hub.audit(entry) });
    hub.jobs.register(STORAGE_GC_JOB, jobHandler(useCases.collectOrphans));
    let timer: NodeJS.Timeout | null = null;
    let recovered: Promise<readonly TenantResult<OrphanReport>[]> | null = null;

    const collectEverywhere = (input: CollectOrphansInput) =>
      everyTenant(hub, (tenantId) => useCases.collectOrphans(systemActor(tenantId, STORAGE_ACTOR), { graceMinutes, ...input }));
    const verifyEverywhere = (trigger: 'startup' | 'schedule' | 'cli' = 'cli') =>
      everyTenant(hub, (tenantId) => useCases.verifyRecordings(systemActor(tenantId, STORAGE_ACTOR), { trigger }));
    const enqueueRound = async () => {
      const at = hub.clock.now();
      for (const tenant of await hub.calls.listTenants()) {
        await hub.jobQueue.enqueue({
          id: hub.ids.newId('job'),
          tenantId: tenant.id,
          kind: STORAGE_GC_JOB,
          payload: { graceMinutes, trigger: 'schedule' },
          runAt: at.toISOString(),
          maxAttempts: 3,
          dedupeKey: 'gc',
        });
      }
    };

    return {
      name: 'storage',
      useCases,
      ports,
      collectEverywhere,
      verifyEverywhere,
      get recovered() {
        return recovered;
      },
      start() {
        if (options.recoverAtStart !== false && !recovered) {
          recovered = collectEverywhere({ trigger: 'startup' });
          void recovered.then((results) => {
            const failed = results.filter((r) => r.error);
            if (failed.length > 0) process.emitWarning(`storage recovery pass failed for ${failed.length} tenant(s); the next storage.gc round retries`);
          });
        }
        if (intervalMs <= 0 || timer) return;
        timer = setInterval(() => {
          void enqueueRound().catch((error: unknown) => process.emitWarning(`storage.gc round could not be queued: ${(error as Error).message}`));
        }, intervalMs);
        timer.unref();
      },
      async stop() {
        if (timer) clearInterval(timer);
        timer = null;
        await recovered?.catch(() => undefined);
      },
    };
  };
}

/** The capability with ORPHAN_GRACE_MINUTES from the hub's configuration. */
export const storageCapability: CapabilityFactory = (hub) => createStorageCapability()(hub);
