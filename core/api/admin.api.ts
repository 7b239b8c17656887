import * as z from 'zod/mini';
import { analysisSettingsSchema } from './analysis.api';
import { retentionPlanSchema } from './retention.api';

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
  settings: z.optional(analysisSettingsSchema),
});
export type TryLexiconRequest = z.input<typeof tryLexiconRequestSchema>;

/** The outside services an admin can test: the CRMs, the telephony provider and the transcription provider. */
export const CONNECTION_KINDS = ['zendesk', 'salesforce', 'twilio', 'transcription'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** `POST /api/v1/admin/connections/:kind/test`. */
export const connectionParamsSchema = z.object({ kind: z.enum(CONNECTION_KINDS) });

// ---- responses ----

/** The proposed policy's plan beside the plan of the policy in force (same instant, same holds). */
export const retentionPreviewSchema = z.object({ proposed: retentionPlanSchema, current: retentionPlanSchema });
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

/** `GET /api/v1/admin/connections`: whether each connection is configured (no outside call is made). */
export const connectionListSchema = z.object({ items: z.array(connectionStatusSchema) });
export type ConnectionListBody = z.infer<typeof connectionListSchema>;
