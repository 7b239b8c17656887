import * as z from 'zod/mini';
import {
  callHitSchema,
  callViewSchema,
  channelSchema,
  directionSchema,
  playbackUrlSchema,
  speakerSchema,
  transcriptHighlightSchema,
  transcriptSegmentSchema,
  transcriptViewSchema,
} from '../../core/api/call-views.api';

/**
 * Shapes of the hub REST API v1 as the widgets read them, taken from the shared API contract
 * (core/api/call-views.api.ts): the types are inferred from its zod schemas and the API client checks every answer
 * with them, so the widget and the hub cannot drift apart.
 */

export type Direction = z.infer<typeof directionSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type Speaker = z.infer<typeof speakerSchema>;

/**
 * A call as the widgets read it: the contract's CallView, with the fields the widgets can do without
 * (`agentName`, `team`, `flags`, `risk`, `crmLinks`, `recording`) allowed to be absent, as from an older hub.
 */
export const callViewReadSchema = z.partial(callViewSchema, { agentName: true, team: true, flags: true, risk: true, crmLinks: true, recording: true });
/** `customerPhone` is masked (`+86 138****5678`) for roles that must not see personal data. */
export type CallView = z.infer<typeof callViewReadSchema>;

/** A page of the call list as the widgets read it; a missing `nextCursor` means the last page. */
export const callPageReadSchema = z.object({
  items: z.array(z.extend(callViewReadSchema, { hits: z.optional(z.array(callHitSchema)) })),
  nextCursor: z.pipe(
    z.nullish(z.string()),
    z.transform((cursor: string | null | undefined) => cursor ?? null),
  ),
});
export type CallPage = z.infer<typeof callPageReadSchema>;

/** `url` is absolute once the client has resolved it against the hub; usable by an `<audio>` element, supports Range. */
export const playbackUrlReadSchema = playbackUrlSchema;
export type PlaybackUrl = z.infer<typeof playbackUrlReadSchema>;

export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;
/** `start`/`end` are UTF-16 offsets into `segments[segment].text`, end exclusive. */
export type TranscriptHighlight = z.infer<typeof transcriptHighlightSchema>;
export const transcriptReadSchema = transcriptViewSchema;
export type Transcript = z.infer<typeof transcriptReadSchema>;

/** What the widgets filter the call list by (a subset of core/api/calls.api.ts `listCallsQuerySchema`). */
export interface ListCallsQuery {
  readonly customerPhone?: string;
  readonly agentId?: string;
  readonly limit?: number;
  readonly cursor?: string;
}
