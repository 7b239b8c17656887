/**
 * Quantities in Chinese and English speech: a number or a range with its unit, written in digits
 * ("7", "3.5", "3%-4%"), Chinese numerals ("七", "十五", "三点五", "百分之三到百分之四", "一千五")
 * or English words ("seven", "twenty one", "three point five", "three to four percent").
 * Used by the knowledge checks to compare what an agent says with a tenant's facts.
 */

/** What a quantity measures; two quantities compare only within one dimension. */
export type QuantityDimension = 'duration' | 'percent' | 'money' | 'count';

/** A unit, normalised: durations to days, hours, minutes; percent; money in the currency named. */
export type QuantityUnit =
  | 'business_day'
  | 'day'
  | 'hour'
  | 'minute'
  | 'week'
  | 'month'
  | 'year'
  | 'percent'
  | 'yuan'
  | 'dollar'
  | 'times';

/** One quantity found in a text; `start`/`end` index the text given (UTF-16 code units). */
export interface Quantity {
  readonly min: number;
  readonly max: number;
  readonly unit: QuantityUnit;
  readonly dimension: QuantityDimension;
  readonly start: number;
  readonly end: number;
}

const DIMENSION: Readonly<Record<QuantityUnit, QuantityDimension>> = {
  business_day: 'duration',
  day: 'duration',
  hour: 'duration',
  minute: 'duration',
  week: 'duration',
  month: 'duration',
  year: 'duration',
  percent: 'percent',
  yuan: 'money',
  dollar: 'money',
  times: 'count',
};

/** Returns the dimension of a unit. */
export function dimensionOf(unit: QuantityUnit): QuantityDimension {
  return DIMENSION[unit];
}

const ZH_DIGIT: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 幺: 1, 壹: 1, 二: 2, 两: 2, 兩: 2, 贰: 2, 三: 3, 叁: 3, 四: 4, 肆: 4, 五: 5, 伍: 5, 六: 6, 陆: 6,
  七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const ZH_UNIT: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const ZH_BIG: Readonly<Record<string, number>> = { 万: 10_000, 萬: 10_000, 亿: 100_000_000 };
const ZH_NUMERAL_CHARS = new Set([...Object.keys(ZH_DIGIT), ...Object.keys(ZH_UNIT), ...Object.keys(ZH_BIG), '点', '點']);

/**
 * Value of a Chinese numeral string: positional ("十五" 15, "二十一" 21, "一百零五" 105), colloquial
 * ("一千五" 1500, "一百五" 150), plain digit sequences ("二二" 22), decimals ("三点五" 3.5).
 * NaN when it is not a numeral.
 */
export function parseChineseNumeral(s: string): number {
  if (s.length === 0) return Number.NaN;
  const point = s.search(/[点點]/u);
  if (point >= 0) {
    const whole = point === 0 ? 0 : parseChineseNumeral(s.slice(0, point));
    const frac = [...s.slice(point + 1)].map((c) => ZH_DIGIT[c]);
    if (frac.length === 0 || frac.some((d) => d === undefined) || Number.isNaN(whole)) return Number.NaN;
    return Number(`${whole}.${frac.join('')}`);
  }
  const chars = [...s];
  if (chars.every((c) => ZH_DIGIT[c] !== undefined)) return Number(chars.map((c) => ZH_DIGIT[c]).join(''));
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = 0;
  for (const c of chars) {
    const d = ZH_DIGIT[c];
    const u = ZH_UNIT[c];
    const big = ZH_BIG[c];
    if (d !== undefined) {
      if (d === 0) {
        // 零 only marks a skipped place ("一百零五"): the next digit counts as units.
        digit = null;
        lastUnit = 0;
        continue;
      }
      if (digit !== null) return Number.NaN;
      digit = d;
    } else if (u !== undefined) {
      section += (digit ?? 1) * u;
      digit = null;
      lastUnit = u;
    } else if (big !== undefined) {
      section += digit ?? 0;
      total += (section === 0 ? 1 : section) * big;
      section = 0;
      digit = null;
      lastUnit = big;
    } else return Number.NaN;
  }
  // "一千五" is 1500 and "三万五" 35,000: a last digit right after a unit counts a tenth of that unit.
  if (digit !== null) section += lastUnit >= 100 ? (digit * lastUnit) / 10 : digit;
  return total + section;
}

const EN_SMALL: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, a: 1, an: 1,
};
const EN_TENS: Readonly<Record<string, number>> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const EN_SCALE: Readonly<Record<string, number>> = { hundred: 100, thousand: 1000, million: 1_000_000 };
const EN_DIGIT_ONLY: Readonly<Record<string, number>> = { zero: 0, oh: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };

/**
 * Value of English number words ("seven", "twenty one", "a hundred and five", "three point five").
 * NaN when the words are not a number. "a"/"an" alone is not a number.
 */
export function parseEnglishNumber(words: readonly string[]): number {
  if (words.length === 0 || (words.length === 1 && (words[0] === 'a' || words[0] === 'an'))) return Number.NaN;
  const point = words.indexOf('point');
  if (point >= 0) {
    const whole = point === 0 ? 0 : parseEnglishNumber(words.slice(0, point));
    const frac = words.slice(point + 1).map((w) => EN_DIGIT_ONLY[w]);
    if (frac.length === 0 || frac.some((d) => d === undefined) || Number.isNaN(whole)) return Number.NaN;
    return Number(`${whole}.${frac.join('')}`);
  }
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of words) {
    if (w === 'and') continue;
    const small = EN_SMALL[w];
    const tens = EN_TENS[w];
    const scale = EN_SCALE[w];
    if (small !== undefined) current += small;
    else if (tens !== undefined) current += tens;
    else if (scale !== undefined) {
      current = (current === 0 ? 1 : current) * scale;
      if (scale >= 1000) {
        total += current;
        current = 0;
      }
    } else return Number.NaN;
    any = true;
  }
  return any ? total + current : Number.NaN;
}

const EN_NUMBER_WORDS = new Set([...Object.keys(EN_SMALL), ...Object.keys(EN_TENS), ...Object.keys(EN_SCALE), 'point', 'and', 'oh']);

/** A number (digits, Chinese numeral or English words) or a Latin word, with its offsets. */
interface Token {
  readonly kind: 'number' | 'word';
  readonly value: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Numbers and Latin words only: Chinese text between them is never tokenised (units and range
 * words are read from the text at the number's end), so a long Chinese sentence costs one regex scan.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /(\d+(?:[.,]\d+)*)|([零〇一幺壹二两兩贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿点點]+)|([A-Za-z]+(?:['’][A-Za-z]+)?)/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) {
      const v = Number(m[1].replace(/,(?=\d{3}\b)/gu, '').replace(',', '.'));
      if (!Number.isNaN(v)) tokens.push({ kind: 'number', value: v, text: m[1], start, end });
    } else if (m[2] !== undefined) {
      pushChineseNumerals(m[2], start, tokens);
    } else tokens.push({ kind: 'word', value: Number.NaN, text: (m[3] as string).toLowerCase(), start, end });
  }
  return mergeEnglishNumbers(tokens, text);
}

/** A Han run of numeral characters; "一" alone (一下, 一点), "百" of 百分之 and a lone "点" are not numbers. */
function pushChineseNumerals(run: string, start: number, tokens: Token[]): void {
  const body = run.replace(/^[点點]+|[点點]+$/gu, '');
  const lead = run.indexOf(body);
  if (body.length === 0) return;
  const value = parseChineseNumeral(body);
  // "百分之三": a lone 百 belongs to the percent word; a lone 一 is 一下 / 一点, not a number.
  if (Number.isNaN(value) || body === '一' || body === '万' || body === '千' || body === '百') return;
  tokens.push({ kind: 'number', value, text: body, start: start + lead, end: start + lead + body.length });
}

/** Joins runs of English number words separated by spaces or hyphens only ("twenty one", "twenty-one"). */
function mergeEnglishNumbers(tokens: readonly Token[], text: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const startsNumber =
      t.kind === 'word' &&
      EN_NUMBER_WORDS.has(t.text) &&
      t.text !== 'and' &&
      t.text !== 'point' &&
      ((t.text !== 'a' && t.text !== 'an') || EN_SCALE[(tokens[i + 1] as Token | undefined)?.text ?? ''] !== undefined);
    if (!startsNumber) {
      out.push(t);
      continue;
    }
    let j = i;
    const words: string[] = [];
    while (j < tokens.length) {
      const u = tokens[j] as Token;
      if (u.kind !== 'word' || !EN_NUMBER_WORDS.has(u.text)) break;
      if (j > i && !/^[\s-]*$/u.test(text.slice((tokens[j - 1] as Token).end, u.start))) break;
      // "and" joins only after a scale ("a hundred and five"), never two numbers ("three and four").
      if (u.text === 'and' && EN_SCALE[words[words.length - 1] ?? ''] === undefined) break;
      words.push(u.text);
      j++;
    }
    while (words.length > 0 && (words[words.length - 1] === 'and' || words[words.length - 1] === 'point')) {
      words.pop();
      j--;
    }
    const value = parseEnglishNumber(words);
    if (Number.isNaN(value) || words.length === 0) {
      out.push(t);
      continue;
    }
    out.push({ kind: 'number', value, text: words.join(' '), start: t.start, end: (tokens[j - 1] as Token).end });
    i = j - 1;
  }
  return out;
}

/** Chinese and symbol units right after a number (spaces allowed between), longest first. */
const ZH_UNITS: ReadonlyArray<readonly [string, QuantityUnit]> = [
  ['个工作日', 'business_day'],
  ['工作日', 'business_day'],
  ['个自然日', 'day'],
  ['自然日', 'day'],
  ['个小时', 'hour'],
  ['小时', 'hour'],
  ['分钟', 'minute'],
  ['个星期', 'week'],
  ['星期', 'week'],
  ['个礼拜', 'week'],
  ['个月', 'month'],
  ['块钱', 'yuan'],
  ['天', 'day'],
  ['周', 'week'],
  ['年', 'year'],
  ['%', 'percent'],
  ['％', 'percent'],
  ['元', 'yuan'],
  ['块', 'yuan'],
  ['次', 'times'],
];
/** English unit words after a number; "business" / "working" and "per" need a second word. */
const EN_UNIT_WORDS: ReadonlyMap<string, QuantityUnit> = new Map([
  ['day', 'day'], ['days', 'day'], ['hour', 'hour'], ['hours', 'hour'], ['minute', 'minute'], ['minutes', 'minute'],
  ['week', 'week'], ['weeks', 'week'], ['month', 'month'], ['months', 'month'], ['year', 'year'], ['years', 'year'],
  ['percent', 'percent'], ['dollar', 'dollar'], ['dollars', 'dollar'], ['bucks', 'dollar'], ['yuan', 'yuan'], ['rmb', 'yuan'],
  ['times', 'times'],
]);

/** The ASCII word starting at `at` (lower case) and its end; '' when none. */
function wordAt(text: string, at: number): { word: string; end: number } {
  let e = at;
  while (e < text.length) {
    const c = text.charCodeAt(e);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) break;
    e++;
  }
  return { word: text.slice(at, e).toLowerCase(), end: e };
}

function skipSpaces(text: string, at: number): number {
  let p = at;
  while (p < text.length && (text[p] === ' ' || text[p] === '\u3000' || text[p] === '\t')) p++;
  return p;
}

/** The unit starting at `at` (spaces skipped), with its end; null when none. */
function unitAt(text: string, at: number): { unit: QuantityUnit; end: number } | null {
  const p = skipSpaces(text, at);
  for (const [u, unit] of ZH_UNITS) if (text.startsWith(u, p)) return { unit, end: p + u.length };
  const first = wordAt(text, p);
  if (first.word.length === 0) return null;
  const unit = EN_UNIT_WORDS.get(first.word);
  if (unit) return { unit, end: first.end };
  if (first.word === 'business' || first.word === 'working' || first.word === 'per') {
    const second = wordAt(text, skipSpaces(text, first.end));
    if (first.word === 'per' ? second.word === 'cent' : second.word === 'day' || second.word === 'days') {
      return { unit: first.word === 'per' ? 'percent' : 'business_day', end: second.end };
    }
  }
  return null;
}

/** Range words between two numbers ("3-4", "三到四", "3 to 4", "between 3 and 4"). */
const RANGE_SYMBOLS = ['-', '–', '—', '~', '～', '到', '至', '或'];
const RANGE_WORDS = new Set(['to', 'or', 'and']);

function rangeAt(text: string, at: number, between: boolean): number {
  const p = skipSpaces(text, at);
  for (const sym of RANGE_SYMBOLS) if (text.startsWith(sym, p)) return p + sym.length;
  const w = wordAt(text, p);
  if (RANGE_WORDS.has(w.word) && (w.word !== 'and' || between)) return w.end;
  return -1;
}

/** 百分之 just before `at` (spaces skipped): the start of that prefix, or -1. */
function percentPrefixBefore(text: string, at: number): number {
  let p = at;
  while (p > 0 && (text[p - 1] === ' ' || text[p - 1] === '\u3000')) p--;
  return p >= 3 && text.startsWith('百分之', p - 3) ? p - 3 : -1;
}

/**
 * Every quantity with a unit in `text`, in order. A number without a recognisable unit is not a
 * quantity (order numbers, phone digits). Ranges ("3%-4%", "3到4个工作日", "三到五天", "between
 * three and four percent") give min < max; single values give min = max. Dates ("3月7日") are not
 * durations (months need 个月). Deterministic; one regex scan plus work per number found.
 */
export function findQuantities(text: string): Quantity[] {
  const tokens = tokenize(text);
  const out: Quantity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'number') continue;
    const percentStart = percentPrefixBefore(text, t.start);
    const start = percentStart >= 0 ? percentStart : t.start;
    let unit: QuantityUnit | null = percentStart >= 0 ? 'percent' : null;
    let end = t.end;
    const first = unit === null ? unitAt(text, t.end) : null;
    if (first) {
      unit = first.unit;
      end = first.end;
    }
    let min = t.value;
    let max = t.value;
    const between = (tokens[i - 1] as Token | undefined)?.text === 'between';
    const afterConnector = rangeAt(text, end, between);
    let k = i + 1;
    while (afterConnector >= 0 && k < tokens.length && (tokens[k] as Token).end <= afterConnector) k++;
    const next = tokens[k];
    if (afterConnector >= 0 && next && next.kind === 'number') {
      let p = skipSpaces(text, afterConnector);
      if (text.startsWith('百分之', p)) p = skipSpaces(text, p + 3);
      if (p === next.start) {
        const secondUnit = unitAt(text, next.end);
        const u = secondUnit?.unit ?? (text.startsWith('百分之', skipSpaces(text, afterConnector)) ? 'percent' : unit);
        if (u !== null && (unit === null || unit === u)) {
          min = Math.min(t.value, next.value);
          max = Math.max(t.value, next.value);
          unit = u;
          end = secondUnit ? secondUnit.end : next.end;
          i = k;
        }
      }
    }
    if (unit === null) continue;
    out.push({ min, max, unit, dimension: DIMENSION[unit], start, end });
  }
  return out;
}
