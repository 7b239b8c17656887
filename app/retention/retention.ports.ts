import type { AuditLogStore } from '../../core/audit/audit-log.port';
import type { AudioLocation, AudioStore } from '../../core/recordings/audio-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Tenant } from '../../core/recordings/call';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Awaitable } from '../../core/shared/awaitable';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';

/** One deletion as journalled: written before the data key is destroyed, completed once the tombstone exists. */
export interface ShredEntry {
  readonly tenantId: string;
  readonly callId: string;
  /** The recording's data key id; null when the call had no recording left. */
  readonly keyId: string | null;
  readonly audioSha256: string | null;
  readonly ruleId: string | null;
  readonly basis: 'policy' | 'admin';
  /** Who decided: a user id, or `retention-sweep`. */
  readonly actor: string;
  /** The actor's role (admin deletions), null for the sweep. */
  readonly role: string | null;
  /** ISO-8601 UTC: when the deletion was decided; the tombstone's deletedAt. */
  readonly requestedAt: string;
  readonly completedAt: string | null;
}

/**
 * The deletion journal (shred log), kept outside the metadata database so that restoring an older database
 * cannot erase it: every call ever deleted. Implemented by adapters/backup (ShredJournal, a file beside the keys).
 * `record` is durable on return; entries are never removed.
 */
export interface ShredJournalPort {
  /** Journals a deletion; when the call is already journalled the first entry is kept and returned. */
  record(entry: Omit<ShredEntry, 'completedAt'>): Awaitable<ShredEntry>;
  complete(tenantId: string, callId: string, completedAt: string): Awaitable<void>;
  /** Deletions started but not finished, oldest first. */
  pending(tenantId?: string): Awaitable<ShredEntry[]>;
  /** Every journalled deletion, oldest first. */
  entries(): Iterable<ShredEntry>;
}

/**
 * The archive tier: a second encrypted store over the same key vault as the hot store, so moving a recording
 * between them copies ciphertext only. Moves are crash-safe and idempotent (durable at the target before the
 * source goes; nothing to do when only the target holds it) and fail with RECORDING_GONE when neither holds it.
 */
export interface ArchiveTier {
  exists(location: AudioLocation): Promise<boolean>;
  /** Removes the archived ciphertext (the data key stays); idempotent. */
  remove(location: AudioLocation): Promise<void>;
  /** Hot store to archive. */
  archive(location: AudioLocation): Promise<void>;
  /** Archive to hot store. */
  thaw(location: AudioLocation): Promise<void>;
}

/** At most one sweep of a tenant at a time in this process; `acquire` is false while one runs. */
export interface SweepGuard {
  acquire(tenantId: string): boolean;
  release(tenantId: string): void;
}

/** A SweepGuard for one process (several processes each sweep under their own; the store's startSweep refuses a second running sweep). */
export function createSweepGuard(): SweepGuard {
  const running = new Set<string>();
  return {
    acquire(tenantId) {
      if (running.has(tenantId)) return false;
      running.add(tenantId);
      return true;
    },
    release(tenantId) {
      running.delete(tenantId);
    },
  };
}

/** How the lifecycle is tuned on this hub. */
export interface RetentionSettings {
  /** An archived call brought back for playback stays hot this many days before a sweep archives it again. */
  readonly thawDays: number;
  /** Calls per sweep checkpoint. */
  readonly pageSize: number;
}

/** Default thaw period, in days. */
export const DEFAULT_THAW_DAYS = 30;
/** Default calls per sweep checkpoint. */
export const DEFAULT_SWEEP_PAGE_SIZE = 500;

/**
 * Every port the retention use-cases use; each use-case declares the part it needs (`Pick`). Wired in
 * bin/wiring/retention.wiring.ts.
 */
export interface RetentionPorts {
  readonly store: RetentionStore;
  readonly calls: Pick<CallRepository, 'getTenant' | 'listTenants' | 'getCall'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Appends inside store transactions (archive events, thaws, deletion certificates written with their change). */
  readonly auditLog: Pick<AuditLogStore, 'append'>;
  /** The hot tier. */
  readonly audio: Pick<AudioStore, 'exists' | 'remove' | 'discard'>;
  readonly archive: ArchiveTier;
  readonly journal: ShredJournalPort;
  /** Removes everything derived from a call (transcript, analysis, search entries); idempotent. */
  readonly purgeDerived: (tenantId: string, callId: string) => Promise<void>;
  readonly sweeps: SweepGuard;
  readonly settings: RetentionSettings;
}

/** The tenant, or NOT_FOUND: the one message an unknown tenant gets from HTTP, the CLI and the sweep. */
export async function requireTenant(calls: Pick<CallRepository, 'getTenant'>, tenantId: string): Promise<Tenant> {
  const tenant = await calls.getTenant(tenantId);
  if (!tenant) throw new CallsightError('NOT_FOUND', 'Tenant is not configured on this hub');
  return tenant;
}

/** Where a call's recording is, in either tier. */
export function recordingLocation(call: { readonly tenantId: string; readonly id: string; readonly recording: { readonly keyId: string; readonly bytes: number } | null }): AudioLocation | null {
  return call.recording ? { tenantId: call.tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes } : null;
}
