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

/**
 * What the hub puts on the customer in the CRM for one call. Never carries audio, a raw audio URL,
 * a transcript or a token: `appLink` opens the Callsight app, which enforces the permission model.
 * Instants are ISO-8601 UTC; durations are seconds.
 */
export interface CrmCallRecord {
  /** The hub's call id; the CRM side upserts by it (external id), so recording twice is harmless. */
  readonly hubCallId: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly direction: Direction;
  readonly agentName: string | null;
  readonly inquiryType: string | null;
  /** Stable flag codes, e.g. `SENSITIVE_WORD`, `MISSING_SCRIPT`. */
  readonly flags: readonly string[];
  /** Risk score in [0, 1]. */
  readonly risk: number;
  /** QA score in [0, 100] once the call has been reviewed. */
  readonly score?: number | null;
  /** Deep link that opens the call in the Callsight app (https; never a media file or a signed URL). */
  readonly appLink: string;
  /** E.164, or null when the number was withheld (then no customer is looked up). */
  readonly customerPhone: string | null;
}

/** Where the call now lives in the CRM; the hub stores these as the call's `crmLinks`. */
export interface CrmLinkResult {
  readonly crm: CrmName;
  readonly customer: CrmCustomer | null;
  /** The call record itself first, then the customer, then a ticket carrying a note, when present. */
  readonly links: readonly CrmLink[];
}

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
}
