/**
 * The Salesforce session exchange (issue 14): the package's Apex `CallsightSessionController.getSession()` posts a
 * 60-second RS256 assertion signed with the org's certificate to `POST /api/v1/salesforce/session`; the hub
 * verifies it (certificate registered with `callsight tenant add --salesforce-org 00D... --cert-file F`, issuer,
 * audience, expiry, replay by `jti`), maps the permission sets to a role and answers with its own session for the
 * widget. Refusals are `{error: {code, message}}` with 401 (bad assertion) or 403 (no Callsight permission set).
 */
import * as z from 'zod/mini';

/** The path the Apex callout reaches through the `Callsight_Hub` Named Credential. */
export const SALESFORCE_SESSION_PATH = '/api/v1/salesforce/session';

/** Longest assertion lifetime the package issues, in seconds (`exp` minus the signing time). */
export const SALESFORCE_ASSERTION_LIFETIME_S = 60;

/** Permission sets of the package and the hub role each grants; a user with several gets the first in this order. */
export const SALESFORCE_PERMISSION_SET_ROLES = {
  Callsight_Admin: 'admin',
  Callsight_Manager: 'manager',
  Callsight_QA: 'qa',
  Callsight_Agent: 'agent',
} as const;
export type SalesforcePermissionSet = keyof typeof SALESFORCE_PERMISSION_SET_ROLES;

const salesforceId = z.string().check(z.regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/));

/** Request body. */
export const salesforceSessionRequestSchema = z.strictObject({
  /** Compact JWS: header `{"alg":"RS256"}`, claims below, signed with the org certificate's key. */
  assertion: z.string().check(z.minLength(20), z.maxLength(8192)),
});
export type SalesforceSessionRequest = z.infer<typeof salesforceSessionRequestSchema>;

/**
 * Claims of the assertion as Apex `Auth.JWT` writes them: `iss` the 18-character org id, `sub` the 18-character
 * user id, `aud` the hub URL from Callsight_Setting (origin, no trailing slash), `exp` (seconds) at most 60 s after
 * signing, a fresh `jti`, the user's Callsight permission sets (unprefixed names) and, when the User field
 * `Callsight_Agent_Id__c` is filled, the telephony agent id.
 */
export const salesforceAssertionClaimsSchema = z.object({
  iss: salesforceId,
  sub: salesforceId,
  aud: z.string(),
  exp: z.number(),
  nbf: z.optional(z.number()),
  jti: z.string().check(z.minLength(8), z.maxLength(128)),
  permission_sets: z.array(z.enum(['Callsight_Admin', 'Callsight_Manager', 'Callsight_QA', 'Callsight_Agent'])),
  agent_id: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
export type SalesforceAssertionClaims = z.infer<typeof salesforceAssertionClaimsSchema>;

/** 200 answer: the hub's own session for the widget. */
export const salesforceSessionResponseSchema = z.object({
  token: z.string().check(z.minLength(1)),
  /** ISO 8601. */
  expiresAt: z.iso.datetime({ offset: true }),
  role: z.enum(['agent', 'qa', 'manager', 'admin']),
  tenantId: z.string().check(z.minLength(1)),
});
export type SalesforceSessionResponse = z.infer<typeof salesforceSessionResponseSchema>;
