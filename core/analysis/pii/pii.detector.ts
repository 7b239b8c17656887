import type { Segment } from '../transcript.types';
import { timeAtOffset, roundS } from '../text/segment-text';
import { extractDigitRuns, MIN_RUN_DIGITS, type DigitRun } from './digit-runs';
import type { PreparedTranscript } from '../text/segment-text';
import { isChineseIdValid, isLuhnValid } from './pii.checksums';

export type PiiKind = 'bank_card' | 'cn_id' | 'phone' | 'email';

/** One PII occurrence: [start, end) in the original segment text, times interpolated in seconds. */
export interface PiiHit {
  readonly kind: PiiKind;
  readonly segment: number;
  readonly start: number;
  readonly end: number;
  readonly startS: number;
  readonly endS: number;
}

/** A time span an audio redactor must silence or beep, in seconds, merged and padded. */
export interface RedactionSpan {
  readonly startS: number;
  readonly endS: number;
  readonly kinds: readonly PiiKind[];
}

export const PII_MASKS: Readonly<Record<PiiKind, string>> = {
  bank_card: '[BANK_CARD]',
  cn_id: '[CN_ID]',
  phone: '[PHONE]',
  email: '[EMAIL]',
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gu;
/** Spoken e-mail: "john dot smith at gmail dot com", "zhangsan 艾特 qq 点 com". */
const SPOKEN_EMAIL =
  /\b[A-Za-z0-9_-]+(?:\s*(?:dot|点)\s*[A-Za-z0-9_-]+)*\s*(?:\bat\b|艾特|@)\s*[A-Za-z0-9-]+(?:\s*(?:dot|点|\.)\s*[A-Za-z0-9-]+)*\s*(?:dot|点|\.)\s*(?:com|net|org|cn|edu|gov|io|co|uk)\b/giu;

function classifyDigits(digits: string, run: DigitRun, fromGroup: number, groupLengths: readonly number[]): PiiKind | null {
  const length = digits.length;
  if (length === 18 && isChineseIdValid(digits)) return 'cn_id';
  if (/X/u.test(digits)) return null;
  if (length >= 13 && length <= 19 && /^[2-6]/u.test(digits) && isLuhnValid(digits) && !/^(\d)\1+$/u.test(digits)) return 'bank_card';
  if (length === 11 && /^1[3-9]\d{9}$/u.test(digits)) return 'phone';
  if (length === 13 && /^861[3-9]\d{9}$/u.test(digits)) return 'phone';
  if (fromGroup === 0 && run.plusPrefix && length >= 8 && length <= 15) return 'phone';
  // Landlines need visible grouping so that bare order numbers are not taken for phones.
  if (groupLengths.length === 2 && /^0[1-9]/u.test(digits)) {
    const [area, local] = groupLengths as [number, number];
    if (area >= 3 && area <= 4 && local >= 7 && local <= 8) return 'phone';
  }
  if (groupLengths.length === 3 && length === 10 && groupLengths[0] === 3 && groupLengths[1] === 3 && /^[2-9]/u.test(digits)) return 'phone';
  return null;
}

/** Finds PII in one digit run, trying the longest group ranges first, left to right. */
function findInRun(run: DigitRun, segmentIndex: number, segment: Segment, out: PiiHit[]): void {
  const groups = run.groupStarts;
  let g = 0;
  while (g < groups.length) {
    let matched = false;
    for (let h = groups.length - 1; h >= g; h--) {
      const from = groups[g] as number;
      const to = h + 1 < groups.length ? (groups[h + 1] as number) : run.digits.length;
      if (to - from < 7 || to - from > 19) continue;
      const lengths: number[] = [];
      for (let k = g; k <= h; k++) lengths.push((k + 1 < groups.length ? (groups[k + 1] as number) : run.digits.length) - (groups[k] as number));
      const kind = classifyDigits(run.digits.slice(from, to), run, g, lengths);
      if (kind === null) continue;
      const start = run.starts[from] as number;
      const end = run.ends[to - 1] as number;
      out.push({ kind, segment: segmentIndex, start, end, startS: timeAtOffset(segment, start), endS: timeAtOffset(segment, end) });
      g = h + 1;
      matched = true;
      break;
    }
    if (!matched) g++;
  }
}

/**
 * "@", "艾特" or the word "at" in any case (not next to a letter, digit or "_"): only then can the
 * text hold an e-mail address, written or spoken. One regex pass instead of six string scans.
 */
const EMAIL_HINT = /@|艾特|(?<![0-9A-Za-z_])[aA][tT](?![0-9A-Za-z_])/u;

/** Appends the e-mail addresses `re` (global) finds in the segment to `out`. */
function findEmails(re: RegExp, segment: Segment, index: number, out: PiiHit[]): void {
  const text = segment.text;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    out.push({ kind: 'email', segment: index, start, end, startS: timeAtOffset(segment, start), endS: timeAtOffset(segment, end) });
  }
}

/**
 * Detects bank cards (13-19 digits, Luhn, issuer prefix 2-6), Chinese resident IDs (checksum and
 * birth date), phone numbers (Chinese mobiles, +international, grouped landlines) and e-mail
 * addresses (written or spoken), including digits spoken as words. Ordered by segment and offset;
 * overlapping hits are merged into the first. With the transcript's shared normalisation, segments
 * that cannot hold 7 digits (too few digits, numerals and words) are not scanned for numbers.
 */
export function detectPii(segments: readonly Segment[], prepared?: PreparedTranscript): PiiHit[] {
  const hits: PiiHit[] = [];
  const found: PiiHit[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as Segment;
    // Resetting an empty array's length is not free in V8: only when needed.
    if (found.length > 0) found.length = 0;
    // A spoken word yields at most 1.5 digits on average ("triple one" is two words, three digits),
    // so a segment with fewer than 7 digits by that bound is not scanned. ("triple 1" gives three
    // digits from one word and one numeral, so a 7-digit run can slip through, but every PII kind
    // needs at least 8 digits, and with 8 or more the bound holds.) letterRuns counts only runs of
    // letters shaped like digit words, so ordinary English prose is not scanned.
    const mayHoldNumber =
      prepared === undefined ||
      2 * (prepared.numeralUnits[index] as number) + 3 * (prepared.letterRuns[index] as number) >= 2 * MIN_RUN_DIGITS;
    if (mayHoldNumber) for (const run of extractDigitRuns(segment.text)) findInRun(run, index, segment, found);
    if (EMAIL_HINT.test(segment.text)) {
      // A written address needs "@"; a spoken one only the hint.
      if (segment.text.includes('@')) findEmails(EMAIL, segment, index, found);
      findEmails(SPOKEN_EMAIL, segment, index, found);
    }
    if (found.length === 0) continue;
    if (found.length > 1) found.sort((a, b) => a.start - b.start || b.end - a.end);
    let lastEnd = -1;
    for (const hit of found) {
      if (hit.start < lastEnd) continue;
      hits.push(hit);
      lastEnd = hit.end;
    }
  }
  return hits;
}

/** Segment texts with every PII span replaced by its mask (e.g. "[BANK_CARD]"); other text unchanged. */
export function redactSegments(segments: readonly Segment[], hits: readonly PiiHit[]): Segment[] {
  const bySegment = new Map<number, PiiHit[]>();
  for (const hit of hits) {
    const list = bySegment.get(hit.segment);
    if (list) list.push(hit);
    else bySegment.set(hit.segment, [hit]);
  }
  return segments.map((segment, index) => {
    const list = bySegment.get(index);
    if (!list) return segment;
    let text = '';
    let at = 0;
    for (const hit of [...list].sort((a, b) => a.start - b.start)) {
      if (hit.start < at) continue;
      text += segment.text.slice(at, hit.start) + PII_MASKS[hit.kind];
      at = hit.end;
    }
    text += segment.text.slice(at);
    return { ...segment, text };
  });
}

/**
 * Audio spans to silence: each hit's interpolated span widened by `paddingS` (default 0.3 s,
 * because word timings inside a segment are estimated), clamped to its segment, merged when they
 * overlap. Sorted by start.
 */
export function computeRedactionSpans(segments: readonly Segment[], hits: readonly PiiHit[], paddingS = 0.3): RedactionSpan[] {
  const raw = hits
    .map((hit) => {
      const seg = segments[hit.segment] as Segment;
      return {
        startS: roundS(Math.max(seg.startS, hit.startS - paddingS)),
        endS: roundS(Math.min(seg.endS, hit.endS + paddingS)),
        kinds: [hit.kind],
      };
    })
    .sort((a, b) => a.startS - b.startS || a.endS - b.endS);
  const merged: Array<{ startS: number; endS: number; kinds: PiiKind[] }> = [];
  for (const span of raw) {
    const last = merged[merged.length - 1];
    if (last && span.startS <= last.endS) {
      last.endS = Math.max(last.endS, span.endS);
      for (const k of span.kinds) if (!last.kinds.includes(k)) last.kinds.push(k);
    } else merged.push({ ...span, kinds: [...span.kinds] });
  }
  return merged;
}
