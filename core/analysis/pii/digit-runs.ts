/**
 * A run of digits found in text, written as digits or spoken as words ("六二二二", "幺三八",
 * "four one one one", "oh" for 0, "double five"). Digit i came from the original text's
 * [starts[i], ends[i]); `groupStarts` are the digit indices that follow a separator.
 */
export interface DigitRun {
  readonly digits: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly groupStarts: readonly number[];
  readonly plusPrefix: boolean;
}

/** Chinese numerals read as digits (traditional and financial forms included). */
export const CJK_DIGITS: Readonly<Record<string, string>> = {
  '零': '0', '〇': '0', '一': '1', '幺': '1', '壹': '1', '二': '2', '两': '2', '兩': '2', '贰': '2',
  '貳': '2', '三': '3', '叁': '3', '參': '3', '四': '4', '肆': '4', '五': '5', '伍': '5', '六': '6', '陆': '6', '陸': '6',
  '七': '7', '柒': '7', '八': '8', '捌': '8', '九': '9', '玖': '9',
};
const EN_DIGITS: Readonly<Record<string, number>> = {
  zero: 0, oh: 0, o: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, niner: 9,
};
/** Word codes beyond digits 0-9. */
const WORD_NONE = -1;
/** "oh"/"o" only count as 0 inside a run, so "oh, my card ..." does not start one. */
const WORD_ZERO_INSIDE = 10;
const WORD_DOUBLE = 12;
const WORD_TRIPLE = 13;
const WORD_X = 14;
/** Characters that may sit between the digits of one number. */
const SEPARATORS = [' ', '-', '.', ',', '、', '，', '—', '–', '(', ')', '\u00a0', '\u3000', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '/', '\t'];

/** Per UTF-16 code unit: 0-9 digit value, SEP, LETTER, PLUS or OTHER. Built once. */
const OTHER = -1;
const SEP = 10;
const LETTER = 11;
const PLUS = 12;
const CLASS = (() => {
  const table = new Int8Array(0x10000).fill(OTHER);
  for (let c = 0x30; c <= 0x39; c++) table[c] = c - 0x30;
  for (let c = 0xff10; c <= 0xff19; c++) table[c] = c - 0xff10;
  for (const [ch, d] of Object.entries(CJK_DIGITS)) table[ch.charCodeAt(0)] = Number(d);
  for (const ch of SEPARATORS) table[ch.charCodeAt(0)] = SEP;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = LETTER;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = LETTER;
  table[0x2b] = PLUS;
  table[0xff0b] = PLUS;
  return table;
})();

/** Minimum length that can be a phone number; shorter runs are never returned. */
export const MIN_RUN_DIGITS = 7;
const MAX_WORD = 6;

function hashWordAt(text: string, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + (text.charCodeAt(i) | 0x20)) | 0;
  return h;
}

/** Spoken-number words by hash of their lower-case letters; verified letter by letter on lookup. */
const WORDS = (() => {
  const map = new Map<number, { word: string; code: number }>();
  const add = (word: string, code: number) => map.set(hashWordAt(word, 0, word.length), { word, code });
  for (const [word, d] of Object.entries(EN_DIGITS)) add(word, word === 'oh' || word === 'o' ? WORD_ZERO_INSIDE : d);
  add('double', WORD_DOUBLE);
  add('triple', WORD_TRIPLE);
  add('x', WORD_X);
  return map;
})();

/** Every word the scanner reads as (part of) a number. */
export const SPOKEN_DIGIT_WORDS: readonly string[] = [...WORDS.values()].map((e) => e.word);

/** First letters (lower case) of the words above: other words are rejected without hashing. */
const FIRST_LETTER = (() => {
  const table = new Uint8Array(128);
  for (const { word } of WORDS.values()) table[word.charCodeAt(0)] = 1;
  return table;
})();

function wordCode(text: string, from: number, to: number): number {
  if (to - from > MAX_WORD || FIRST_LETTER[text.charCodeAt(from) | 0x20] !== 1) return WORD_NONE;
  const entry = WORDS.get(hashWordAt(text, from, to));
  if (entry === undefined || entry.word.length !== to - from) return WORD_NONE;
  for (let k = 0; k < entry.word.length; k++) if ((text.charCodeAt(from + k) | 0x20) !== entry.word.charCodeAt(k)) return WORD_NONE;
  return entry.code;
}

/** Scanner state; reused across texts so that digit-free text allocates nothing but the result. */
class RunBuilder {
  runs: DigitRun[] = [];
  digits = '';
  starts: number[] = [];
  ends: number[] = [];
  groupStarts: number[] = [];
  plusPrefix = false;
  pendingPlus = false;
  sawSeparator = false;
  repeat = 1;
  lastWritten = false;

  /** Starts a new text; the runs of the previous one stay with its caller. */
  reset(): void {
    this.runs = [];
    this.digits = '';
    this.starts.length = 0;
    this.ends.length = 0;
    this.groupStarts.length = 0;
    this.plusPrefix = false;
    this.pendingPlus = false;
    this.sawSeparator = false;
    this.repeat = 1;
    this.lastWritten = false;
  }

  flush(): void {
    if (this.digits.length >= MIN_RUN_DIGITS) {
      this.runs.push({ digits: this.digits, starts: this.starts, ends: this.ends, groupStarts: this.groupStarts, plusPrefix: this.plusPrefix });
      this.starts = [];
      this.ends = [];
      this.groupStarts = [];
    } else if (this.digits.length > 0) {
      this.starts.length = 0;
      this.ends.length = 0;
      this.groupStarts.length = 0;
    }
    this.digits = '';
    this.plusPrefix = false;
    this.sawSeparator = false;
    this.repeat = 1;
  }

  // A switch between written and spoken digits starts a new group: "6222…7890一共" keeps the card intact.
  push(digit: number, start: number, end: number, written: boolean): void {
    if (this.digits.length === 0) {
      this.plusPrefix = this.pendingPlus;
      this.groupStarts.push(0);
    } else if (this.sawSeparator || written !== this.lastWritten) this.groupStarts.push(this.digits.length);
    this.lastWritten = written;
    this.sawSeparator = false;
    for (let r = 0; r < this.repeat; r++) {
      this.digits += String.fromCharCode(0x30 + digit);
      this.starts.push(start);
      this.ends.push(end);
    }
    this.repeat = 1;
  }
}

/** Shared scanner: extractDigitRuns is synchronous, so two calls never use it at once. */
const builder = new RunBuilder();

/**
 * Extracts runs of at least 7 digits from a segment's text. Digits may be ASCII, full-width,
 * Chinese numerals (including 幺 for 1, 两 for 2, financial forms) or English words, mixed freely;
 * an X straight after 17 digits is kept as the ID check character. Pure, linear time; text
 * without digits costs one table lookup per code unit and allocates nothing beyond the result.
 */
export function extractDigitRuns(text: string): DigitRun[] {
  const b = builder;
  b.reset();
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    const kind = CLASS[c] as number;
    if (kind >= 0 && kind <= 9) {
      b.push(kind, i, i + 1, c < 0x80 || (c >= 0xff10 && c <= 0xff19));
      i++;
      continue;
    }
    if (kind === LETTER) {
      let j = i + 1;
      while (j < n && CLASS[text.charCodeAt(j)] === LETTER) j++;
      const code = wordCode(text, i, j);
      if (code === WORD_X && b.digits.length === 17) {
        b.digits += 'X';
        b.starts.push(i);
        b.ends.push(j);
        i = j;
        b.flush();
        continue;
      }
      if (code >= 0 && code <= 9) {
        b.push(code, i, j, false);
        i = j;
        continue;
      }
      if (code === WORD_ZERO_INSIDE && b.digits.length > 0) {
        b.push(0, i, j, false);
        i = j;
        continue;
      }
      if (code === WORD_DOUBLE || code === WORD_TRIPLE) {
        b.repeat = code === WORD_DOUBLE ? 2 : 3;
        i = j;
        continue;
      }
      if (b.digits.length > 0) b.flush();
      b.pendingPlus = false;
      i = j;
      continue;
    }
    if (kind === SEP) {
      if (b.digits.length > 0) b.sawSeparator = true;
      i++;
      continue;
    }
    if (b.digits.length > 0) b.flush();
    b.pendingPlus = kind === PLUS;
    b.repeat = 1;
    i++;
  }
  b.flush();
  return b.runs;
}
