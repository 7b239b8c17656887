/**
 * Negation scope for sensitive words (issue 18): "不保本", "我们不能保证收益", "returns are not
 * guaranteed", "we cannot promise a guaranteed return" deny the forbidden promise instead of making
 * it. Only lexicon entries marked `negatable` are ever cleared; abuse stays abuse when negated.
 *
 * The rule reads the original text before the hit, inside its clause (clause punctuation ends the
 * scope): after skipping up to three "bridge" words (modal and light verbs, pronouns, articles:
 * 能 / 会 / 是 / 承诺 / 给您, can / promise / a / the), the text must end with a negator
 * (不 / 没 / 无 / 非 / 未 / 别, not / no / never / cannot / n't ...). A negator that is itself negated
 * ("不是不保本", "not that it is not ...") is a double negation and clears nothing. Anything else
 * between negator and term ("不用担心，保本", "不错保本") keeps the hit: the rule errs towards reporting.
 */

/** How negation and disclaimers clear hits; part of the analysis settings (AnalysisConfigInput.negation). */
export interface NegationOptions {
  /** false: no hit is cleared by negation (disclaimers still clear). Default true. */
  readonly enabled?: boolean;
  /** Extra negators, Chinese (e.g. "绝非") or English words (e.g. "hardly"). */
  readonly negators?: readonly string[];
  /** Extra bridge words allowed between a negator and the term (e.g. "向您", "offer"). */
  readonly bridges?: readonly string[];
}

/** Negation rules compiled once per configuration; immutable. */
export interface CompiledNegation {
  readonly zhNegators: readonly string[];
  readonly zhBridges: readonly string[];
  readonly enNegators: ReadonlySet<string>;
  readonly enBridges: ReadonlySet<string>;
  /** Last characters of the Chinese negators and bridges: a hit preceded by none of them is not negated (fast path). */
  readonly zhLastChars: ReadonlySet<string>;
}

const ZH_NEGATORS = ['并非', '绝不', '从不', '从未', '没有', '没法', '无法', '不能', '没', '不', '无', '非', '未', '别', '勿', '莫'];
const ZH_BRIDGES = [
  '能够', '可以', '可能', '承诺', '保证', '确保', '担保', '允诺', '答应', '敢', '能', '会', '是', '可', '给您', '给你', '向您', '跟您', '给',
  '您', '你', '我们', '我', '帮您', '帮你', '做到', '一定', '完全', '绝对', '任何', '属于', '算', '的', '并', '也', '都', '所谓',
];
const EN_NEGATORS = [
  'not', 'no', 'never', 'cannot', 'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt',
  'shouldnt', 'couldnt', 'havent', 'hasnt', 'without', 'nor', 'neither', 'none', 'nothing', 'nt',
];
const EN_BRIDGES = [
  'be', 'been', 'being', 'is', 'are', 'was', 'were', 'a', 'an', 'the', 'any', 'to', 'we', 'i', 'you', 'it', 'this', 'that', 'there',
  'can', 'could', 'will', 'would', 'do', 'does', 'did', 'offer', 'offers', 'promise', 'promises', 'provide', 'provides', 'make',
  'makes', 'give', 'gives', 'able', 'allowed', 'legally', 'necessarily', 'really', 'always', 'such', 'truly', 'guarantee', 'ever',
  'actually', 'product', 'products', 'fund', 'plan', 'investment', 'our', 'your', 'its', 'as', 'of', 'at', 'all',
];

/** Clause punctuation (ASCII and full width) and line breaks end a negation scope. */
const CLAUSE_END = new Set([...',.;:!?，。；：！？、\n\r…']);

/** How many bridge words may sit between negator and term. */
const MAX_BRIDGES = 3;
/** How far back (characters of the original text) the rule reads. */
const LOOK_BACK = 48;

const foldWord = (w: string) => w.toLowerCase().replace(/['’]/gu, '');

/** Compiles the default rules plus the tenant's extra negators and bridges. */
export function compileNegation(options: NegationOptions = {}): CompiledNegation | null {
  if (options.enabled === false) return null;
  const zhNeg = [...ZH_NEGATORS];
  const zhBridge = [...ZH_BRIDGES];
  const enNeg = new Set(EN_NEGATORS);
  const enBridge = new Set(EN_BRIDGES);
  for (const n of options.negators ?? []) {
    const t = n.trim();
    if (t.length === 0) continue;
    if (/[a-z]/iu.test(t)) enNeg.add(foldWord(t));
    else zhNeg.push(t);
  }
  for (const b of options.bridges ?? []) {
    const t = b.trim();
    if (t.length === 0) continue;
    if (/[a-z]/iu.test(t)) enBridge.add(foldWord(t));
    else zhBridge.push(t);
  }
  // Longest first, so "并非" wins over "非" and "给您" over "给".
  const byLength = (a: string, b: string) => b.length - a.length;
  const zhLastChars = new Set([...zhNeg, ...zhBridge].map((w) => w[w.length - 1] as string));
  return { zhNegators: zhNeg.sort(byLength), zhBridges: zhBridge.sort(byLength), enNegators: enNeg, enBridges: enBridge, zhLastChars };
}

/** The clause before `start`, without spaces between Han characters (ASR spaces them at random). */
function clauseBefore(text: string, start: number): string {
  let from = start;
  while (from > 0 && start - from < LOOK_BACK && !CLAUSE_END.has(text[from - 1] as string)) from--;
  return text.slice(from, start);
}

function isHanCode(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/** Strips up to MAX_BRIDGES bridge words from the end of a Han string, then a negator; returns what precedes, or null. */
function stripZhNegation(s: string, rules: CompiledNegation): string | null {
  let rest = s;
  for (let i = 0; i <= MAX_BRIDGES; i++) {
    const neg = rules.zhNegators.find((n) => rest.endsWith(n));
    if (neg) return rest.slice(0, -neg.length);
    if (i === MAX_BRIDGES) break;
    const bridge = rules.zhBridges.find((b) => rest.endsWith(b));
    if (!bridge) return null;
    rest = rest.slice(0, -bridge.length);
  }
  return null;
}

/** The same on English words (folded, last word last); returns the words before the negator, or null. */
function stripEnNegation(words: readonly string[], rules: CompiledNegation): string[] | null {
  let end = words.length;
  for (let i = 0; i <= MAX_BRIDGES && end > 0; i++) {
    const w = words[end - 1] as string;
    if (rules.enNegators.has(w)) return words.slice(0, end - 1);
    if (i === MAX_BRIDGES || !rules.enBridges.has(w)) return null;
    end--;
  }
  return null;
}

/**
 * True when the hit starting at `start` (offset into the original `text`) is inside a negation
 * scope under `rules` (see the module comment), and that negation is not itself negated.
 * Pure and allocation-light: reads at most LOOK_BACK characters before the hit.
 */
export function isNegatedBefore(text: string, start: number, rules: CompiledNegation): boolean {
  // Fast path: the character before the hit (spaces skipped) must end a negator or a bridge word,
  // or be a Latin letter (English is checked by words below).
  let k = start - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\u3000' || text[k] === '\t')) k--;
  if (k < 0) return false;
  const prev = text.charCodeAt(k);
  const latin = (prev >= 0x41 && prev <= 0x5a) || (prev >= 0x61 && prev <= 0x7a) || prev === 0x27 || prev === 0x2019;
  if (!latin && !rules.zhLastChars.has(text[k] as string)) return false;
  const clause = clauseBefore(text, start);
  if (clause.length === 0) return false;
  const trimmed = clause.replace(/\s+$/u, '');
  const last = trimmed.charCodeAt(trimmed.length - 1);
  if (isHanCode(last)) {
    let han = '';
    for (let i = trimmed.length - 1; i >= 0; i--) {
      const c = trimmed.charCodeAt(i);
      if (isHanCode(c)) han = trimmed[i] + han;
      else if (c !== 0x20 && c !== 0x3000 && c !== 0x09) break;
    }
    const before = stripZhNegation(han, rules);
    return before !== null && stripZhNegation(before, rules) === null;
  }
  const words = (trimmed.match(/[A-Za-z]+(?:['’][A-Za-z]+)*/gu) ?? []).map(foldWord);
  // "isn't" folds to "isnt"; a bare "n't" left by tokenising ("is n't") folds to "nt".
  const before = stripEnNegation(words, rules);
  return before !== null && stripEnNegation(before, rules) === null;
}
