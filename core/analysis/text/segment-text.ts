import type { Segment } from '../transcript.types';
import { FoldBuffer, foldInto, markNumerals, markSpokenDigitWords } from './normalize';
import { CJK_DIGITS, SPOKEN_DIGIT_WORDS } from '../pii/digit-runs';
import type { SegmentUnits } from '../metrics/conversation.metrics';

/**
 * A transcript normalised once for matching and shared by the detectors (sensitive words,
 * scripts, topics, the PII gate): all segments folded into one set of typed arrays. Segment `s`
 * occupies `codes[segFrom[s] .. segFrom[s + 1])`; `origStart` indexes that segment's original
 * text (see originalEnd for the end); `wordStart` marks Latin word boundaries of the original.
 */
export interface PreparedTranscript {
  readonly segments: readonly Segment[];
  readonly codes: Uint16Array;
  readonly origStart: Int32Array;
  readonly wordStart: Uint8Array;
  readonly segFrom: Int32Array;
  /** Per segment: folded digits and Chinese numerals. */
  readonly numeralUnits: Int32Array;
  /**
   * Per segment: runs of ASCII letters shaped (first letter, last letter, length) like a spoken
   * digit word ("four", "oh", "double"): an upper bound on those words.
   */
  readonly letterRuns: Int32Array;
  /** Han characters and Latin words per segment, as countTextUnits counts them. */
  readonly units: SegmentUnits;
}

markNumerals(Object.keys(CJK_DIGITS));
markSpokenDigitWords(SPOKEN_DIGIT_WORDS);

/**
 * Folds every segment once into shared typed arrays; linear in the text. With `buffer`, its
 * arrays are reused (the result is then valid until the buffer is used again, and the per-segment
 * arrays may be longer than the segment count: read them by segment index only), so a caller
 * that analyses many transcripts allocates nothing per transcript but the result object.
 */
export function prepareSegments(segments: readonly Segment[], buffer?: FoldBuffer): PreparedTranscript {
  const count = segments.length;
  let total = 0;
  for (let s = 0; s < count; s++) total += (segments[s] as Segment).text.length;
  const buf = buffer ?? new FoldBuffer(total + 16);
  buf.length = 0;
  buf.reserve(total + 16);
  buf.reserveSegments(count, buffer === undefined);
  const { segFrom, segNumerals: numeralUnits, segLetterRuns: letterRuns, segHan: han, segWords: words } = buf;
  for (let s = 0; s < count; s++) {
    segFrom[s] = buf.length;
    foldInto((segments[s] as Segment).text, buf);
    numeralUnits[s] = buf.numerals;
    letterRuns[s] = buf.letterRuns;
    han[s] = buf.hanUnits;
    words[s] = buf.asciiWords;
  }
  segFrom[count] = buf.length;
  return { segments, codes: buf.codes, origStart: buf.origStart, wordStart: buf.wordStart, segFrom, numeralUnits, letterRuns, units: { han, words } };
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
