/**
 * Storage of the audit trail (DOMAIN R-ACC-2, R-ACC-5), implemented by adapters/storage/sqlite/sqlite.audit-log.ts
 * and adapters/storage/postgres/postgres.audit-log.ts; both pass test/contracts/audit-log.contract.ts.
 * Every method is scoped to one tenant's chain (except `tenants`). Results may be returned directly or as a
 * promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';
import type { AuditEvent, AuditEventInput } from './audit-chain';
import type { SignedCheckpoint } from './audit-checkpoint';
import type { AuditAnchor, PrunePlan } from './audit-retention';

export type { Awaitable };

/** A filtered listing of one tenant's events, in chain order; every filter is optional except `limit`. */
export interface AuditQuery {
  /** Inclusive lower bound on `at`, compared as ISO-8601 text. */
  readonly from?: string;
  /** Exclusive upper bound on `at`. */
  readonly to?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly outcome?: string;
  /** The paging cursor: only events with a larger seq. */
  readonly afterSeq?: number;
  /** A positive whole number (the API caps it). */
  readonly limit: number;
}

/**
 * The append-only audit log: one hash chain per tenant. Stored events are never changed; only `prune` removes
 * events, and only from the start of a chain.
 */
export interface AuditLogStore {
  /**
   * Extends the tenant's chain with the event built by `appendEvent` on the current head. Reading the head and
   * inserting the event are atomic even against concurrent appenders (in other processes too), so seqs run
   * 1, 2, 3... without gaps or forks. Inside a store transaction the append joins it and commits or rolls back
   * with it. VALIDATION_FAILED on malformed input, and nothing is written then.
   */
  append(input: AuditEventInput): Awaitable<AuditEvent>;
  /**
   * Events with seq >= `fromSeq` (default 1) in chain order, from one consistent snapshot, in constant memory.
   * May be synchronous or asynchronous: consume it with `for await` (or hand it to `verifyChain`).
   */
  iterate(tenantId: string, fromSeq?: number): Iterable<AuditEvent> | AsyncIterable<AuditEvent>;
  /** Events matching every given filter, by seq, at most `limit`. */
  query(tenantId: string, query: AuditQuery): Awaitable<AuditEvent[]>;
  /** The newest event of the chain, or null while it is empty. */
  head(tenantId: string): Awaitable<AuditEvent | null>;
  /** One stored event, or null (never stored, or pruned). */
  get(tenantId: string, seq: number): Awaitable<AuditEvent | null>;
  /** Tenants that have an audit chain, in byte order of their ids. */
  tenants(): Awaitable<string[]>;
  /** Keeps a signed checkpoint of a chain head; saving one for a seq already checkpointed changes nothing. */
  saveCheckpoint(checkpoint: SignedCheckpoint): Awaitable<void>;
  /** The stored checkpoint with the highest seq, unverified: check its signature before trusting it. */
  latestCheckpoint(tenantId: string): Awaitable<SignedCheckpoint | null>;
  /** Where verification starts after pruning; null while nothing was pruned. */
  anchor(tenantId: string): Awaitable<AuditAnchor | null>;
  /**
   * The last event that may be pruned for a cutoff: the event just before the first one with `at` at or after
   * `cutoffIso` (so a clock that stepped back never lets a younger event go); never the head. Null when nothing
   * is prunable.
   */
  lastPrunable(tenantId: string, cutoffIso: string): Awaitable<AuditEvent | null>;
  /** Number of stored events with seq <= `throughSeq`. */
  countThrough(tenantId: string, throughSeq: number): Awaitable<number>;
  /**
   * Carries out a prune plan atomically: appends its `audit_pruned` event, stores its anchor (replacing the
   * previous one) and deletes the events through the anchor. CONFLICT, with nothing changed, when the head is no
   * longer the one the plan was prepared on. Returns the number of events deleted.
   */
  prune(plan: PrunePlan): Awaitable<number>;
}
