import type { Agent, Call, CallStatus, Channel, CrmLink, CrmName, Direction, Tenant } from './call';
import { CallsightError } from '../shared/errors';
import type { Speaker, Transcript } from '../analysis/transcript.types';
import type { SegmentHit } from '../search/highlight';

/** Filters of the call list; every field narrows the result (AND). Instants are ISO-8601 UTC. */
export interface CallFilter {
  readonly from?: string;
  readonly to?: string;
  readonly agentId?: string;
  readonly customerPhone?: string;
  readonly direction?: Direction;
  readonly channel?: Channel;
  readonly inquiryType?: string;
  readonly tag?: string;
  readonly status?: CallStatus;
  /** A risk flag code written by analysis (table call_flags). */
  readonly flag?: string;
  /** Inclusive bounds on the call's latest QA score (see recordCallScore); calls without a score never match. */
  readonly scoreMin?: number;
  readonly scoreMax?: number;
}

/**
 * A call search: the filters, plus `q` (transcript keywords, see core/search parseSearchQuery) optionally
 * limited to one speaker, sorted by time (newest first, default) or by relevance (needs `q`).
 */
export interface CallSearch {
  readonly filter: CallFilter;
  readonly q?: string;
  readonly speaker?: Speaker;
  readonly sort?: 'time' | 'relevance';
  /** Most highlighted segments per call (default 3). */
  readonly maxHitsPerCall?: number;
}

/** One call found by a search; `hits` holds the matching segments when `q` was given, else is empty. */
export interface CallSearchHit {
  readonly call: Call;
  readonly hits: readonly SegmentHit[];
}

/**
 * Which calls a reader may reach, applied inside the query so that a call outside it is never counted,
 * paged or returned. `all` is the whole tenant; the other fields are ORed together.
 */
export type CallScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'restricted';
      readonly agentIds?: readonly string[];
      readonly teams?: readonly string[];
      readonly queues?: readonly string[];
      /** Calls assigned to this reviewer for QA review. */
      readonly reviewerId?: string;
    };

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

/** A message written in the same transaction as the call, drained later by a worker (invariant 1). */
export interface NewOutboxMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
}

/**
 * Outbox messages a store writes in the same transaction as its change (invariant 1), due at `at` (ISO-8601 UTC):
 * both are stored or neither.
 */
export interface OutboxEffects {
  readonly outbox: readonly NewOutboxMessage[];
  readonly at: string;
}

/** A job queued in the same transaction as the call (transcription, analysis, CRM sync...). */
export interface NewJob {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
}

/**
 * The prefix a CRM's customer tags carry on a call (`sf:type:Customer`): it marks them as that CRM's, so a re-sync
 * replaces exactly them and never a tag given at ingest. Ingest tags should not start with these prefixes.
 */
export const CRM_TAG_PREFIXES: Readonly<Record<CrmName, string>> = { salesforce: 'sf:', zendesk: 'zd:' };

/** Longest customer tag a CRM may put on a call (with its prefix). */
export const MAX_CRM_TAG_LENGTH = 200;
/** Most customer tags one CRM may put on a call. */
export const MAX_CRM_TAGS = 100;

/**
 * The call's tags after `crm` answered `tags` (unprefixed, e.g. `type:Customer`): the tags not of that CRM first, in
 * their order, then the CRM's tags prefixed, de-duplicated and sorted. Throws VALIDATION_FAILED (naming no value)
 * for an empty or over-long tag or too many tags.
 */
export function mergeCrmTags(current: readonly string[], crm: CrmName, tags: readonly string[]): string[] {
  const prefix = CRM_TAG_PREFIXES[crm];
  const fresh = [...new Set(tags.map((tag) => `${prefix}${tag.trim()}`))].sort();
  if (fresh.length > MAX_CRM_TAGS) throw new CallsightError('VALIDATION_FAILED', `at most ${MAX_CRM_TAGS} customer tags per CRM`);
  for (const tag of fresh) {
    if (tag.length === prefix.length || tag.length > MAX_CRM_TAG_LENGTH) {
      throw new CallsightError('VALIDATION_FAILED', `a customer tag must be 1-${MAX_CRM_TAG_LENGTH - prefix.length} characters`);
    }
  }
  return [...current.filter((tag) => !tag.startsWith(prefix)), ...fresh];
}

/** A call that names a stored recording, as listed for storage verification (no personal data). */
export interface RecordedCall {
  readonly callId: string;
  readonly status: CallStatus;
  readonly keyId: string;
  readonly bytes: number;
}

export type InsertCallOutcome = { readonly inserted: true; readonly call: Call } | { readonly inserted: false; readonly call: Call };

/**
 * Durable store of tenants, agents and call metadata. Every read takes the tenant id and a scope;
 * no method returns data of another tenant.
 */
export interface CallRepository {
  upsertTenant(tenant: Tenant): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | null>;
  listTenants(): Promise<readonly Tenant[]>;

  upsertAgent(agent: Agent): Promise<void>;
  listAgents(tenantId: string): Promise<readonly Agent[]>;
  getAgent(tenantId: string, agentId: string): Promise<Agent | null>;

  findByProviderCallId(tenantId: string, provider: string, providerCallId: string): Promise<Call | null>;
  /**
   * Inserts the call together with its outbox messages and jobs, atomically. When (tenant, provider,
   * providerCallId) already exists nothing is written and the existing call is returned.
   */
  insertCall(call: Call, effects?: { outbox?: readonly NewOutboxMessage[]; jobs?: readonly NewJob[] }): Promise<InsertCallOutcome>;
  getCall(tenantId: string, callId: string, scope: CallScope): Promise<Call | null>;
  listCalls(tenantId: string, filter: CallFilter, scope: CallScope, page: PageRequest): Promise<Page<Call>>;
  countCalls(tenantId: string): Promise<number>;
  updateCallStatus(tenantId: string, callId: string, status: CallStatus): Promise<void>;
  setCrmLinks(tenantId: string, callId: string, links: readonly CrmLink[]): Promise<void>;
  /**
   * Replaces the customer tags `crm` gave the call by `tags` (unprefixed; stored as mergeCrmTags says, with the CRM's
   * prefix), on the call and in the tag filter's index alike, atomically; tags given at ingest and other CRMs' tags
   * stay. Returns the call's tags now, or null (nothing written) when the call does not exist. VALIDATION_FAILED for
   * a bad tag, with nothing changed.
   */
  replaceCrmTags(tenantId: string, callId: string, crm: CrmName, tags: readonly string[]): Promise<readonly string[] | null>;

  /**
   * Filters plus transcript keywords, with the scope applied inside the query. Pages through every hit
   * exactly once while the data does not change (keyset cursors for both sorts). Throws CallsightError
   * VALIDATION_FAILED for a bad `q`, a bad cursor, or `sort: 'relevance'` without `q`.
   */
  searchCalls(tenantId: string, search: CallSearch, scope: CallScope, page: PageRequest): Promise<Page<CallSearchHit>>;
  /** (Re)indexes a call's transcript for keyword search; replaces any earlier index entry of the call. */
  indexTranscript(tenantId: string, callId: string, transcript: Transcript): Promise<void>;
  /** Removes a call's transcript from the search index (retention purge); no-op when not indexed. */
  removeFromIndex(tenantId: string, callId: string): Promise<void>;
  /**
   * Records the call's latest QA score (used by the score filter); `null` removes it. `effects` (outbox messages) are
   * written in the same transaction: both are stored or neither.
   */
  recordCallScore(tenantId: string, callId: string, score: number | null, at: string, effects?: OutboxEffects): Promise<void>;
  /**
   * Replaces the call's risk flags (used by the flag filter). The SQLite analysis pipeline writes the same
   * rows through SqliteTranscriptStore.saveAnalysis; other stores need this call.
   */
  replaceCallFlags(tenantId: string, callId: string, flags: readonly string[]): Promise<void>;

  /**
   * Which of `callIds` are calls of the tenant that still reference their audio (any status but `deleted`, whose
   * tombstone references none). One indexed lookup per batch; for crash recovery and storage GC.
   */
  existingCallIds(tenantId: string, callIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Which of `keyIds` some call of the tenant names as its recording's data key (archived calls included). */
  usedKeyIds(tenantId: string, keyIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** The tenant's calls that name a recording, ordered by call id, after `afterCallId` (keyset paging). */
  listRecordedCalls(tenantId: string, afterCallId: string | null, limit: number): Promise<readonly RecordedCall[]>;
}
