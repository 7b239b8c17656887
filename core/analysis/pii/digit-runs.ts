/**
 * A run of digits found in text, written as digits or spoken as words ("六二二二", "幺三八",
 * "four one one one", "oh" for 0, "double five"). `spans[i]` is the [start, end) of digit i in
 * the original text; `groupStarts` are the digit indices that follow a separator.
 */
export interface DigitRun {
  readonly digits: string;
  readonly spans: ReadonlyArray<readonly [number, number]>;
  readonly groupStarts: readonly number[];
  readonly plusPrefix: boolean;
}

const CJK_DIGITS: Readonly<Record<string, string>> = {
  '零': '0', '〇': '0', '一': '1', '幺': '1', '壹': '1', '二': '2', '两': '2', '兩': '2', '贰': '2',
  '貳': '2', '三': '3', '叁': '3', '參': '3', '四': '4', '肆': '4', '五': '5', '伍': '5', '六': '6', '陆': '6', '陸': '6',
  '七': '7', '柒': '7', '八': '8', '捌': '8', '九': '9', '玖': '9',
};
const EN_DIGITS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7',
  eight: '8', nine: '9', niner: '9',
};
const REPEAT: Readonly<Record<string, number>> = { double: 2, triple: 3 };
/** Words that only count as 0 inside a run, so "oh, my card ..." does not start one. */
const ZERO_ONLY_INSIDE = new Set(['oh', 'o']);
/** Characters that may sit between the digits of one number. */
const SEPARATORS = new Set([' ', '-', '.', ',', '、', '，', '—', '–', '(', ')', '\u00a0', '\u3000', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '/', '\t']);

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
const MIN_RUN_DIGITS = 7;

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Extracts runs of at least 7 digits from a segment's text. Digits may be ASCII, full-width,
 * Chinese numerals (including 幺 for 1, 两 for 2, financial forms) or English words, mixed freely;
 * an X straight after 17 digits is kept as the ID check character. Pure, linear time.
 */
export function extractDigitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let digits = '';
  let spans: Array<readonly [number, number]> = [];
  let groupStarts: number[] = [];
  let plusPrefix = false;
  let pendingPlus = false;
  let sawSeparator = false;
  let repeat = 1;
  let lastWritten = false;

  const flush = () => {
    if (digits.length >= MIN_RUN_DIGITS) runs.push({ digits, spans, groupStarts, plusPrefix });
    digits = '';
    spans = [];
    groupStarts = [];
    plusPrefix = false;
    sawSeparator = false;
    repeat = 1;
  };
  // A switch between written and spoken digits starts a new group: "6222…7890一共" keeps the card intact.
  const push = (digit: string, start: number, end: number, written: boolean) => {
    if (digits.length === 0) {
      plusPrefix = pendingPlus;
      groupStarts.push(0);
    } else if (sawSeparator || written !== lastWritten) groupStarts.push(digits.length);
    lastWritten = written;
    sawSeparator = false;
    for (let r = 0; r < repeat; r++) {
      digits += digit;
      spans.push([start, end]);
    }
    repeat = 1;
  };

  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const kind = CLASS[c] as number;
    if (kind >= 0 && kind <= 9) {
      push(String.fromCharCode(0x30 + kind), i, i + 1, c < 0x80 || (c >= 0xff10 && c <= 0xff19));
      i++;
      continue;
    }
    if (kind === LETTER) {
      let j = i + 1;
      while (j < text.length && isAsciiLetter(text.charCodeAt(j))) j++;
      const word = text.slice(i, j).toLowerCase();
      const spoken = EN_DIGITS[word];
      if (word === 'x' && digits.length === 17) {
        digits += 'X';
        spans.push([i, j]);
        i = j;
        flush();
        continue;
      }
      if (spoken !== undefined && !(ZERO_ONLY_INSIDE.has(word) && digits.length === 0)) {
        push(spoken, i, j, false);
        i = j;
        continue;
      }
      const times = REPEAT[word];
      if (times !== undefined) {
        repeat = times;
        i = j;
        continue;
      }
      if (digits.length > 0) flush();
      pendingPlus = false;
      i = j;
      continue;
    }
    if (kind === SEP) {
      if (digits.length > 0) sawSeparator = true;
      i++;
      continue;
    }
    if (digits.length > 0) flush();
    pendingPlus = kind === PLUS;
    repeat = 1;
    i++;
  }
  flush();
  return runs;
}
