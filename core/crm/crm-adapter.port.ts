import type { CrmLink, CrmName, Direction } from '../recordings/call';

/** A customer (a person record) found in a CRM. */
export interface CrmCustomer {
  readonly crm: CrmName;
  /** The CRM's own id of the person record (Zendesk user id, Salesforce Contact id). */
  readonly id: string;
  readonly name: string | null;
  /** How many CRM records matched the phone number; the adapter picked `id` by a documented, stable rule. */
  readonly matchCount: number;
}

/** Where the call's audio is: hot storage, the archive tier, or crypto-shredded (the record stays as a tombstone). */
export type CrmRecordingStatus = 'stored' | 'archived' | 'deleted';

/**
 * Whether the call's analysis is on the record: `pending` (a transcription or analysis is still to come), `done`
 * (risk, flags and emotion are the analysis's), `none` (the tenant analyses nothing, or the analysis was purged).
 */
export type CrmAnalysisStatus = 'pending' | 'done' | 'none';

/**
 * What the hub puts on the customer in the CRM for one call. Never carries audio, a raw audio URL,
 * a transcript or a token: `appLink` opens the Callsight app inside the CRM, which enforces the permission model.
 * Instants are ISO-8601 UTC; durations are seconds. The same record is sent again whenever the call changes
 * (analysis done, score published or revised, recording archived or shredded): adapters upsert by `hubCallId`.
 */
export interface CrmCallRecord {
  /** The hub's call id; the CRM side upserts by it (external id), so recording twice is harmless. */
  readonly hubCallId: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly direction: Direction;
  readonly agentName: string | null;
  readonly inquiryType: string | null;
  /** Default `done` (the risk and flags given are the analysis's). Adapters show no risk while it is not `done`. */
  readonly analysis?: CrmAnalysisStatus;
  /** Stable flag codes, e.g. `SENSITIVE_WORD`, `MISSING_SCRIPT`. */
  readonly flags: readonly string[];
  /** Risk score in [0, 1]; meaningful only when `analysis` is `done`. */
  readonly risk: number;
  /** The customer's overall emotion label from the analysis (`negative`, `neutral`, ...), or null. */
  readonly customerEmotion?: string | null;
  /** QA score in [0, 100] once the call has been reviewed. */
  readonly score?: number | null;
  /** Default `stored`. */
  readonly recordingStatus?: CrmRecordingStatus;
  /**
   * Link that opens the call in the Callsight app inside this CRM (Zendesk: the app's nav bar location with the call
   * preselected), https, never a media file, a hub page needing its own login or a signed URL. Null when the CRM
   * record is itself the place the call opens (Salesforce: the `Call_Recording__c` page, linked by the adapter).
   */
  readonly appLink: string | null;
  /** This CRM's id of the call's own record, known from an earlier delivery; null or absent on the first. */
  readonly crmRecordId?: string | null;
  /** E.164, or null when the number was withheld (then no customer is looked up). */
  readonly customerPhone: string | null;
}

/** Where the call now lives in the CRM; the hub stores these as the call's `crmLinks`. */
export interface CrmLinkResult {
  readonly crm: CrmName;
  readonly customer: CrmCustomer | null;
  /** The call record itself first, then the customer, then a ticket carrying a note, when present. */
  readonly links: readonly CrmLink[];
  /** The URL that opens the call inside the CRM (Salesforce record page, Zendesk app location), when known. */
  readonly callUrl?: string | null;
  /** Tags read from the customer's CRM record (`label:value`), for the content x tags insights; absent when the CRM reads none. */
  readonly customerTags?: readonly string[];
}

/** One call's result in a batch: its links, or the typed failure of that call alone. */
export type CrmCallOutcome =
  | { readonly hubCallId: string; readonly ok: true; readonly result: CrmLinkResult }
  | { readonly hubCallId: string; readonly ok: false; readonly error: unknown };

/** A QA evaluation of a call as a CRM keeps it (Salesforce `Call_Evaluation__c`, child of the call's record). */
export interface CrmEvaluationRecord {
  readonly hubEvaluationId: string;
  readonly hubCallId: string;
  readonly scorecard: string;
  readonly scorecardVersion: string;
  readonly sectionScores: readonly { readonly section: string; readonly score: number }[];
  readonly totalScore: number;
  readonly reviewerName: string | null;
  /** `published` (counts), `superseded` (replaced after a dispute). */
  readonly status: string;
  /** `none`, `open`, `upheld`, `overturned`. */
  readonly disputeState: string | null;
}

/** One evaluation's result in a batch. */
export type CrmEvaluationOutcome =
  | { readonly hubEvaluationId: string; readonly ok: true; readonly id: string }
  | { readonly hubEvaluationId: string; readonly ok: false; readonly error: unknown };

/**
 * A CRM that calls are recorded on. One instance serves every tenant: credentials are looked up per
 * `tenantId` inside the adapter.
 *
 * Failures are the typed errors of `crm.errors.ts`: `CrmRateLimitedError` (retry after the given
 * delay), `CrmUnavailableError` (transient), `CrmAuthError` (credentials wrong or lacking permission),
 * `CrmRejectedError` (the CRM refuses this input; retrying the same input will not help) and
 * `CrmNotConfiguredError` (this tenant has no connection to this CRM).
 */
export interface CrmAdapter {
  readonly crm: CrmName;
  /** The best match for an E.164 number, or null when none; the choice among several matches is stable. */
  findCustomerByPhone(tenantId: string, e164: string): Promise<CrmCustomer | null>;
  /**
   * Creates or updates the call's record on the customer. Idempotent: calling it again with the same
   * `hubCallId` updates the same record and never adds a second note.
   */
  recordCall(tenantId: string, call: CrmCallRecord): Promise<CrmLinkResult>;
  /**
   * Optional batch form of `recordCall` for CRMs whose API takes many records a request. Never rejects for a CRM
   * failure: each call gets its own outcome, in the order given. The outbox drain uses it when present.
   */
  recordCalls?(tenantId: string, calls: readonly CrmCallRecord[]): Promise<CrmCallOutcome[]>;
  /** Optional: upserts QA evaluations by `hubEvaluationId` under their call's record; one outcome per evaluation, in order. */
  recordEvaluations?(tenantId: string, evaluations: readonly CrmEvaluationRecord[]): Promise<CrmEvaluationOutcome[]>;
}
