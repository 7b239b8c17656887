import type { Segment } from '../transcript.types';
import { normalizeForMatch, type NormalizedText } from './normalize';

/** A segment with its normalised text, computed once per analysis and shared by the detectors. */
export interface PreparedSegment {
  readonly index: number;
  readonly segment: Segment;
  readonly normalized: NormalizedText;
}

/** Normalises every segment once. */
export function prepareSegments(segments: readonly Segment[]): PreparedSegment[] {
  return segments.map((segment, index) => ({ index, segment, normalized: normalizeForMatch(segment.text) }));
}

/** Time (s) of a character offset in a segment, interpolated linearly over the segment's text. */
export function timeAtOffset(segment: Segment, offset: number): number {
  const length = segment.text.length;
  if (length === 0) return segment.startS;
  const ratio = Math.min(1, Math.max(0, offset / length));
  return roundS(segment.startS + (segment.endS - segment.startS) * ratio);
}

/** Rounds seconds to milliseconds so that output is stable and compact. */
export function roundS(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
