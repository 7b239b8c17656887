import * as z from 'zod/mini';
import { ruleMatchSchema, retentionPolicySchema } from '../retention/retention.policy';
import { cursorSchema, pageSchema } from './common.api';

/**
 * The retention part of the hub's API contract (docs/retention.md): the tenant policy, the dry-run plan, the sweep,
 * legal holds and the admin deletion of a call. Request schemas parse what arrives (query strings are text, so
 * numbers are coerced); response schemas describe what the hub sends.
 */

const INDUSTRY_PRESETS = ['general', 'finance', 'medical', 'ecommerce', 'education'] as const;

// ---- requests ----

/** `GET /api/v1/retention/plan?sample=`: how many affected calls to list (0..1000, default 50). */
export const retentionPlanQuerySchema = z.strictObject({ sample: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1000)), 50) });
export type RetentionPlanQuery = z.infer<typeof retentionPlanQuerySchema>;

const keepDaysSchema = z.number().check(z.int(), z.minimum(1), z.maximum(36_500));

/** Options of an industry preset (ecommerce promotion windows, medical years...). */
export const retentionPresetOptionsSchema = z.strictObject({
  expiry: z.optional(z.enum(['archive', 'delete'])),
  misdialKeepDays: z.optional(keepDaysSchema),
  medicalYears: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(5))),
  archiveAfterDays: z.optional(z.nullable(keepDaysSchema)),
  promotionWindows: z.optional(
    z.array(z.strictObject({ from: z.string(), to: z.string(), name: z.optional(z.string().check(z.maxLength(200))) })).check(z.maxLength(1000)),
  ),
  refundEnrolmentKeywords: z.optional(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(200)),
  ),
});

/** `PUT /api/v1/retention/policy` with a preset: `{ preset, options? }`. */
export const retentionPresetBodySchema = z.strictObject({ preset: z.enum(INDUSTRY_PRESETS), options: z.optional(retentionPresetOptionsSchema) });

/**
 * `PUT /api/v1/retention/policy`: a preset with its options, or the rules written by an admin (`{ name, rules }`).
 * A body with a `preset` key is read as a preset, anything else as rules, so each gets its own error message.
 */
export const retentionPolicyBodySchema = z.union([retentionPresetBodySchema, retentionPolicySchema]);

/** `POST /api/v1/retention/sweep`: no options over HTTP (an empty body or `{}`). */
export const retentionSweepBodySchema = z.strictObject({});

/** `GET /api/v1/legal-holds?active=&limit=&cursor=`. */
export const legalHoldsQuerySchema = z.strictObject({
  active: z.optional(z.enum(['true', 'false'])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
  cursor: z.optional(cursorSchema),
});
export type LegalHoldsQuery = z.infer<typeof legalHoldsQuerySchema>;

/** `POST /api/v1/legal-holds`: what to hold (call ids, a customer by phone in any common form or CRM id, an agent, a filter), why, until when. */
export const placeLegalHoldBodySchema = z.strictObject({
  by: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('calls'), callIds: z.array(z.string()).check(z.minLength(1), z.maxLength(1_000_000)) }),
    z.strictObject({
      kind: z.literal('customer'),
      phone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
      crmId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    }),
    z.strictObject({ kind: z.literal('agent'), agentId: z.string().check(z.minLength(1), z.maxLength(200)) }),
    z.strictObject({ kind: z.literal('filter'), filter: ruleMatchSchema }),
  ]),
  reason: z.string(),
  expiresAt: z.optional(z.nullable(z.string())),
});
export type PlaceLegalHoldBody = z.infer<typeof placeLegalHoldBodySchema>;

// ---- responses ----

const countsSchema = z.object({ keep: z.number().check(z.int()), archive: z.number().check(z.int()), delete: z.number().check(z.int()), held: z.number().check(z.int()) });

/** The tenant's policy as the API shows it: saved, or its industry's preset (version 0). */
export const retentionPolicyViewSchema = z.object({
  tenantId: z.string(),
  source: z.enum(['preset', 'custom']),
  preset: z.nullable(z.enum(INDUSTRY_PRESETS)),
  version: z.number().check(z.int(), z.minimum(0)),
  updatedBy: z.nullable(z.string()),
  updatedAt: z.nullable(z.string()),
  policy: retentionPolicySchema,
});
export type RetentionPolicyViewBody = z.infer<typeof retentionPolicyViewSchema>;

const decisionSchema = z.object({
  action: z.enum(['keep', 'archive', 'delete', 'held']),
  at: z.nullable(z.string()),
  ruleId: z.nullable(z.string()),
  basis: z.enum(['rule', 'no_rule', 'already_deleted', 'legal_hold']),
  holdIds: z.optional(z.array(z.string())),
  heldFrom: z.optional(z.enum(['keep', 'archive', 'delete'])),
});

/** The dry run: what a sweep now would do, per action and per rule, with the first affected calls. */
export const retentionPlanSchema = z.object({
  tenantId: z.string(),
  policy: z.object({ name: z.string(), source: z.enum(['preset', 'custom']), version: z.number().check(z.int(), z.minimum(0)) }),
  now: z.string(),
  total: z.number().check(z.int(), z.minimum(0)),
  counts: countsSchema,
  byRule: z.record(z.string(), countsSchema),
  heldBack: z.object({ archive: z.number().check(z.int()), delete: z.number().check(z.int()) }),
  firstAffected: z.array(z.object({ callId: z.string(), decision: decisionSchema })),
});
export type RetentionPlanBody = z.infer<typeof retentionPlanSchema>;

/** One sweep of a tenant: what it did, and whether it finished (false: interrupted, run again to resume). */
export const retentionSweepSchema = z.object({
  tenantId: z.string(),
  sweepId: z.string(),
  decidedAt: z.string(),
  resumed: z.boolean(),
  completed: z.boolean(),
  processed: z.number().check(z.int(), z.minimum(0)),
  counts: countsSchema,
  completedPending: z.number().check(z.int(), z.minimum(0)),
  policyVersion: z.number().check(z.int(), z.minimum(0)),
});
export type RetentionSweepBody = z.infer<typeof retentionSweepSchema>;

/** A legal hold as shown to a reader (phone numbers masked for everyone but admins), with whether it is in force now. */
export const legalHoldViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  by: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('calls'), callIds: z.array(z.string()) }),
    z.object({ kind: z.literal('customer'), phone: z.optional(z.string()), crmId: z.optional(z.string()) }),
    z.object({ kind: z.literal('agent'), agentId: z.string() }),
    z.object({ kind: z.literal('filter'), filter: ruleMatchSchema }),
  ]),
  reason: z.string(),
  author: z.string(),
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  releasedAt: z.nullable(z.string()),
  releasedBy: z.nullable(z.string()),
  active: z.boolean(),
});
export type LegalHoldViewBody = z.infer<typeof legalHoldViewSchema>;

export const legalHoldPageSchema = pageSchema(legalHoldViewSchema);

/** `DELETE /api/v1/calls/:id`: what is left of the call (its audio digest, never the audio). */
export const callDeletionSchema = z.object({
  callId: z.string(),
  status: z.literal('deleted'),
  deletedAt: z.string(),
  ruleId: z.nullable(z.string()),
  basis: z.enum(['policy', 'admin']),
  audioSha256: z.nullable(z.string()),
});
export type CallDeletionBody = z.infer<typeof callDeletionSchema>;
