/**
 * Shapes of the hub REST API v1 as the widgets read them (docs/api.md). Kept separate from
 * core/recordings so the widget bundle depends on the wire format, not on domain internals.
 */

export type Direction = 'inbound' | 'outbound';
export type Channel = 'human' | 'ivr';
export type Speaker = 'agent' | 'customer';

export interface CallView {
  readonly id: string;
  readonly provider: string;
  readonly providerCallId: string;
  readonly channel: Channel;
  readonly direction: Direction;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationS: number;
  readonly agentId: string | null;
  readonly agentName?: string | null;
  readonly team?: string | null;
  readonly queue: string | null;
  /** Masked (`+86 138****5678`) for roles that must not see personal data. */
  readonly customerPhone: string | null;
  readonly inquiryType: string | null;
  readonly tags: readonly string[];
  readonly csat: number | null;
  readonly status: string;
  readonly flags?: readonly string[];
  readonly risk?: number | null;
}

export interface CallPage {
  readonly items: readonly CallView[];
  readonly nextCursor: string | null;
}

export interface PlaybackUrl {
  /** Absolute URL usable by an `<audio>` element without headers; supports Range. */
  readonly url: string;
  readonly expiresAt: string;
}

export interface TranscriptSegment {
  readonly speaker: Speaker;
  readonly startS: number;
  readonly endS: number;
  readonly text: string;
}

/** `start`/`end` are UTF-16 offsets into `segments[segment].text`, end exclusive. */
export interface TranscriptHighlight {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

export interface Transcript {
  readonly language: string;
  readonly segments: readonly TranscriptSegment[];
  readonly highlights: readonly TranscriptHighlight[];
}

export interface ListCallsQuery {
  readonly customerPhone?: string;
  readonly agentId?: string;
  readonly limit?: number;
  readonly cursor?: string;
}
