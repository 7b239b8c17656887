import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text normalised for matching, with a map back to the original string.
 * `text[i]` (also `codes[i]`) came from `original.slice(origStart[i], origEnd[i])`; `wordStart[i]`
 * is 1 when the original character before it was not a Latin letter or digit (a word boundary for
 * English terms).
 */
export interface NormalizedText {
  readonly text: string;
  readonly codes: Uint16Array;
  readonly origStart: Int32Array;
  readonly origEnd: Int32Array;
  readonly wordStart: Uint8Array;
}

let t2sTable: Map<number, string> | undefined;

/** Traditional -> simplified, character by character, built once from opencc-js (t -> cn) on first use. */
function getT2sTable(): Map<number, string> {
  if (t2sTable) return t2sTable;
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const table = new Map<number, string>();
  const ranges: Array<[number, number]> = [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ];
  for (const [from, to] of ranges) {
    const chars: string[] = [];
    for (let c = from; c <= to; c++) chars.push(String.fromCharCode(c));
    // One character per line keeps opencc's phrase table from joining neighbours.
    const converted = convert(chars.join('\n')).split('\n');
    for (let i = 0; i < chars.length; i++) {
      const out = converted[i];
      if (out !== undefined && out !== chars[i]) table.set(from + i, out);
    }
  }
  t2sTable = table;
  return table;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const COMBINING_MARK = /\p{M}/gu;

/**
 * Fold table over BMP code units, filled on first sight of each unit (the result never depends on
 * when). Values: FOLD_UNKNOWN not yet computed; FOLD_JOIN dropped without breaking a word
 * (zero-width, soft hyphen); FOLD_BREAK dropped and breaks a word (space, punctuation, symbol);
 * FOLD_MULTI folds to several units or needs the code point (see foldedString); anything else is
 * the single folded code unit, always a letter or digit (>= 0x30).
 */
export const FOLD_UNKNOWN = 0;
export const FOLD_JOIN = 1;
export const FOLD_BREAK = 2;
export const FOLD_MULTI = 3;
const FOLD = new Uint16Array(0x10000);
const MULTI = new Map<number, string>();
const ASTRAL = new Map<number, string>();

(() => {
  for (let c = 0; c < 0x80; c++) FOLD[c] = FOLD_BREAK;
  for (let c = 0x30; c <= 0x39; c++) FOLD[c] = c;
  for (let c = 0x61; c <= 0x7a; c++) FOLD[c] = c;
  for (let c = 0x41; c <= 0x5a; c++) FOLD[c] = c + 32;
  for (const c of [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xad]) FOLD[c] = FOLD_JOIN;
  // Surrogates need the whole code point.
  for (let c = 0xd800; c <= 0xdfff; c++) FOLD[c] = FOLD_MULTI;
})();

function foldSlow(cp: number): string {
  let out = '';
  for (const ch of String.fromCodePoint(cp).normalize('NFKC')) {
    const simplified = getT2sTable().get(ch.codePointAt(0) ?? 0) ?? ch;
    for (const c of simplified.toLowerCase()) {
      const base = c.normalize('NFD').replace(COMBINING_MARK, '');
      const keep = base.length > 0 && base.charCodeAt(0) < 0x250 ? base : c;
      for (const k of keep) if (LETTER_OR_DIGIT.test(k)) out += k;
    }
  }
  return out;
}

/** Fold table entry of a BMP code unit, computing it on first use. */
export function foldUnit(c: number): number {
  const v = FOLD[c] as number;
  if (v !== FOLD_UNKNOWN) return v;
  const folded = foldSlow(c);
  let entry: number;
  if (folded.length === 0) entry = FOLD_BREAK;
  else if (folded.length === 1 && folded.charCodeAt(0) >= 0x30) entry = folded.charCodeAt(0);
  else {
    entry = FOLD_MULTI;
    MULTI.set(c, folded);
  }
  FOLD[c] = entry;
  return entry;
}

/** The folded string of a code point whose unit folds to FOLD_MULTI ('' when it is dropped). */
export function foldedString(cp: number): string {
  if (cp < 0x10000) return MULTI.get(cp) ?? '';
  let folded = ASTRAL.get(cp);
  if (folded === undefined) {
    folded = foldSlow(cp);
    ASTRAL.set(cp, folded);
  }
  return folded;
}

/**
 * Folds one code point for matching: NFKC (full-width -> half-width, compatibility forms),
 * traditional -> simplified Chinese, lower case, Latin diacritics removed. Separators, punctuation,
 * symbols and zero-width characters fold to ''.
 */
export function foldCodePoint(cp: number): string {
  if (cp >= 0x10000) return foldedString(cp);
  const v = foldUnit(cp);
  if (v === FOLD_JOIN || v === FOLD_BREAK) return '';
  if (v === FOLD_MULTI) return foldedString(cp);
  return String.fromCharCode(v);
}

/** True for a folded code unit that belongs to a Latin word (ASCII lower-case letter or digit). */
export function isLatinWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/** True for a character that belongs to a Latin word (ASCII letter or digit after folding). */
export function isLatinWordChar(ch: string): boolean {
  return isLatinWordCode(ch.charCodeAt(0));
}

/** Per folded code unit: 1 for digits and Chinese numerals (see pii/digit-runs.ts), else 0. */
const NUMERAL = new Uint8Array(0x10000);
for (let c = 0x30; c <= 0x39; c++) NUMERAL[c] = 1;

/** Longest spoken digit word that digitWordShape can mark. */
const MAX_SHAPED_WORD = 7;

/**
 * Shapes of spoken digit words (see pii/digit-runs.ts): 1 at
 * ((first - 'a') * 26 + (last - 'a')) * 8 + length for each word's lower-case first letter, last
 * letter and length.
 */
const DIGIT_WORD_SHAPE = new Uint8Array(26 * 26 * 8);

function shapeIndex(first: number, last: number, length: number): number {
  return ((first - 0x61) * 26 + (last - 0x61)) * 8 + length;
}

/**
 * Marks the shapes (first letter, last letter, length) of spoken digit words, for
 * {@link FoldBuffer.letterRuns}. Throws for a word that is not 1-7 ASCII letters.
 */
export function markSpokenDigitWords(words: Iterable<string>): void {
  for (const w of words) {
    const lower = w.toLowerCase();
    if (!/^[a-z]{1,7}$/u.test(lower)) throw new Error(`Spoken digit word "${w}" must be 1-${MAX_SHAPED_WORD} ASCII letters; the fold's word gate cannot mark it.`);
    DIGIT_WORD_SHAPE[shapeIndex(lower.charCodeAt(0), lower.charCodeAt(lower.length - 1), lower.length)] = 1;
  }
}

/** 1 when the folded letters codes[from .. to) have the shape of a spoken digit word. */
function digitWordShape(codes: Uint16Array, from: number, to: number): number {
  const length = to - from;
  return length <= MAX_SHAPED_WORD ? (DIGIT_WORD_SHAPE[shapeIndex(codes[from] as number, codes[to - 1] as number, length)] as number) : 0;
}

/** Marks folded code units that count as numerals for {@link FoldBuffer.numerals}. */
export function markNumerals(chars: Iterable<string>): void {
  for (const ch of chars) {
    const f = foldUnit(ch.charCodeAt(0));
    if (f >= 0x30) NUMERAL[f] = 1;
  }
}

/**
 * Growable typed buffers the fold writes into: normalised code units with, for each, the offset
 * in the original text it came from and a word-start flag. One buffer serves a whole transcript
 * and may be reused across transcripts.
 */
export class FoldBuffer {
  codes: Uint16Array;
  origStart: Int32Array;
  wordStart: Uint8Array;
  length = 0;
  /**
   * Set by the last foldInto: runs of ASCII letters in the original (any other character ends a
   * run) with the first letter, last letter and length of a word marked by markSpokenDigitWords:
   * an upper bound on the spoken digit words.
   */
  letterRuns = 0;
  /** Set by the last foldInto: folded digits and Chinese numerals. */
  numerals = 0;
  /** Set by the last foldInto: Han characters and ASCII words of the original (see countTextUnits). */
  hanUnits = 0;
  asciiWords = 0;
  /**
   * Per-segment arrays for prepareSegments, reused like the unit arrays: at least
   * `segmentCapacity` entries each, segFrom one more (see reserveSegments).
   */
  segFrom = new Int32Array(0);
  segNumerals = new Int32Array(0);
  segLetterRuns = new Int32Array(0);
  segHan = new Int32Array(0);
  segWords = new Int32Array(0);
  segmentCapacity = -1;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.codes = new Uint16Array(size);
    this.origStart = new Int32Array(size);
    this.wordStart = new Uint8Array(size);
  }

  /**
   * Makes room for the per-segment arrays of `segments` segments (previous contents are dropped).
   * With `exact`, a buffer used once, the counters get exactly `segments` entries (segFrom one more).
   */
  reserveSegments(segments: number, exact = false): void {
    if (segments <= this.segmentCapacity) return;
    let capacity = exact ? segments : Math.max(16, this.segmentCapacity);
    while (capacity < segments) capacity *= 2;
    const counters = exact ? capacity : capacity + 1;
    this.segFrom = new Int32Array(capacity + 1);
    this.segNumerals = new Int32Array(counters);
    this.segLetterRuns = new Int32Array(counters);
    this.segHan = new Int32Array(counters);
    this.segWords = new Int32Array(counters);
    this.segmentCapacity = capacity;
  }

  /** Makes room for `extra` more units. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.codes.length) return;
    let size = this.codes.length * 2;
    while (size < need) size *= 2;
    const codes = new Uint16Array(size);
    codes.set(this.codes.subarray(0, this.length));
    const starts = new Int32Array(size);
    starts.set(this.origStart.subarray(0, this.length));
    const words = new Uint8Array(size);
    words.set(this.wordStart.subarray(0, this.length));
    this.codes = codes;
    this.origStart = starts;
    this.wordStart = words;
  }
}

/** End offset (exclusive) in `original` of the character a normalised unit came from. */
export function originalEnd(original: string, start: number): number {
  const c = original.charCodeAt(start);
  return c >= 0xd800 && c <= 0xdbff && start + 1 < original.length ? start + 2 : start + 1;
}

/**
 * Appends `original`, folded for matching, to `out`: every character folded (see foldCodePoint),
 * separators, punctuation and zero-width characters removed, offsets relative to `original`.
 * One table lookup per code unit; no strings are built. Also counts runs of letters shaped like
 * spoken digit words and numerals (see FoldBuffer) for the PII gate, and the text units of countTextUnits (Han characters, ASCII
 * words with inner apostrophes) so that no other pass over the text is needed for them.
 */
export function foldInto(original: string, out: FoldBuffer): void {
  const n = original.length;
  out.reserve(n);
  let codes = out.codes;
  let starts = out.origStart;
  let words = out.wordStart;
  let len = out.length;
  // 1 when the previous kept unit is Latin and no break came since (a number: the word-start
  // flag is then arithmetic, not a branch).
  let prevLatin = 0;
  // Index in `codes` where the current run of ASCII letters began, or -1 outside a run.
  let runFrom = -1;
  let letterRuns = 0;
  let numerals = 0;
  let hanUnits = 0;
  let asciiWords = 0;
  let inAsciiWord = 0;
  const fold = FOLD;
  const numeral = NUMERAL;
  for (let i = 0; i < n; i++) {
    const c = original.charCodeAt(i);
    if (c < 0x80) {
      // ASCII has its own short path: a letter or digit (always Latin) or a break, never unknown.
      const f = fold[c] as number;
      if (f >= 0x30) {
        asciiWords += 1 - inAsciiWord;
        inAsciiWord = 1;
        if (f >= 0x61) {
          if (runFrom < 0) runFrom = len;
        } else if (runFrom >= 0) {
          letterRuns += digitWordShape(codes, runFrom, len);
          runFrom = -1;
        }
        codes[len] = f;
        starts[len] = i;
        words[len] = 1 - prevLatin;
        numerals += numeral[f] as number;
        prevLatin = 1;
        len++;
      } else {
        if (c !== 0x27) inAsciiWord = 0;
        if (runFrom >= 0) {
          letterRuns += digitWordShape(codes, runFrom, len);
          runFrom = -1;
        }
        prevLatin = 0;
      }
      continue;
    }
    inAsciiWord = 0;
    if (runFrom >= 0) {
      letterRuns += digitWordShape(codes, runFrom, len);
      runFrom = -1;
    }
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) hanUnits++;
    let f = fold[c] as number;
    if (f === FOLD_UNKNOWN) f = foldUnit(c);
    if (f > 0x7a) {
      // Han, kana, Hangul, other scripts: never Latin.
      codes[len] = f;
      starts[len] = i;
      words[len] = 1;
      numerals += numeral[f] as number;
      prevLatin = 0;
      len++;
    } else if (f >= 0x30) {
      const latin = isLatinWordCode(f) ? 1 : 0;
      codes[len] = f;
      starts[len] = i;
      words[len] = 1 - (latin & prevLatin);
      numerals += numeral[f] as number;
      prevLatin = latin;
      len++;
    } else if (f === FOLD_BREAK) {
      prevLatin = 0;
    } else if (f === FOLD_MULTI) {
      const cp = original.codePointAt(i) ?? c;
      const folded = foldedString(cp);
      if (folded.length === 0) {
        prevLatin = 0;
      } else {
        out.length = len;
        out.reserve(folded.length + (n - i));
        codes = out.codes;
        starts = out.origStart;
        words = out.wordStart;
        for (let k = 0; k < folded.length; k++) {
          const fc = folded.charCodeAt(k);
          const latin = isLatinWordCode(fc) ? 1 : 0;
          codes[len] = fc;
          starts[len] = i;
          words[len] = 1 - (latin & prevLatin);
          numerals += NUMERAL[fc] as number;
          prevLatin = latin;
          len++;
        }
      }
      if (cp > 0xffff) i++;
    }
    // Zero-width and format characters (FOLD_JOIN) never break a word for matching ("ri\u200bsk" is one word).
  }
  if (runFrom >= 0) letterRuns += digitWordShape(codes, runFrom, len);
  out.length = len;
  out.letterRuns = letterRuns;
  out.numerals = numerals;
  out.hanUnits = hanUnits;
  out.asciiWords = asciiWords;
}

/** Decodes code units to a string without a per-character allocation. */
export function codesToString(codes: Uint16Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i += 4096) out += String.fromCharCode(...codes.subarray(i, Math.min(to, i + 4096)));
  return out;
}

/**
 * Normalises `original` for matching: every character folded by {@link foldCodePoint}, separators,
 * punctuation and zero-width characters removed (so "保 本", "保-本", "R I S K free" become 保本 /
 * riskfree), with offsets back to the original. Pure and deterministic.
 */
export function normalizeForMatch(original: string): NormalizedText {
  const buf = new FoldBuffer(original.length + 4);
  foldInto(original, buf);
  const len = buf.length;
  const codes = buf.codes.subarray(0, len);
  const origStart = buf.origStart.subarray(0, len);
  const origEnd = new Int32Array(len);
  for (let i = 0; i < len; i++) origEnd[i] = originalEnd(original, origStart[i] as number);
  return { text: codesToString(codes, 0, len), codes, origStart, origEnd, wordStart: buf.wordStart.subarray(0, len) };
}

/** Normalises a lexicon term or phrase exactly like transcript text, without offsets. */
export function normalizeTerm(term: string): string {
  const buf = new FoldBuffer(term.length + 4);
  foldInto(term, buf);
  return codesToString(buf.codes, 0, buf.length);
}

/**
 * Folds text but keeps word separation: each run of dropped characters becomes one space
 * (apostrophes and zero-width characters drop without a space, so "don't" is "dont").
 * Used for tokenising (key phrases, data set keys), not for locating hits.
 */
export function foldKeepingSpaces(original: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of original) {
    const cp = ch.codePointAt(0) ?? 0;
    const folded = foldCodePoint(cp);
    if (folded.length === 0) {
      if (!(cp < 0x10000 && FOLD[cp] === FOLD_JOIN) && cp !== 0x27 && cp !== 0x2019) pendingSpace = true;
      continue;
    }
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    out += folded;
  }
  return out;
}
