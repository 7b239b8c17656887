import { z } from 'zod';
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
export const retentionPlanQuerySchema = z.object({ sample: z.coerce.number().int().min(0).max(1000).default(50) }).strict();
export type RetentionPlanQuery = z.infer<typeof retentionPlanQuerySchema>;

/** Options of an industry preset (ecommerce promotion windows, medical years...). */
export const retentionPresetOptionsSchema = z
  .object({
    expiry: z.enum(['archive', 'delete']).optional(),
    misdialKeepDays: z.number().int().min(1).max(36_500).optional(),
    medicalYears: z.number().int().min(1).max(5).optional(),
    archiveAfterDays: z.number().int().min(1).max(36_500).nullable().optional(),
    promotionWindows: z.array(z.object({ from: z.string(), to: z.string(), name: z.string().max(200).optional() }).strict()).max(1000).optional(),
    refundEnrolmentKeywords: z.array(z.string().trim().min(1).max(200)).min(1).max(200).optional(),
  })
  .strict();

/** `PUT /api/v1/retention/policy` with a preset: `{ preset, options? }`. */
export const retentionPresetBodySchema = z.object({ preset: z.enum(INDUSTRY_PRESETS), options: retentionPresetOptionsSchema.optional() }).strict();

/**
 * `PUT /api/v1/retention/policy`: a preset with its options, or the rules written by an admin (`{ name, rules }`).
 * A body with a `preset` key is read as a preset, anything else as rules, so each gets its own error message.
 */
export const retentionPolicyBodySchema = z.union([retentionPresetBodySchema, retentionPolicySchema]);

/** `POST /api/v1/retention/sweep`: no options over HTTP (an empty body or `{}`). */
export const retentionSweepBodySchema = z.object({}).strict();

/** `GET /api/v1/legal-holds?active=&limit=&cursor=`. */
export const legalHoldsQuerySchema = z
  .object({
    active: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: cursorSchema.optional(),
  })
  .strict();
export type LegalHoldsQuery = z.infer<typeof legalHoldsQuerySchema>;

/** `POST /api/v1/legal-holds`: what to hold (call ids, a customer by phone in any common form or CRM id, an agent, a filter), why, until when. */
export const placeLegalHoldBodySchema = z
  .object({
    by: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('calls'), callIds: z.array(z.string()).min(1).max(1_000_000) }).strict(),
      z.object({ kind: z.literal('customer'), phone: z.string().min(1).max(64).optional(), crmId: z.string().min(1).max(200).optional() }).strict(),
      z.object({ kind: z.literal('agent'), agentId: z.string().min(1).max(200) }).strict(),
      z.object({ kind: z.literal('filter'), filter: ruleMatchSchema }).strict(),
    ]),
    reason: z.string(),
    expiresAt: z.string().nullable().optional(),
  })
  .strict();
export type PlaceLegalHoldBody = z.infer<typeof placeLegalHoldBodySchema>;

// ---- responses ----

const countsSchema = z.object({ keep: z.number().int(), archive: z.number().int(), delete: z.number().int(), held: z.number().int() });

/** The tenant's policy as the API shows it: saved, or its industry's preset (version 0). */
export const retentionPolicyViewSchema = z.object({
  tenantId: z.string(),
  source: z.enum(['preset', 'custom']),
  preset: z.enum(INDUSTRY_PRESETS).nullable(),
  version: z.number().int().min(0),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  policy: retentionPolicySchema,
});
export type RetentionPolicyViewBody = z.infer<typeof retentionPolicyViewSchema>;

const decisionSchema = z.object({
  action: z.enum(['keep', 'archive', 'delete', 'held']),
  at: z.string().nullable(),
  ruleId: z.string().nullable(),
  basis: z.enum(['rule', 'no_rule', 'already_deleted', 'legal_hold']),
  holdIds: z.array(z.string()).optional(),
  heldFrom: z.enum(['keep', 'archive', 'delete']).optional(),
});

/** The dry run: what a sweep now would do, per action and per rule, with the first affected calls. */
export const retentionPlanSchema = z.object({
  tenantId: z.string(),
  policy: z.object({ name: z.string(), source: z.enum(['preset', 'custom']), version: z.number().int().min(0) }),
  now: z.string(),
  total: z.number().int().min(0),
  counts: countsSchema,
  byRule: z.record(z.string(), countsSchema),
  heldBack: z.object({ archive: z.number().int(), delete: z.number().int() }),
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
  processed: z.number().int().min(0),
  counts: countsSchema,
  completedPending: z.number().int().min(0),
  policyVersion: z.number().int().min(0),
});
export type RetentionSweepBody = z.infer<typeof retentionSweepSchema>;

/** A legal hold as shown to a reader (phone numbers masked for everyone but admins), with whether it is in force now. */
export const legalHoldViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  by: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('calls'), callIds: z.array(z.string()) }),
    z.object({ kind: z.literal('customer'), phone: z.string().optional(), crmId: z.string().optional() }),
    z.object({ kind: z.literal('agent'), agentId: z.string() }),
    z.object({ kind: z.literal('filter'), filter: ruleMatchSchema }),
  ]),
  reason: z.string(),
  author: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  active: z.boolean(),
});
export type LegalHoldViewBody = z.infer<typeof legalHoldViewSchema>;

export const legalHoldPageSchema = pageSchema(legalHoldViewSchema);

/** `DELETE /api/v1/calls/:id`: what is left of the call (its audio digest, never the audio). */
export const callDeletionSchema = z.object({
  callId: z.string(),
  status: z.literal('deleted'),
  deletedAt: z.string(),
  ruleId: z.string().nullable(),
  basis: z.enum(['policy', 'admin']),
  audioSha256: z.string().nullable(),
});
export type CallDeletionBody = z.infer<typeof callDeletionSchema>;
