/**
 * Storage of retention (issue 4): tenant policies, legal holds, tombstones of deleted calls, sweep checkpoints and
 * thaws, plus the id-ordered walk over the calls table that a sweep pages through. Implemented by
 * adapters/storage/sqlite/sqlite.retention.ts and adapters/storage/postgres/postgres.retention.ts; both pass
 * test/contracts/retention-store.contract.ts. Every method takes the tenant id and never reads or writes another
 * tenant's data. Results may be returned directly or as a promise, so that embedded (synchronous) and networked
 * stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';
import type { Call, CallStatus } from '../recordings/call';
import type { LegalHold } from './legal-hold';

export type { Awaitable };

/** A tenant's own retention policy as stored (validated by its owner before saving). */
export interface StoredRetentionPolicy {
  readonly tenantId: string;
  readonly policy: unknown;
  /** 1 for the first saved policy, +1 on every change. */
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** What is left of a deleted call: when, why, by whom, and the digest of the audio that was destroyed. */
export interface Tombstone {
  readonly tenantId: string;
  readonly callId: string;
  readonly deletedAt: string;
  /** The retention rule that decided, or null for an admin deletion. */
  readonly ruleId: string | null;
  readonly basis: 'policy' | 'admin';
  readonly actor: string;
  readonly audioSha256: string | null;
}

/** A sweep's checkpoint: it decides every call as of `decidedAt` and has finished every call with id <= cursorId. */
export interface SweepRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly status: 'running' | 'done';
  readonly decidedAt: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly cursorId: string | null;
  readonly processed: number;
  readonly counts: Record<string, number>;
}

export interface HoldListQuery {
  /** Only holds neither released nor expired at `now`. */
  readonly activeAt?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * `finalizeDeletion` and `transitionStatus` run a callback inside their transaction (an audit event, a thaw
 * record). An embedded store (SQLite) calls it synchronously and throws when it returns a promise, because its
 * transaction cannot span an await; a networked store (PostgreSQL) awaits it, and every store query the callback
 * makes joins that transaction. Either way a throw from the callback rolls everything back and is rethrown.
 */
export interface RetentionStore {
  getPolicy(tenantId: string): Awaitable<StoredRetentionPolicy | null>;
  /** Saves the tenant's policy and returns its new version (1, then +1 on every save, concurrent saves included). */
  putPolicy(tenantId: string, policy: unknown, updatedBy: string, updatedAt: string): Awaitable<number>;

  /** Stores a new, unreleased hold; CONFLICT when the tenant already has a hold with this id. */
  insertHold(hold: LegalHold): Awaitable<void>;
  getHold(tenantId: string, holdId: string): Awaitable<LegalHold | null>;
  /** Marks the hold released; false when it is absent or was already released (nothing changes then). */
  releaseHold(tenantId: string, holdId: string, releasedBy: string, releasedAt: string): Awaitable<boolean>;
  /** Every hold of the tenant not yet released, oldest first (expiry is checked by the caller at its own instant). */
  unreleasedHolds(tenantId: string): Awaitable<LegalHold[]>;
  /** Holds newest first (creation, then id), keyset-paged; VALIDATION_FAILED for a cursor this store did not return. */
  listHolds(tenantId: string, q: HoldListQuery): Awaitable<{ items: LegalHold[]; nextCursor: string | null }>;

  /** Up to `limit` calls of the tenant with id > afterId, in id order (all statuses, tombstones included). */
  callsAfter(tenantId: string, afterId: string | null, limit: number): Awaitable<Call[]>;
  /** Every call of the tenant in id order, read in pages of `pageSize` so that memory stays flat. */
  iterateCalls(tenantId: string, pageSize?: number): AsyncIterable<Call>;
  countCalls(tenantId: string): Awaitable<number>;

  getTombstone(tenantId: string, callId: string): Awaitable<Tombstone | null>;
  /**
   * In one transaction: writes the tombstone, turns the call row into a tombstone row (status `deleted`, recording
   * metadata cleared except its SHA-256), forgets the call's thaw and runs `certify` (the deletion certificate in
   * the audit chain, on the same database). Idempotent: when the tombstone exists nothing is written and `certify`
   * does not run. Returns true when this call wrote it; of concurrent callers exactly one does.
   */
  finalizeDeletion(tombstone: Tombstone, certify: () => Awaitable<unknown>): Awaitable<boolean>;
  /**
   * Moves a call from one of `from` to `to` and runs `after` (its audit event) in one transaction. Idempotent:
   * when the call is absent or not in one of `from`, nothing is written, `after` does not run, and it returns false.
   */
  transitionStatus(tenantId: string, callId: string, from: readonly CallStatus[], to: CallStatus, after: () => Awaitable<unknown>): Awaitable<boolean>;

  /** The tenant's running sweep, or null. */
  openSweep(tenantId: string): Awaitable<SweepRecord | null>;
  /** Starts a sweep; CONFLICT when one is already running for the tenant or the id is taken. */
  startSweep(tenantId: string, id: string, decidedAt: string, startedAt: string): Awaitable<SweepRecord>;
  /** Records progress of a running sweep; no-op when it is not running. */
  checkpointSweep(tenantId: string, id: string, cursorId: string, processed: number, counts: Record<string, number>): Awaitable<void>;
  finishSweep(tenantId: string, id: string, finishedAt: string, processed: number, counts: Record<string, number>): Awaitable<void>;

  /** Records that an archived call was brought back for playback (the latest thaw of a call wins). */
  recordThaw(tenantId: string, callId: string, thawedBy: string, thawedAt: string): Awaitable<void>;
  /** Call id -> thawedAt of the tenant's calls brought back at or after `sinceIso`. */
  thawedSince(tenantId: string, sinceIso: string): Awaitable<Map<string, string>>;
}
