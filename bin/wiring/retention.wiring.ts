import { join } from 'node:path';
import { z } from 'zod';
import type { Call } from '../../core/recordings/call';
import type { Principal } from '../../core/access/access.policy';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import { HOUR_MS } from '../../core/shared/time';
import { describeIssues } from '../../core/shared/validation';
import {
  createRetentionUseCases,
  createSweepGuard,
  DEFAULT_SWEEP_PAGE_SIZE,
  DEFAULT_THAW_DAYS,
  forEveryTenant,
  SWEEP_ACTOR,
  thawBeforePlay,
  type RetentionPorts,
  type RetentionUseCases,
  type TenantFailure,
} from '../../app/retention';
import { ShredJournal } from '../../adapters/backup';
import { retentionRoutes } from '../../adapters/http/routes/retention.routes';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

export interface RetentionOptions {
  /**
   * Root of the archive tier on the data-folder audio store; default DATA_DIR/archive. Read by the backup command;
   * the tier itself belongs to the hub's audio store (bin/wiring/audio-store.wiring.ts, AudioTiering).
   */
  readonly archiveDir?: string;
  /** The deletion journal; default DATA_DIR/keys/shred-journal.db, beside the key store and outside the database. */
  readonly journalFile?: string;
  readonly thawDays?: number;
  /** Calls per sweep checkpoint. */
  readonly pageSize?: number;
  /** Time between scheduled sweeps; 0 turns the schedule off. Default one day. */
  readonly sweepIntervalMs?: number;
  /** Delay of the first scheduled sweep after start. Default one minute (or the interval, if shorter). */
  readonly firstSweepDelayMs?: number;
}

/** The environment settings of retention: RETENTION_SWEEP_INTERVAL_H (default 24, 0 = off) and ARCHIVE_DIR. */
export function retentionOptionsFromEnv(env: NodeJS.ProcessEnv): RetentionOptions {
  const parsed = z
    .object({
      RETENTION_SWEEP_INTERVAL_H: z.coerce.number().min(0).max(24 * 366).default(24),
      ARCHIVE_DIR: z.string().min(1).optional(),
    })
    .safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}.`);
  return {
    sweepIntervalMs: parsed.data.RETENTION_SWEEP_INTERVAL_H * HOUR_MS,
    ...(parsed.data.ARCHIVE_DIR ? { archiveDir: parsed.data.ARCHIVE_DIR } : {}),
  };
}

/** The retention capability: its bound use-cases, the stores tests and backups reach, thaw-on-play and the schedule. */
export interface RetentionCapability extends Capability {
  readonly useCases: RetentionUseCases;
  readonly ports: RetentionPorts;
  readonly store: RetentionStore;
  /** The archive tier of the hub's audio store (a folder, or a key prefix and storage class on object storage). */
  readonly archive: RetentionPorts['archive'];
  readonly journal: ShredJournal;
  /** Thaw-on-play: call it after the play authorisation and before reading the audio; play the call it returns. */
  beforePlay(call: Call, principal: Principal): Promise<Call>;
  /** Runs one sweep of every tenant now (what the schedule does); resolves with each tenant's failure. */
  sweepNow(): Promise<readonly TenantFailure[]>;
}

/** Retention ports over the hub: the archive tier is the audio store's own (AudioTiering), whichever store it is. */
function retentionPorts(hub: Hub, options: RetentionOptions, journal: ShredJournal): RetentionPorts {
  return {
    store: hub.storage.retention,
    calls: hub.calls,
    clock: hub.clock,
    ids: hub.ids,
    auditLog: hub.auditLog,
    audio: hub.audio,
    archive: {
      exists: (location) => hub.audio.existsIn(location, 'archive'),
      remove: (location) => hub.audio.removeFrom(location, 'archive'),
      archive: (location) => hub.audio.moveTo(location, 'archive'),
      thaw: (location) => hub.audio.moveTo(location, 'hot'),
    },
    journal,
    purgeDerived: (tenantId, callId) => hub.purgeDerived(tenantId, callId),
    sweeps: createSweepGuard(),
    settings: { thawDays: options.thawDays ?? DEFAULT_THAW_DAYS, pageSize: options.pageSize ?? DEFAULT_SWEEP_PAGE_SIZE },
  };
}

export function createRetentionCapability(options: RetentionOptions = {}): CapabilityFactory {
  return (hub: Hub): RetentionCapability => {
    const journal = new ShredJournal(options.journalFile ?? join(hub.config.dataDir, 'keys', 'shred-journal.db'));
    const ports = retentionPorts(hub, options, journal);
    const useCases = createRetentionUseCases({ ...ports, audit: (entry) => hub.audit(entry) });
    const intervalMs = options.sweepIntervalMs ?? 24 * HOUR_MS;
    let timer: NodeJS.Timeout | null = null;
    let controller: AbortController | null = null;
    let running: Promise<readonly TenantFailure[]> | null = null;
    let started = false;

    // Each tenant's failure is in its audit chain; the next tick retries and resumes.
    const sweepNow = async (): Promise<readonly TenantFailure[]> => {
      controller = new AbortController();
      const signal = controller.signal;
      running = forEveryTenant(ports, useCases.sweep, SWEEP_ACTOR, { signal }, { signal }).then((r) => r.failures);
      try {
        return await running;
      } finally {
        running = null;
      }
    };
    const schedule = (delayMs: number) => {
      timer = setTimeout(() => {
        void sweepNow()
          .catch((error: unknown) => {
            process.emitWarning(`retention sweep could not list tenants: ${(error as Error).message}`);
            return [];
          })
          .finally(() => {
            if (started) schedule(intervalMs);
          });
      }, delayMs);
      timer.unref();
    };

    return {
      name: 'retention',
      useCases,
      ports,
      store: ports.store,
      archive: ports.archive,
      journal,
      plugins: [retentionRoutes(useCases)],
      beforePlay: thawBeforePlay(ports, useCases.thawCall),
      sweepNow,
      start() {
        if (started || intervalMs <= 0) return;
        started = true;
        schedule(Math.min(options.firstSweepDelayMs ?? 60_000, intervalMs));
      },
      async stop() {
        started = false;
        if (timer) clearTimeout(timer);
        controller?.abort();
        await running?.catch(() => undefined);
        journal.close();
      },
    };
  };
}

/** The capability with settings from the environment (RETENTION_SWEEP_INTERVAL_H, ARCHIVE_DIR). */
export const retentionCapability: CapabilityFactory = (hub) => createRetentionCapability(retentionOptionsFromEnv(process.env))(hub);
