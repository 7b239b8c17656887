import * as z from 'zod/mini';

/**
 * The API contract of recording completeness against the providers' own lists (issue 19): the window an admin asks
 * about, and the report. Provider ids only: no phone numbers, names or transcript text. Written with `zod/mini`.
 */

/** `GET /api/v1/recordings/completeness` query: the window [from, to) of ISO-8601 instants; `to` defaults to now. */
export const completenessQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.optional(z.iso.datetime({ offset: true })),
});
export type CompletenessQuery = z.input<typeof completenessQuerySchema>;

/** Why a call the provider recorded is not stored: still being fetched, fetched in vain, or never reported to the hub. */
export const completenessReasonSchema = z.enum(['fetching', 'fetch_failed', 'not_received']);

export const completenessGapSchema = z.object({
  provider: z.string(),
  providerCallId: z.string(),
  startedAt: z.string(),
  reason: completenessReasonSchema,
  /** The reported recording being fetched (or given up on), when there is one. */
  pendingId: z.nullable(z.string()),
  /** The fetch's last error code (`not_ready`, `upstream_failed`), never a message. */
  lastError: z.nullable(z.string()),
  attempts: z.number().check(z.int(), z.minimum(0)),
});

/** What one provider account's listing did in a reconciliation run. */
export const completenessSourceSchema = z.object({
  provider: z.string(),
  accountId: z.string(),
  status: z.enum(['listed', 'failed']),
  calls: z.number().check(z.int(), z.minimum(0)),
  recordings: z.number().check(z.int(), z.minimum(0)),
  newEntries: z.number().check(z.int(), z.minimum(0)),
  /** The error code when the listing failed (`UPSTREAM_FAILED`, `NOT_FOUND`). */
  error: z.nullable(z.string()),
});

/**
 * The completeness report of a window: `expected` the calls the providers say were recorded, `stored` those the hub
 * holds, `rate` stored / expected (null when nothing was expected); each gap with its reason (the first 500).
 */
export const completenessReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  providers: z.array(z.string()),
  entries: z.number().check(z.int(), z.minimum(0)),
  expected: z.number().check(z.int(), z.minimum(0)),
  stored: z.number().check(z.int(), z.minimum(0)),
  missing: z.number().check(z.int(), z.minimum(0)),
  notRecorded: z.number().check(z.int(), z.minimum(0)),
  rate: z.nullable(z.number()),
  byReason: z.object({ fetching: z.number(), fetch_failed: z.number(), not_received: z.number() }),
  gaps: z.array(completenessGapSchema),
  gapsTruncated: z.boolean(),
});
export type CompletenessReportView = z.infer<typeof completenessReportSchema>;
