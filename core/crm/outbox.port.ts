import type { CrmLink } from '../recordings/call';
import type { Awaitable } from '../shared/awaitable';
import type { CrmLinkResult } from './crm-adapter.port';

/** `pending`: waiting or leased; `done`: delivered; `dead`: given up, kept for an operator to inspect and requeue. */
export type OutboxStatus = 'pending' | 'done' | 'dead';

/**
 * One row of the outbox, written in the same transaction as the call it is about. Maps one-to-one
 * onto a table (see docs/decisions/crm-outbox-and-zendesk-sync.md): instants as `Date`,
 * stored as ISO-8601 UTC text or timestamptz; `payload` as JSON text.
 */
export interface OutboxMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  /** Untrusted once it has been stored: consumers validate it before use. */
  readonly payload: unknown;
  readonly status: OutboxStatus;
  /** Failed deliveries so far (rate-limit deferrals are not failures). */
  readonly attempts: number;
  /** Rate-limit deferrals so far. */
  readonly deferrals: number;
  readonly nextAttemptAt: Date;
  /** Until when the current claim holds; null when unclaimed. */
  readonly leaseUntil: Date | null;
  /** Code of the last failure (`CRM_UNAVAILABLE`...), never a message or payload text. */
  readonly lastErrorCode: string | null;
  readonly createdAt: Date;
}

export interface ClaimRequest {
  readonly now: Date;
  readonly limit: number;
  readonly leaseMs: number;
  readonly kinds: readonly string[];
}

/**
 * Durable queue of messages for the CRM sync. Every method is atomic on its own. Updating an id that does not
 * exist throws (a programmer mistake: only ids returned by `claimDue` may be updated). Implementations
 * must pass test/unit/crm/outbox-store.contract.ts.
 */
export interface OutboxStore {
  /**
   * Atomically leases up to `limit` messages of the given kinds that are `pending`, due
   * (`nextAttemptAt <= now`) and not leased by someone else (`leaseUntil` null or `<= now`), oldest
   * `nextAttemptAt` first (then `createdAt`, then `id`), setting `leaseUntil = now + leaseMs`.
   * Two concurrent claims never return the same message while its lease holds.
   */
  claimDue(request: ClaimRequest): Promise<OutboxMessage[]>;
  /** Delivered: `status = 'done'`, lease cleared, the CRM links kept (the hub copies them onto the call). */
  markDone(id: string, outcome: { readonly now: Date; readonly result: CrmLinkResult }): Promise<void>;
  /** A failed delivery to retry later: `attempts + 1`, `nextAttemptAt`, `lastErrorCode`, lease cleared. */
  markFailed(id: string, failure: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void>;
  /** Given up: `attempts + 1`, `status = 'dead'`, `lastErrorCode`, lease cleared. */
  markDead(id: string, failure: { readonly code: string; readonly now: Date }): Promise<void>;
  /** Rate limited: `deferrals + 1`, `nextAttemptAt`, `lastErrorCode`, lease cleared; `attempts` unchanged. */
  defer(id: string, deferral: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void>;
  /** Handed back untried (its CRM was unreachable for an earlier message): `nextAttemptAt`, lease cleared; counters unchanged. */
  release(id: string, release: { readonly nextAttemptAt: Date; readonly now: Date }): Promise<void>;
}

/** A stored message with its delivery result (null until delivered), for operators and tests. */
export type StoredOutboxMessage = OutboxMessage & { readonly result: CrmLinkResult | null };

/** Counts of outbox messages by status. */
export interface OutboxCounts {
  readonly pending: number;
  readonly done: number;
  readonly dead: number;
}

/** A message added outside a call's transaction; it is due at `now`. */
export interface EnqueueOutboxMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly now: Date;
}

/**
 * What operators, the hub's CLI and tests do with the outbox besides draining it. Every method is atomic on its
 * own. Implementations must pass `describeOutboxAdminContract` in test/unit/crm/outbox-store.contract.ts.
 */
export interface OutboxAdmin {
  /** Adds a pending message (re-records, tests); an id that exists already is CallsightError CONFLICT. */
  enqueue(message: EnqueueOutboxMessage): Awaitable<void>;
  /** The message with this id, of any tenant, or null. */
  read(id: string): Awaitable<StoredOutboxMessage | null>;
  /** Messages of one tenant (optionally of one kind), oldest `createdAt` first, then by id. */
  list(tenantId: string, kind?: string): Awaitable<StoredOutboxMessage[]>;
  /** How many messages are pending, done and dead, of every tenant (of `kind` when given). */
  counts(kind?: string): Awaitable<OutboxCounts>;
  /** The earliest `nextAttemptAt` of a pending message of these kinds (leased or not), or null when none is pending. */
  nextDueAt(kinds: readonly string[]): Awaitable<Date | null>;
  /**
   * Puts a dead message back in line after an operator fixed its cause: `pending`, `attempts` and `deferrals` 0,
   * due at `now`, lease cleared (`lastErrorCode` kept for the record). CallsightError NOT_FOUND when there is no
   * dead message with this id; nothing changes then.
   */
  requeue(id: string, now: Date): Awaitable<void>;
}

/**
 * The hub call a message is about: `payload.call.hubCallId` of a `crm.record_call` message, or null for other
 * payload shapes. Stores use it to copy delivered links onto the call in `markDone`'s transaction.
 */
export function hubCallIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const call = (payload as { call?: unknown }).call;
  if (typeof call !== 'object' || call === null) return null;
  const id = (call as { hubCallId?: unknown }).hubCallId;
  return typeof id === 'string' ? id : null;
}

/** A call's CRM links after a delivery: that CRM's earlier links replaced by the delivered ones (appended), other CRMs' kept in order. */
export function linksAfterDelivery(current: readonly CrmLink[], result: CrmLinkResult): CrmLink[] {
  return [...current.filter((link) => link.crm !== result.crm), ...result.links];
}
