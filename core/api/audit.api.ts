import * as z from 'zod/mini';
import { ROLES } from '../access/access.policy';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of the audit trail (R-ACC-2, R-ACC-5): `GET /api/v1/audit` (filtered listing, seq cursor) and
 * `GET /api/v1/audit/verify` (the hash chain checked from its start to its head).
 */

/** Most events one page of `GET /api/v1/audit` holds. */
export const MAX_AUDIT_PAGE = 500;

/** Query of `GET /api/v1/audit`; instants are ISO-8601 with an offset, `cursor` is the `nextCursor` of a previous page. */
export const auditListQuerySchema = z.strictObject({
  from: z.optional(isoDateTimeSchema),
  to: z.optional(isoDateTimeSchema),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  action: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case action name'))),
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
  outcome: z.optional(z.enum(['allowed', 'denied', 'error'])),
  cursor: z.optional(z.string().check(z.regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page'))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_AUDIT_PAGE)), 100),
});
export type AuditListQueryInput = z.input<typeof auditListQuerySchema>;

const hashSchema = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** One event of a tenant's hash chain, as stored. */
export const auditEventSchema = z.object({
  seq: z.number().check(z.int(), z.positive()),
  at: isoDateTimeSchema,
  tenantId: z.string(),
  actor: z.nullable(z.string()),
  role: z.nullable(z.enum(ROLES)),
  action: z.string(),
  target: z.nullable(z.string()),
  outcome: z.enum(['allowed', 'denied', 'error']),
  reason: z.optional(z.nullable(z.string())),
  details: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  prevHash: hashSchema,
  hash: hashSchema,
});

/** A page of `GET /api/v1/audit`: events in chain order; `nextCursor` is the last seq when the page was full. */
export const auditPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: z.nullable(z.string()) });
export type AuditPage = z.infer<typeof auditPageSchema>;

const chainLinkSchema = z.object({ seq: z.number().check(z.int(), z.nonnegative()), hash: z.string() });

/** The result of checking a tenant's chain, from its start (genesis or prune anchor) to its head. */
export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  /** Events whose links held before the first break (all of them when ok). */
  checked: z.number().check(z.int(), z.nonnegative()),
  /** The last verified link. */
  head: chainLinkSchema,
  /** Where verification started: genesis (seq 0) or the prune anchor. */
  start: chainLinkSchema,
  /** The first link that does not hold; `checkpoint_invalid` when the stored checkpoint's signature fails. */
  firstBroken: z.optional(
    z.object({
      seq: z.number().check(z.int()),
      reason: z.enum(['hash_mismatch', 'seq_gap', 'prev_mismatch', 'reordered', 'anchor_unattested', 'checkpoint_invalid']),
    }),
  ),
  /** The newest signed checkpoint the chain was checked against, or null when none was stored yet. */
  checkpoint: z.nullable(z.object({ seq: z.number().check(z.int()), at: z.string(), valid: z.boolean() })),
});
export type AuditVerificationReport = z.infer<typeof auditVerificationSchema>;
