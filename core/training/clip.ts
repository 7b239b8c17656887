/**
 * Training clips (DOMAIN R-SRC-2, issue 15 item 4): a time range of a call that a reviewer marks as a good or bad
 * example, tagged with what it illustrates. The excerpt is stored already masked (personal data replaced by
 * `[PHONE]`-style tokens), so no reader of the library ever receives unmasked text.
 */
import { CallsightError } from '../shared/errors';

export type ClipLabel = 'good' | 'bad';

/** One transcript line inside the clip's range, masked. Times in seconds from the start of the call. */
export interface ClipExcerptLine {
  readonly startS: number;
  readonly endS: number;
  readonly speaker: string;
  readonly text: string;
}

export interface TrainingClip {
  readonly id: string;
  readonly callId: string;
  /** The agent of the call when the clip was made (null for IVR calls). */
  readonly agentId: string | null;
  readonly startS: number;
  readonly endS: number;
  readonly label: ClipLabel;
  readonly note: string;
  readonly criterionId: string | null;
  readonly demand: string | null;
  readonly inquiryType: string | null;
  readonly language: string | null;
  readonly excerpt: readonly ClipExcerptLine[];
  readonly createdBy: string;
  readonly createdAt: string;
  /** Coaching tasks the clip is pinned to, in pinning order. */
  readonly taskIds: readonly string[];
}

/** A clip pinned to a coaching task by a coach. */
export interface ClipPin {
  readonly clipId: string;
  readonly taskId: string;
  readonly pinnedBy: string;
  readonly pinnedAt: string;
}

/**
 * Checks a clip's range against its call: 0 <= startS < endS <= call duration (seconds). VALIDATION_FAILED
 * otherwise, saying which bound failed.
 */
export function checkClipRange(startS: number, endS: number, callDurationS: number): void {
  if (!(startS >= 0) || !(endS > startS)) throw new CallsightError('VALIDATION_FAILED', 'A clip must start at 0 s or later and end after it starts');
  if (endS > callDurationS + 0.5) throw new CallsightError('VALIDATION_FAILED', 'A clip must end within its call');
}

/** The lines of a (masked) transcript that overlap [startS, endS]. */
export function excerptOf(segments: readonly ClipExcerptLine[], startS: number, endS: number): ClipExcerptLine[] {
  return segments
    .filter((s) => s.endS > startS && s.startS < endS)
    .map((s) => ({ startS: s.startS, endS: s.endS, speaker: s.speaker, text: s.text }));
}
