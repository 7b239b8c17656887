/**
 * The provider's own list of calls, kept so that recording completeness is counted against what the provider says
 * happened, not against what the hub happened to store (R-CAP-1). Each source writes what it sees:
 * - `twilio`: the Calls and Recordings APIs, listed by the reconciliation job and by backfill;
 * - `connect`: every Amazon Connect contact record (CTR) delivered to the hub;
 * - `asterisk`, `freeswitch`: every CDR row the drop-folder watcher reads.
 * Implemented on SQLite and PostgreSQL; both pass test/contracts/provider-call-ledger.contract.ts.
 */
import type { Awaitable } from '../shared/awaitable';

export interface ProviderCallEntry {
  readonly tenantId: string;
  /** The provider as calls name it (`Call.provider`): `twilio`, `connect`, `asterisk`, `freeswitch`. */
  readonly provider: string;
  /** The provider's id of the call, as `Call.providerCallId` stores it. */
  readonly providerCallId: string;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  /** Whether the provider says the call was recorded (a call it never recorded is not expected in the hub). */
  readonly recorded: boolean;
  /** Where the entry was read: `twilio-api`, `connect-ctr`, `pbx-cdr`. */
  readonly source: string;
}

/** A ledger entry beside what the hub holds for it. */
export interface ReconciledEntry {
  readonly entry: ProviderCallEntry & { readonly firstSeenAt: string };
  /** The stored call with the same provider and provider call id, or null. */
  readonly callId: string | null;
  /** The reported recording of the same provider and call id in the pending-recordings inbox, or null. */
  readonly pending: {
    readonly id: string;
    readonly status: 'waiting' | 'stored' | 'missing';
    readonly lastError: string | null;
    readonly attempts: number;
    readonly deadlineAt: string;
  } | null;
}

/** Counts of the ledger's entries whose call started in a range: what the completeness KPI reads. */
export interface ProviderCallCounts {
  /** Every entry (recorded or not). */
  readonly entries: number;
  /** Entries the provider says were recorded: the calls the hub is expected to hold. */
  readonly recorded: number;
  /** Recorded entries with a stored call of the same provider and provider call id. */
  readonly recordedStored: number;
  /** The providers with entries in the range, sorted: the sources whose lists the KPI is counted against. */
  readonly providers: readonly string[];
}

export interface ProviderCallLedger {
  /**
   * Records entries, idempotent on (tenant, provider, providerCallId): an entry seen again with `recorded` true
   * marks it recorded (a provider may report the recording later; a later sighting without it, such as Twilio's
   * Calls list, which does not say, never unmarks it) and keeps its first-seen instant, start and source.
   * Atomic. VALIDATION_FAILED, with nothing written, for an entry whose startedAt is not an ISO-8601 UTC instant or
   * whose ids are empty. Returns how many were new.
   */
  record(entries: readonly ProviderCallEntry[], seenAt: string): Awaitable<number>;
  /**
   * Entries whose call started in [from, to), optionally of one provider, each with its stored call (if any),
   * ordered by start, provider and provider call id: `after` a cursor from the previous page, `limit` 1..1000.
   * VALIDATION_FAILED for a bad limit or cursor.
   */
  reconcile(
    tenantId: string,
    range: { readonly from: string; readonly to: string; readonly provider?: string },
    page: { readonly limit: number; readonly after?: string },
  ): Awaitable<{ readonly items: readonly ReconciledEntry[]; readonly nextCursor: string | null }>;
  /** Counts of the entries whose call started in [from, to) (one query; the KPI reads it on every report). */
  count(tenantId: string, range: { readonly from: string; readonly to: string; readonly provider?: string }): Awaitable<ProviderCallCounts>;
  /**
   * The provider accounts linked to the tenant (`tenant add --twilio-account`), oldest first: whose lists the
   * reconciliation reads. Read from the same database as the ledger.
   */
  accountsOf(tenantId: string, provider: string): Awaitable<readonly string[]>;
}
