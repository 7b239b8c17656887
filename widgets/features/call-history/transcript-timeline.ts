import type { TranscriptHighlight, TranscriptSegment } from '../../core/api-types';

/**
 * Index of the segment being spoken at `timeS` (start inclusive, end exclusive), or -1 in a silence or
 * before the first word. Segments must be sorted by `startS` (the hub returns them so); O(log n).
 */
export function findActiveSegment(segments: readonly TranscriptSegment[], timeS: number): number {
  let low = 0;
  let high = segments.length - 1;
  let candidate = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const segment = segments[middle]!;
    if (segment.startS <= timeS) {
      candidate = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (candidate === -1) return -1;
  return timeS < segments[candidate]!.endS ? candidate : -1;
}

/** A run of segment text; `kind` is set when the run is highlighted (flagged word, redacted PII...). */
export interface TextRun {
  readonly text: string;
  readonly kind?: string;
}

/**
 * Cuts one segment's text into plain and highlighted runs. Highlights for other segments are ignored,
 * offsets are clamped to the text, empty and overlapping ranges are dropped (the earlier start wins), so
 * joining the runs always gives back the original text.
 */
export function splitHighlights(text: string, segmentIndex: number, highlights: readonly TranscriptHighlight[]): TextRun[] {
  const ranges = highlights
    .filter((h) => h.segment === segmentIndex)
    .map((h) => ({ start: clamp(Math.floor(h.start), 0, text.length), end: clamp(Math.floor(h.end), 0, text.length), kind: h.kind }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const runs: TextRun[] = [];
  let cursor = 0;
  for (const range of ranges) {
    if (range.start < cursor) continue;
    if (range.start > cursor) runs.push({ text: text.slice(cursor, range.start) });
    runs.push({ text: text.slice(range.start, range.end), kind: range.kind });
    cursor = range.end;
  }
  if (cursor < text.length || runs.length === 0) runs.push({ text: text.slice(cursor) });
  return runs;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
