import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text normalised for matching, with a map back to the original string.
 * `text[i]` came from `original.slice(origStart[i], origEnd[i])`; `wordStart[i]` is 1 when the
 * original character before it was not a Latin letter or digit (a word boundary for English terms).
 */
export interface NormalizedText {
  readonly text: string;
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
/** Folded form of each BMP code unit ('' = dropped); filled lazily, deterministic. */
const foldCache: Array<string | undefined> = new Array(0x10000);

/**
 * Folds one code point for matching: NFKC (full-width -> half-width, compatibility forms),
 * traditional -> simplified Chinese, lower case, Latin diacritics removed. Separators, punctuation,
 * symbols and zero-width characters fold to ''.
 */
export function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    if (cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 32);
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39)) return String.fromCharCode(cp);
    return '';
  }
  if (cp < 0x10000) {
    const cached = foldCache[cp];
    if (cached !== undefined) return cached;
    const folded = foldSlow(cp);
    foldCache[cp] = folded;
    return folded;
  }
  return foldSlow(cp);
}

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

/** True for a character that belongs to a Latin word (ASCII letter or digit after folding). */
export function isLatinWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Normalises `original` for matching: every character folded by {@link foldCodePoint}, separators,
 * punctuation and zero-width characters removed (so "保 本", "保-本", "R I S K free" become 保本 /
 * riskfree), with offsets back to the original. Pure and deterministic.
 */
export function normalizeForMatch(original: string): NormalizedText {
  const n = original.length;
  const origStart = new Int32Array(n * 2 + 4);
  const origEnd = new Int32Array(n * 2 + 4);
  const wordStart = new Uint8Array(n * 2 + 4);
  let text = '';
  let len = 0;
  let prevLatin = false;
  let starts: Int32Array = origStart;
  let ends: Int32Array = origEnd;
  let words: Uint8Array = wordStart;
  for (let i = 0; i < n; ) {
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const folded = foldCodePoint(cp);
    if (folded.length === 0) {
      // Zero-width and format characters never break a word: "ri\u200bsk" is one word.
      if (!isInvisible(cp)) prevLatin = false;
    } else {
      for (let k = 0; k < folded.length; k++) {
        if (len >= starts.length) {
          starts = grow(starts);
          ends = grow(ends);
          words = growBytes(words);
        }
        const ch = folded[k] as string;
        const latin = isLatinWordChar(ch);
        starts[len] = i;
        ends[len] = i + width;
        words[len] = latin && prevLatin ? 0 : 1;
        prevLatin = latin;
        len++;
      }
      text += folded;
    }
    i += width;
  }
  return { text, origStart: starts.subarray(0, len), origEnd: ends.subarray(0, len), wordStart: words.subarray(0, len) };
}

/** Normalises a lexicon term or phrase exactly like transcript text, without offsets. */
export function normalizeTerm(term: string): string {
  let out = '';
  for (const ch of term) out += foldCodePoint(ch.codePointAt(0) ?? 0);
  return out;
}

/**
 * Folds text but keeps word separation: each run of dropped characters becomes one space.
 * Used for tokenising (emotion features, key phrases), not for locating hits.
 */
export function foldKeepingSpaces(original: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of original) {
    const cp = ch.codePointAt(0) ?? 0;
    const folded = foldCodePoint(cp);
    if (folded.length === 0) {
      if (!isInvisible(cp) && cp !== 0x27 && cp !== 0x2019) pendingSpace = true;
      continue;
    }
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    out += folded;
  }
  return out;
}

function isInvisible(cp: number): boolean {
  return cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff || cp === 0xad;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function growBytes(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}
