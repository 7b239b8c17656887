/**
 * Storage of export requests (R-ACC-3, two-person approval), implemented by adapters/storage/sqlite/sqlite.exports.ts
 * and adapters/storage/postgres/postgres.exports.ts; both pass test/contracts/access-stores.contract.ts.
 * Every method takes the tenant id and never reads or writes another tenant's exports. Results may be returned
 * directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';

export type { Awaitable };

/** An export request as stored (R-ACC-3). `status` is the stored state; expiry is read from `expiresAt`. */
export interface StoredExport {
  readonly tenantId: string;
  readonly id: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly requestedBy: string;
  /** The requester's justification, shown to the approver; never copied into the audit trail. */
  readonly reason: string;
  /** The filter the call ids were resolved from, or null when the requester listed call ids. */
  readonly filter: Readonly<Record<string, unknown>> | null;
  /** Frozen at request time, so the approver approves exactly what will leave. */
  readonly callIds: readonly string[];
  readonly audioBytes: number;
  readonly createdAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  /** When the download stops working (set on approval). */
  readonly expiresAt: string | null;
  readonly downloads: number;
  readonly lastDownloadAt: string | null;
}

export type NewExport = Pick<StoredExport, 'tenantId' | 'id' | 'requestedBy' | 'reason' | 'filter' | 'callIds' | 'audioBytes' | 'createdAt'>;

export interface ExportDecision {
  readonly status: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly note: string | null;
  readonly expiresAt: string | null;
}

export interface ExportListOptions {
  readonly status?: StoredExport['status'];
  /** A positive whole number (the API caps it). */
  readonly limit: number;
  /** The createdAt/id of the last item of the previous page. */
  readonly before?: { readonly createdAt: string; readonly id: string };
}

/**
 * Export requests. The two-person rule holds in the store: a decision names a decider other than the requester
 * and applies only to a still-pending export, atomically, so two approvers racing cannot both decide.
 */
export interface ExportStore {
  /** Stores a new pending export and returns it; CONFLICT, with nothing changed, when the id exists. */
  create(input: NewExport): Awaitable<StoredExport>;
  get(tenantId: string, id: string): Awaitable<StoredExport | null>;
  /** Newest first (createdAt, then id, both descending in byte order). */
  list(tenantId: string, options: ExportListOptions): Awaitable<StoredExport[]>;
  /**
   * Approves or rejects a pending export decided by someone other than its requester. Returns the updated export,
   * or null when it is unknown, no longer pending or the decider is the requester (nothing changes then).
   */
  decide(tenantId: string, id: string, decision: ExportDecision): Awaitable<StoredExport | null>;
  /** Counts one download (atomically, however many run at once) and remembers when; an unknown id changes nothing. */
  recordDownload(tenantId: string, id: string, at: string): Awaitable<void>;
}
