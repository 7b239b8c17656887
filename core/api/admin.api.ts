import * as z from 'zod/mini';

/**
 * The admin setup screen's part of the hub's API contract: the dry run of a proposed retention policy, the
 * "try a sentence" lexicon check and the connection tests. Request schemas parse what arrives; response schemas
 * describe what the hub sends. Written with zod/mini so the admin widget chunk can import it.
 */

// ---- requests ----

/** `POST /api/v1/admin/retention/preview`: the policy an admin is about to save (the `PUT /api/v1/retention/policy` body). */
export const retentionPreviewRequestSchema = z.strictObject({
  policy: z.unknown(),
  sample: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(1000)), 50),
});
export type RetentionPreviewRequest = z.input<typeof retentionPreviewRequestSchema>;

/**
 * `POST /api/v1/admin/lexicon/try`: one sentence (at most 2,000 characters) screened as `speaker` said it, with the
 * tenant's saved analysis settings, or with `settings` when given (a proposal not yet saved).
 */
export const tryLexiconRequestSchema = z.strictObject({
  sentence: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
  speaker: z._default(z.enum(['agent', 'customer']), 'agent'),
  /** Checked against `analysisSettingsSchema` (core/api/analysis.api.ts) by the use-case, so this file stays light for widgets. */
  settings: z.optional(z.record(z.string(), z.unknown())),
});
export type TryLexiconRequest = z.input<typeof tryLexiconRequestSchema>;

/** The outside services an admin can test: the CRMs, the telephony provider and the transcription provider. */
export const CONNECTION_KINDS = ['zendesk', 'salesforce', 'twilio', 'transcription'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** `POST /api/v1/admin/connections/:kind/test`. */
export const connectionParamsSchema = z.object({ kind: z.enum(CONNECTION_KINDS) });

/** `GET /api/v1/admin/crm-users?query=`: staff whose name or email matches (1-100 characters). */
export const crmUserSearchQuerySchema = z.strictObject({ query: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)) });

/** `GET /api/v1/admin/zendesk-roles?subdomain=`: which Zendesk installation. */
export const zendeskRolesQuerySchema = z.strictObject({ subdomain: z.string().check(z.trim(), z.minLength(1), z.maxLength(63)) });

/** `PUT /api/v1/admin/zendesk-roles`: set Zendesk roles, grant users (`{role, agentId?}`), remove users. */
export const zendeskRolesUpdateSchema = z.strictObject({
  subdomain: z.string().check(z.minLength(1), z.maxLength(63)),
  roles: z.optional(z.record(z.string(), z.string())),
  users: z.optional(z.record(z.string(), z.object({ role: z.string(), agentId: z.optional(z.string()) }))),
  removeUsers: z.optional(z.array(z.string())),
});
export type ZendeskRolesUpdate = z.input<typeof zendeskRolesUpdateSchema>;

// ---- responses ----

const countsSchema = z.object({
  keep: z.number().check(z.int(), z.minimum(0)),
  archive: z.number().check(z.int(), z.minimum(0)),
  delete: z.number().check(z.int(), z.minimum(0)),
  held: z.number().check(z.int(), z.minimum(0)),
});

/**
 * A dry-run plan as the admin screen reads it (the full shape is `retentionPlanSchema` in retention.api.ts, which
 * brings classic zod through the policy parser; this one stays zod/mini for the widget chunk).
 */
export const retentionPlanReadSchema = z.looseObject({
  tenantId: z.string(),
  policy: z.object({ name: z.string(), source: z.enum(['preset', 'custom']), version: z.number().check(z.int(), z.minimum(0)) }),
  now: z.string(),
  total: z.number().check(z.int(), z.minimum(0)),
  counts: countsSchema,
  byRule: z.record(z.string(), countsSchema),
  heldBack: z.object({ archive: z.number().check(z.int()), delete: z.number().check(z.int()) }),
  firstAffected: z.array(z.looseObject({ callId: z.string() })),
});
export type RetentionPlanRead = z.infer<typeof retentionPlanReadSchema>;

/** The proposed policy's plan beside the plan of the policy in force (same instant, same holds). */
export const retentionPreviewSchema = z.object({ proposed: retentionPlanReadSchema, current: retentionPlanReadSchema });
export type RetentionPreviewBody = z.infer<typeof retentionPreviewSchema>;

const hitSchema = z.object({
  term: z.string(),
  category: z.nullable(z.string()),
  severity: z.enum(['low', 'medium', 'high']),
  start: z.number().check(z.int(), z.minimum(0)),
  end: z.number().check(z.int(), z.minimum(0)),
});

/** What the analysis finds in the sentence: sensitive hits, hits cleared by negation or a disclaimer, and the scripts it satisfies. */
export const tryLexiconResponseSchema = z.object({
  language: z.enum(['zh', 'en']),
  source: z.enum(['saved', 'proposed']),
  sensitive: z.array(hitSchema),
  cleared: z.array(z.extend(hitSchema, { clearedBy: z.enum(['negation', 'disclaimer']) })),
  scripts: z.array(z.object({ id: z.string(), label: z.string(), required: z.boolean(), score: z.number() })),
});
export type TryLexiconBody = z.infer<typeof tryLexiconResponseSchema>;

/** One connection's state: `not_configured`, or the outcome of a cheap authenticated call (`ok` / `error` with its code). Never a secret. */
export const connectionStatusSchema = z.object({
  kind: z.enum(CONNECTION_KINDS),
  status: z.enum(['ok', 'error', 'not_configured']),
  code: z.nullable(z.string()),
  /** What was reached, without credentials (a subdomain, an org id, a host name). */
  target: z.nullable(z.string()),
  checkedAt: z.string(),
});
export type ConnectionStatusBody = z.infer<typeof connectionStatusSchema>;

/** `GET /api/v1/retention/policy` as the admin screen reads it: which policy is in force (rules left to the hub). */
export const retentionPolicyReadSchema = z.looseObject({
  source: z.enum(['preset', 'custom']),
  preset: z.nullable(z.enum(['general', 'finance', 'medical', 'ecommerce', 'education'])),
  version: z.number().check(z.int(), z.minimum(0)),
  updatedAt: z.nullable(z.string()),
  policy: z.looseObject({ name: z.string(), rules: z.array(z.looseObject({ id: z.string() })) }),
});
export type RetentionPolicyRead = z.infer<typeof retentionPolicyReadSchema>;

/** A legal hold as the admin screen lists it (`GET /api/v1/legal-holds`). */
export const legalHoldReadSchema = z.looseObject({
  id: z.string(),
  by: z.looseObject({ kind: z.enum(['calls', 'customer', 'agent', 'filter']) }),
  reason: z.string(),
  author: z.string(),
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  active: z.boolean(),
});
export type LegalHoldRead = z.infer<typeof legalHoldReadSchema>;
export const legalHoldPageReadSchema = z.object({ items: z.array(legalHoldReadSchema), nextCursor: z.nullable(z.string()) });

/** `GET /api/v1/admin/connections`: whether each connection is configured (no outside call is made). */
export const connectionListSchema = z.object({ items: z.array(connectionStatusSchema) });
export type ConnectionListBody = z.infer<typeof connectionListSchema>;

/** Zendesk staff for the role-mapping picker: the CRM's own id, name, email and CRM role. */
export const crmUserListSchema = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), email: z.nullable(z.string()), role: z.string() })),
});
export type CrmUserListBody = z.infer<typeof crmUserListSchema>;

const ROLES = ['agent', 'qa', 'manager', 'admin', 'auditor'] as const;

/** How a Zendesk installation's users and roles map to Callsight roles (`PUT` answers the same). */
export const zendeskRolesSchema = z.object({
  roles: z.record(z.string(), z.enum([...ROLES, 'none'])),
  users: z.record(
    z.string(),
    z.object({ role: z.enum(ROLES), agentId: z.optional(z.string()), teams: z.optional(z.array(z.string())), queues: z.optional(z.array(z.string())) }),
  ),
});
export type ZendeskRolesBody = z.infer<typeof zendeskRolesSchema>;

// ---- the scorecard editor and the sampling editor ----

/**
 * `POST /api/v1/admin/scorecards/:id/check`: a proposed revision (the `PUT /api/v1/scorecards/:id` body) checked the
 * way saving it would, nothing stored. Left unknown here: the use-case parses it, so that every problem comes back
 * as a message the editor shows rather than a bare 400.
 */
export const scorecardCheckRequestSchema = z.strictObject({ revision: z.unknown() });
export type ScorecardCheckRequest = z.input<typeof scorecardCheckRequestSchema>;

/** The hub's verdict on a proposed scorecard revision: the version it would become, or why it would be refused. */
export const scorecardCheckSchema = z.object({
  valid: z.boolean(),
  /** The version number saving it would create. */
  nextVersion: z.number().check(z.int(), z.minimum(2)),
  /** Where (a field path, `''` for the whole card) and what, in the hub's words; empty when valid. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ScorecardCheckBody = z.infer<typeof scorecardCheckSchema>;
