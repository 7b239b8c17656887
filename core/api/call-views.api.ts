import * as z from 'zod/mini';
import { pageSchema } from './common.api';

/**
 * The calls as the hub shows them (docs/api.md): a call, its search hits, the call list's page, playback links and
 * the transcript as the widgets read it. The widgets' API client checks every answer with these schemas, so this
 * file imports only `zod/mini` and core/api: nothing that would put classic zod into a widget bundle
 * (docs/decisions/api-contract.md). core/api/calls.api.ts re-exports all of it with the calls' request schemas.
 */

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
  bytes: z.number().check(z.int(), z.nonnegative()),
  sha256: z.string(),
  channels: z.number().check(z.int(), z.positive()),
  durationS: z.number().check(z.nonnegative()),
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
  durationS: z.number().check(z.nonnegative()),
  agentId: z.nullable(z.string()),
  agentName: z.nullable(z.string()),
  team: z.nullable(z.string()),
  queue: z.nullable(z.string()),
  customerPhone: z.nullable(z.string()),
  inquiryType: z.nullable(z.string()),
  tags: z.array(z.string()),
  csat: z.nullable(z.number()),
  crmLinks: z.array(crmLinkViewSchema),
  status: callStatusSchema,
  flags: z.array(z.string()),
  risk: z.nullable(z.number()),
  recording: z.nullable(recordingViewSchema),
});
export type CallView = z.infer<typeof callViewSchema>;

/** A transcript segment matching `q`; `snippet` is HTML-escaped with `<mark>` around matches, null for masked roles. */
export const callHitSchema = z.object({
  segment: z.number().check(z.int(), z.nonnegative()),
  speaker: speakerSchema,
  startS: z.number().check(z.nonnegative()),
  snippet: z.nullable(z.string()),
});
export type CallHit = z.infer<typeof callHitSchema>;

/** One item of the call list: the call, plus `hits` when the list was searched with `q`. */
export const callListItemSchema = z.extend(callViewSchema, { hits: z.optional(z.array(callHitSchema)) });
export type CallListItem = z.infer<typeof callListItemSchema>;

/** `GET /api/v1/calls`: newest first (or by relevance), `nextCursor` null on the last page. */
export const callPageSchema = pageSchema(callListItemSchema);
export type CallPage = z.infer<typeof callPageSchema>;

/** `POST /api/v1/calls/:id/playback-url`: a header-free audio URL bound to the user and call, valid 5 minutes. */
export const playbackUrlSchema = z.object({
  url: z.string().check(z.minLength(1)),
  expiresAt: z.string(),
});
export type PlaybackUrl = z.infer<typeof playbackUrlSchema>;

export const transcriptSegmentSchema = z.object({
  speaker: speakerSchema,
  startS: z.number(),
  endS: z.number(),
  text: z.string(),
});

/** `start`/`end` are UTF-16 offsets into `segments[segment].text`, end exclusive. */
export const transcriptHighlightSchema = z.object({
  segment: z.number().check(z.int(), z.nonnegative()),
  start: z.number().check(z.int(), z.nonnegative()),
  end: z.number().check(z.int(), z.nonnegative()),
  kind: z.string(),
});

/**
 * `GET /api/v1/calls/:id/transcript` as the widgets read it: segments (redacted for the reader's role) and
 * highlight spans; `language` and `highlights` default when a hub leaves them out.
 */
export const transcriptViewSchema = z.object({
  language: z._default(z.string(), ''),
  segments: z.array(transcriptSegmentSchema),
  highlights: z._default(z.array(transcriptHighlightSchema), []),
});
export type TranscriptView = z.infer<typeof transcriptViewSchema>;
