import { z } from 'zod';
import { ROLES } from '../access/access.policy';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of the audit trail (R-ACC-2, R-ACC-5): `GET /api/v1/audit` (filtered listing, seq cursor) and
 * `GET /api/v1/audit/verify` (the hash chain checked from its start to its head).
 */

/** Most events one page of `GET /api/v1/audit` holds. */
export const MAX_AUDIT_PAGE = 500;

/** Query of `GET /api/v1/audit`; instants are ISO-8601 with an offset, `cursor` is the `nextCursor` of a previous page. */
export const auditListQuerySchema = z
  .object({
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
    actor: z.string().min(1).max(200).optional(),
    action: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case action name').optional(),
    target: z.string().min(1).max(500).optional(),
    outcome: z.enum(['allowed', 'denied', 'error']).optional(),
    cursor: z.string().regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
  })
  .strict();
export type AuditListQueryInput = z.input<typeof auditListQuerySchema>;

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** One event of a tenant's hash chain, as stored. */
export const auditEventSchema = z.object({
  seq: z.number().int().positive(),
  at: isoDateTimeSchema,
  tenantId: z.string(),
  actor: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['allowed', 'denied', 'error']),
  reason: z.string().nullable().optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
  prevHash: hashSchema,
  hash: hashSchema,
});

/** A page of `GET /api/v1/audit`: events in chain order; `nextCursor` is the last seq when the page was full. */
export const auditPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

const chainLinkSchema = z.object({ seq: z.number().int().nonnegative(), hash: z.string() });

/** The result of checking a tenant's chain, from its start (genesis or prune anchor) to its head. */
export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  /** Events whose links held before the first break (all of them when ok). */
  checked: z.number().int().nonnegative(),
  /** The last verified link. */
  head: chainLinkSchema,
  /** Where verification started: genesis (seq 0) or the prune anchor. */
  start: chainLinkSchema,
  /** The first link that does not hold; `checkpoint_invalid` when the stored checkpoint's signature fails. */
  firstBroken: z
    .object({ seq: z.number().int(), reason: z.enum(['hash_mismatch', 'seq_gap', 'prev_mismatch', 'reordered', 'anchor_unattested', 'checkpoint_invalid']) })
    .optional(),
  /** The newest signed checkpoint the chain was checked against, or null when none was stored yet. */
  checkpoint: z.object({ seq: z.number().int(), at: z.string(), valid: z.boolean() }).nullable(),
});
export type AuditVerificationReport = z.infer<typeof auditVerificationSchema>;
