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
 * Durable queue of messages for the CRM sync. Every method is atomic on its own. Implementations
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
