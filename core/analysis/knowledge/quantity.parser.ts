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

/** A token: a number (digits, Chinese numeral or English words) or a piece of text. */
interface Token {
  readonly kind: 'number' | 'text';
  readonly value: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /(\d+(?:[.,]\d+)*)|([零〇一幺壹二两兩贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿点點]+)|([A-Za-z]+(?:['’][A-Za-z]+)?)|(\s+)|([^\s])/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) {
      const v = Number(m[1].replace(/,(?=\d{3}\b)/gu, '').replace(',', '.'));
      tokens.push({ kind: Number.isNaN(v) ? 'text' : 'number', value: v, text: m[1], start, end });
    } else if (m[2] !== undefined) {
      pushChineseNumerals(m[2], start, tokens);
    } else if (m[3] !== undefined) {
      tokens.push({ kind: 'text', value: Number.NaN, text: m[3].toLowerCase(), start, end });
    } else if (m[4] !== undefined) {
      continue;
    } else tokens.push({ kind: 'text', value: Number.NaN, text: m[0], start, end });
  }
  return mergeEnglishNumbers(tokens);
}

/** A Han run of numeral characters; "一下", "一点" (a little) and a lone "点" are not numbers. */
function pushChineseNumerals(run: string, start: number, tokens: Token[]): void {
  const trimmed = run.replace(/^[点點]+|[点點]+$/gu, '');
  const lead = run.indexOf(trimmed);
  const value = parseChineseNumeral(trimmed);
  if (trimmed.length === 0 || Number.isNaN(value) || trimmed === '一' || trimmed === '万' || trimmed === '千' || trimmed === '百') {
    tokens.push({ kind: 'text', value: Number.NaN, text: run, start, end: start + run.length });
    return;
  }
  tokens.push({ kind: 'number', value, text: trimmed, start: start + lead, end: start + lead + trimmed.length });
  if (lead + trimmed.length < run.length) tokens.push({ kind: 'text', value: Number.NaN, text: run.slice(lead + trimmed.length), start: start + lead + trimmed.length, end: start + run.length });
}

function mergeEnglishNumbers(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'text' || !EN_NUMBER_WORDS.has(t.text) || t.text === 'and' || t.text === 'point' || t.text === 'a' || t.text === 'an') {
      // "a hundred": an article only starts a number when a scale word follows.
      if ((t.text === 'a' || t.text === 'an') && EN_SCALE[(tokens[i + 1] as Token | undefined)?.text ?? ''] !== undefined) {
        // fall through to the run below
      } else {
        out.push(t);
        continue;
      }
    }
    let j = i;
    const words: string[] = [];
    while (j < tokens.length && tokens[j]!.kind === 'text' && EN_NUMBER_WORDS.has(tokens[j]!.text)) {
      // "and" joins only after a scale ("a hundred and five"), never two numbers ("three and four").
      if (tokens[j]!.text === 'and' && EN_SCALE[words[words.length - 1] ?? ''] === undefined) break;
      words.push(tokens[j]!.text);
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
    out.push({ kind: 'number', value, text: words.join(' '), start: t.start, end: tokens[j - 1]!.end });
    i = j - 1;
  }
  return out;
}

/** Unit phrases after a number, longest first, as token text sequences. */
const UNIT_AFTER: ReadonlyArray<readonly [readonly string[], QuantityUnit]> = [
  [['个', '工', '作', '日'], 'business_day'],
  [['工', '作', '日'], 'business_day'],
  [['business', 'days'], 'business_day'],
  [['business', 'day'], 'business_day'],
  [['working', 'days'], 'business_day'],
  [['working', 'day'], 'business_day'],
  [['个', '自', '然', '日'], 'day'],
  [['自', '然', '日'], 'day'],
  [['个', '小', '时'], 'hour'],
  [['小', '时'], 'hour'],
  [['分', '钟'], 'minute'],
  [['个', '星', '期'], 'week'],
  [['星', '期'], 'week'],
  [['个', '礼', '拜'], 'week'],
  [['个', '月'], 'month'],
  [['块', '钱'], 'yuan'],
  [['天'], 'day'],
  [['周'], 'week'],
  [['年'], 'year'],
  [['%'], 'percent'],
  [['％'], 'percent'],
  [['元'], 'yuan'],
  [['块'], 'yuan'],
  [['次'], 'times'],
  [['per', 'cent'], 'percent'],
  [['percent'], 'percent'],
  [['days'], 'day'],
  [['day'], 'day'],
  [['hours'], 'hour'],
  [['hour'], 'hour'],
  [['minutes'], 'minute'],
  [['weeks'], 'week'],
  [['week'], 'week'],
  [['months'], 'month'],
  [['month'], 'month'],
  [['years'], 'year'],
  [['year'], 'year'],
  [['dollars'], 'dollar'],
  [['bucks'], 'dollar'],
  [['yuan'], 'yuan'],
  [['rmb'], 'yuan'],
  [['times'], 'times'],
];

/** Splits Han text tokens into single characters, so unit phrases match character by character. */
function explode(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'text' && t.text.length > 1 && /^[\u3400-\u9fff]+$/u.test(t.text)) {
      [...t.text].forEach((c, k) => out.push({ kind: 'text', value: Number.NaN, text: c, start: t.start + k, end: t.start + k + 1 }));
    } else out.push(t);
  }
  return out;
}

function unitAt(tokens: readonly Token[], i: number): { unit: QuantityUnit; next: number } | null {
  for (const [phrase, unit] of UNIT_AFTER) {
    let ok = true;
    for (let k = 0; k < phrase.length; k++) {
      const t = tokens[i + k];
      if (!t || t.kind !== 'text' || t.text !== phrase[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return { unit, next: i + phrase.length };
  }
  return null;
}

const RANGE_WORDS = new Set(['-', '–', '—', '~', '～', '到', '至', 'to', '或', 'or']);

function isPercentPrefix(tokens: readonly Token[], i: number): boolean {
  // 百分之 is tokenised as the numeral 百 (text) + 分 + 之, or as "百" text; accept either shape.
  const a = tokens[i - 3];
  const b = tokens[i - 2];
  const c = tokens[i - 1];
  return !!a && !!b && !!c && a.text === '百' && b.text === '分' && c.text === '之';
}

/**
 * Every quantity with a unit in `text`, in order. A number without a recognisable unit is not a
 * quantity (order numbers, phone digits). Ranges ("3%-4%", "3到4个工作日", "三到五天", "between
 * three and four percent") give min < max; single values give min = max. Dates ("3月7日") are not
 * durations. Deterministic and linear in the text.
 */
export function findQuantities(text: string): Quantity[] {
  const tokens = explode(splitPercentPrefix(tokenize(text)));
  const out: Quantity[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'number') continue;
    const percentBefore = isPercentPrefix(tokens, i);
    const start = percentBefore ? tokens[i - 3]!.start : t.start;
    let j = i + 1;
    let min = t.value;
    let max = t.value;
    let unit: QuantityUnit | null = percentBefore ? 'percent' : null;
    let end = t.end;
    const first = percentBefore ? null : unitAt(tokens, j);
    if (first) {
      unit = first.unit;
      end = tokens[first.next - 1]!.end;
      j = first.next;
    }
    // A range: connector then a second number, optionally with its own 百分之 / unit.
    const connector = tokens[j];
    const isBetween = tokens[i - 1]?.text === 'between' && connector?.text === 'and';
    if (connector && (RANGE_WORDS.has(connector.text) || isBetween)) {
      let k = j + 1;
      if (tokens[k]?.text === '百' && tokens[k + 1]?.text === '分' && tokens[k + 2]?.text === '之') k += 3;
      const second = tokens[k];
      if (second && second.kind === 'number') {
        const secondUnit = unitAt(tokens, k + 1);
        const u = secondUnit?.unit ?? unit;
        if (u !== null && (unit === null || unit === u || k > j + 1)) {
          min = Math.min(t.value, second.value);
          max = Math.max(t.value, second.value);
          unit = u;
          end = secondUnit ? tokens[secondUnit.next - 1]!.end : second.end;
          j = secondUnit ? secondUnit.next : k + 1;
          i = k;
        }
      }
    }
    if (unit === null) continue;
    out.push({ min, max, unit, dimension: DIMENSION[unit], start, end });
  }
  return out.filter((q) => !isDate(text, q));
}

/** 百分之三 is tokenised as the numeral 百 followed by 分之三: split it back into 百 分 之 + 三. */
function splitPercentPrefix(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.kind === 'number' && t.text.endsWith('百') && next && next.kind === 'text' && next.text.startsWith('分之')) {
      const head = t.text.slice(0, -1);
      if (head.length > 0) out.push({ kind: 'number', value: parseChineseNumeral(head), text: head, start: t.start, end: t.end - 1 });
      out.push({ kind: 'text', value: Number.NaN, text: '百', start: t.end - 1, end: t.end });
      continue;
    }
    if (t.kind === 'text' && (t.text === '百' || t.text.endsWith('百')) && next?.kind === 'text' && next.text.startsWith('分之')) {
      out.push({ ...t, text: '百', start: t.end - 1 });
      continue;
    }
    out.push(t);
  }
  return out;
}

function isDate(text: string, q: Quantity): boolean {
  // "3月7日" / "7号": only 天 and 工作日 count as day units, but guard "月" followed by a day number.
  return q.unit === 'month' && /^\s*[\d零〇一二三四五六七八九十]+\s*[日号]/u.test(text.slice(q.end));
}
