import * as z from 'zod/mini';

/**
 * The API contract of reported recordings (issue 16 item 4): what a telephony callback is answered, and the
 * admins' list of recordings that never arrived. Written with `zod/mini` like the rest of the contract.
 */

/**
 * `POST /api/v1/webhooks/:provider/recording`, answered at once: 202 `accepted` (recorded, to be fetched by a job;
 * `duplicate` true for a repeat callback), 200 `duplicate` (the call is stored already) or 200 `ignored` (a status
 * the hub does not act on). A provider that hands the audio over in the callback itself is answered 201 `stored`.
 */
export const recordingCallbackResponseSchema = z.union([
  z.object({ status: z.literal('accepted'), pendingId: z.string(), duplicate: z.boolean() }),
  z.object({ status: z.enum(['stored', 'duplicate']), callId: z.string() }),
  z.object({ status: z.literal('ignored'), reason: z.string() }),
]);
export type RecordingCallbackResponse = z.infer<typeof recordingCallbackResponseSchema>;

/** `GET /api/v1/recordings/missing` query: `limit` 1..200 (50 when absent) and the `cursor` of a previous page. */
export const missingRecordingsQuerySchema = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type MissingRecordingsQuery = z.input<typeof missingRecordingsQuerySchema>;

/** A recording the provider reported and the hub never stored within its window; provider ids only, no personal data. */
export const missingRecordingSchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerCallId: z.string(),
  recordingId: z.string(),
  status: z.enum(['missing', 'waiting']),
  attempts: z.number().check(z.int(), z.minimum(0)),
  lastError: z.nullable(z.string()),
  receivedAt: z.string(),
  deadlineAt: z.string(),
});

/** `GET /api/v1/recordings/missing` (admins): oldest first, `nextCursor` null on the last page. */
export const missingRecordingsPageSchema = z.object({
  items: z.array(missingRecordingSchema),
  nextCursor: z.nullable(z.string()),
});
export type MissingRecordingsPage = z.infer<typeof missingRecordingsPageSchema>;
