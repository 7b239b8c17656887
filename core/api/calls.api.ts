import { z } from 'zod';
import { idParamsSchema } from '../shared/ids';
import { cursorSchema, isoDateTimeSchema, pageSchema } from './common.api';

/**
 * The calls part of the hub's API contract (docs/api.md): the call list and search, one call, playback links,
 * uploads, telephony webhooks, and the transcript as the widgets read it. Routes validate requests with these
 * schemas, API tests check responses against them, and the widgets take their types and guards from them.
 */

/** Route parameters `{ id }` of `/api/v1/calls/:id/...`. */
export const callParamsSchema = idParamsSchema;

/** The call filters shared by the call list, exports and insights; each route adds what only it takes. */
export const callFilterFields = {
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  agentId: z.string().min(1).max(128).optional(),
  customerPhone: z.string().min(1).max(64).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  channel: z.enum(['human', 'ivr']).optional(),
  inquiryType: z.string().min(1).max(128).optional(),
  tag: z.string().min(1).max(64).optional(),
};

/**
 * `GET /api/v1/calls`: filters, transcript keywords `q` (optionally one `speaker`), `sort` (`relevance` needs
 * `q`), and paging (`limit` 1..200, default 50; `cursor` from the previous page). Unknown parameters are refused.
 */
export const listCallsQuerySchema = z
  .object({
    ...callFilterFields,
    status: z.enum(['stored', 'misdial', 'archived', 'deleted']).optional(),
    flag: z.string().min(1).max(64).optional(),
    scoreMin: z.coerce.number().finite().optional(),
    scoreMax: z.coerce.number().finite().optional(),
    q: z.string().trim().min(1).max(256).optional(),
    speaker: z.enum(['agent', 'customer']).optional(),
    sort: z.enum(['time', 'relevance']).default('time'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursorSchema.optional(),
  })
  .strict()
  .refine((v) => v.scoreMin === undefined || v.scoreMax === undefined || v.scoreMin <= v.scoreMax, {
    message: 'scoreMin must not exceed scoreMax',
    path: ['scoreMin'],
  })
  .refine((v) => v.speaker === undefined || v.q !== undefined, { message: 'speaker needs q', path: ['speaker'] })
  .refine((v) => v.sort === 'time' || v.q !== undefined, { message: 'sort=relevance needs q', path: ['sort'] });
/** The list query as callers write it (numbers may be strings, defaults absent). */
export type ListCallsQueryInput = z.input<typeof listCallsQuerySchema>;
/** The list query once parsed (defaults applied). */
export type ListCallsQuery = z.output<typeof listCallsQuerySchema>;

export const directionSchema = z.enum(['inbound', 'outbound']);
export const channelSchema = z.enum(['human', 'ivr']);
export const speakerSchema = z.enum(['agent', 'customer']);
export const callStatusSchema = z.enum(['stored', 'misdial', 'archived', 'deleted']);

export const crmLinkViewSchema = z.object({
  crm: z.enum(['salesforce', 'zendesk']),
  objectType: z.string(),
  id: z.string(),
});

/** A stored recording's facts; never its key id. */
export const recordingViewSchema = z.object({
  format: z.enum(['wav', 'mp3']),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  channels: z.number().int().positive(),
  durationS: z.number().nonnegative(),
});

/**
 * A call as the API shows it (`CallView` in docs/api.md): no key ids; `customerPhone` masked
 * (`+86 138****5678`) for roles that must not see personal data; `flags` and `risk` once analysis has run.
 */
export const callViewSchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerCallId: z.string(),
  channel: channelSchema,
  direction: directionSchema,
  startedAt: z.string(),
  endedAt: z.string(),
  durationS: z.number().nonnegative(),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  team: z.string().nullable(),
  queue: z.string().nullable(),
  customerPhone: z.string().nullable(),
  inquiryType: z.string().nullable(),
  tags: z.array(z.string()),
  csat: z.number().nullable(),
  crmLinks: z.array(crmLinkViewSchema),
  status: callStatusSchema,
  flags: z.array(z.string()),
  risk: z.number().nullable(),
  recording: recordingViewSchema.nullable(),
});
export type CallView = z.infer<typeof callViewSchema>;

/** A transcript segment matching `q`; `snippet` is HTML-escaped with `<mark>` around matches, null for masked roles. */
export const callHitSchema = z.object({
  segment: z.number().int().nonnegative(),
  speaker: speakerSchema,
  startS: z.number().nonnegative(),
  snippet: z.string().nullable(),
});
export type CallHit = z.infer<typeof callHitSchema>;

/** One item of the call list: the call, plus `hits` when the list was searched with `q`. */
export const callListItemSchema = callViewSchema.extend({ hits: z.array(callHitSchema).optional() });
export type CallListItem = z.infer<typeof callListItemSchema>;

/** `GET /api/v1/calls`: newest first (or by relevance), `nextCursor` null on the last page. */
export const callPageSchema = pageSchema(callListItemSchema);
export type CallPage = z.infer<typeof callPageSchema>;

/** `POST /api/v1/calls/:id/playback-url`: a header-free audio URL bound to the user and call, valid 5 minutes. */
export const playbackUrlSchema = z.object({
  url: z.string().min(1),
  expiresAt: z.string(),
});
export type PlaybackUrl = z.infer<typeof playbackUrlSchema>;

/** `POST /api/v1/webhooks/:provider/recording`: 201 `stored`, 200 `duplicate` or `ignored` (with why). */
export const webhookResponseSchema = z.union([
  z.object({ status: z.enum(['stored', 'duplicate']), callId: z.string() }),
  z.object({ status: z.literal('ignored'), reason: z.string() }),
]);
export type WebhookResponse = z.infer<typeof webhookResponseSchema>;

export const transcriptSegmentSchema = z.object({
  speaker: speakerSchema,
  startS: z.number(),
  endS: z.number(),
  text: z.string(),
});

/** `start`/`end` are UTF-16 offsets into `segments[segment].text`, end exclusive. */
export const transcriptHighlightSchema = z.object({
  segment: z.number().int().nonnegative(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  kind: z.string(),
});

/**
 * `GET /api/v1/calls/:id/transcript` as the widgets read it: segments (redacted for the reader's role) and
 * highlight spans; `language` and `highlights` default when a hub leaves them out.
 */
export const transcriptViewSchema = z.object({
  language: z.string().default(''),
  segments: z.array(transcriptSegmentSchema),
  highlights: z.array(transcriptHighlightSchema).default([]),
});
export type TranscriptView = z.infer<typeof transcriptViewSchema>;
