import { AhoCorasick } from '../text/aho-corasick';
import { IntHashMap } from '../text/int-hash-map';
import { foldKeepingSpaces, isLatinWordCode, normalizeTerm } from '../text/normalize';
import type { PreparedTranscript } from '../text/segment-text';

/**
 * English stop words: ignored when mining key phrases and free (neither matched nor counted in the
 * window) when matching demand phrases.
 */
export const EN_STOP: ReadonlySet<string> = new Set(
  `a an the and or but if then so to of in on at for from by with about as is are was were be been being am do does did
  done have has had having i me my mine we our you your yours he him his she her it its they them their this that these those
  there here what which who whom whose when where why how not no yes yeah ok okay oh uh um hmm please thanks thank hello hi
  hey can could would should will shall may might must just also very really too more most some any all each every much many
  than like get got go going gone want wanted need needed know think said say tell told one two three well sure right now
  still already again im ive id youre thats dont doesnt didnt cant wont isnt wasnt arent let lets x s t`.split(/\s+/u),
);

/**
 * Matching-only extras: fillers of spoken English, and the heads of contractions that the shared
 * normalisation splits at the apostrophe ("hasn't" is read as "hasn" + "t").
 */
const EN_MATCH_STOP = new Set([
  ...EN_STOP,
  ...'yet into onto way even ever since because today kind sort bit quite actually basically literally'.split(' '),
  ...'don doesn didn isn wasn aren weren haven hasn hadn couldn wouldn shouldn ain won'.split(' '),
]);

/**
 * Negators are kept as one unit ("hasn't arrived", "has not arrived" and "never arrived" alike),
 * so that "it has arrived" does not match "has not arrived". Deciding whether the customer negates
 * a demand as a whole ("the refund was not complicated") is not attempted.
 */
const EN_NEGATORS = new Set(
  'not never cannot t nt dont doesnt didnt cant wont isnt wasnt arent werent havent hasnt hadnt couldnt wouldnt shouldnt aint'.split(' '),
);

/** Suffixes stripped (first that fits, longest first) before a stem is cut to STEM_CHARS. */
const EN_SUFFIXES = ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'es', 's', 'ly', 'al', 'e'];
const STEM_CHARS = 6;

/**
 * Light English stem: one inflectional suffix off, a doubled final consonant undone after -ed/-ing
 * ("stopped" -> "stop"), then the first six letters unless more than nine remain, so
 * "complicated", "complicate" and "complication" share "compli" while "complete" ("comple") and
 * "brokenhearted" ("brokenheart", not "broken") do not. Always a prefix of `word`.
 */
export function stemEnglish(word: string): string {
  let s = word;
  for (const suffix of EN_SUFFIXES) {
    if (s.length - suffix.length < 3 || !s.endsWith(suffix)) continue;
    if (suffix === 's' && s.endsWith('ss')) continue;
    s = s.slice(0, -suffix.length);
    if ((suffix === 'ed' || suffix === 'ing') && s.length >= 4 && s[s.length - 1] === s[s.length - 2] && !'aeioulsz'.includes(s[s.length - 1] as string)) {
      s = s.slice(0, -1);
    }
    break;
  }
  // Longer remainders are compounds or rare words: cutting them would join "brokenhearted" to "broken".
  return s.length <= STEM_CHARS + 3 ? s.slice(0, STEM_CHARS) : s;
}

/**
 * Chinese words dropped from a phrase before tolerant matching: degree adverbs and particles that
 * paraphrases add, drop or swap (退款流程太复杂了 / 退款的流程很复杂 for 退款流程复杂).
 */
const ZH_PHRASE_FILLERS = ['非常', '特别', '这么', '那么', '真的', '有点', '实在', '太', '很', '挺', '蛮', '的', '了', '啊', '呀', '吧', '呢', '吗', '嘛', '哦'];

/**
 * Characters that may sit between matched characters without counting towards the window: the
 * fillers above plus particles, demonstratives and adverbs of speech (也, 都, 还, 这个, 一点).
 * They never match by themselves.
 */
const ZH_FREE = new Uint8Array(0x10000);
for (const ch of '的地得了着过太很挺蛮真超非常特别有点些一这那个么都也就又还再啊呀吧呢吗嘛哦哎呃嗯哈啦呐') ZH_FREE[ch.charCodeAt(0)] = 1;

/**
 * The only phrase characters a paraphrase may leave out: free characters, pronouns and light
 * verbs (还没收到货 for 没有收到货). A content character never is, so 给我回电话 does not match
 * 给我打电话 and 怎么还没到 does not match 怎么还没给我打电话.
 */
const ZH_MISSABLE = new Uint8Array(0x10000);
for (const ch of '我你您他她它们给把被在是') ZH_MISSABLE[ch.charCodeAt(0)] = 1;
for (let c = 0; c < 0x10000; c++) if (ZH_FREE[c] === 1) ZH_MISSABLE[c] = 1;

/** English unit ids: 0 stop word (free), 1 a word no phrase uses, 2 a negator, >= 3 a phrase stem. */
const EN_FREE_ID = 0;
const EN_OTHER_ID = 1;
const EN_NEG_ID = 2;
const EN_FREE = new Uint8Array(1);
EN_FREE[EN_FREE_ID] = 1;

interface ExactPhrase {
  readonly category: number;
  readonly length: number;
  readonly latinStart: boolean;
  readonly latinEnd: boolean;
}

interface TolerantPhrase {
  readonly category: number;
  readonly english: boolean;
  /** Chinese: content code units; English: unit ids. */
  readonly units: Int32Array;
  /** Units that must be found, in order. */
  readonly required: number;
  /** 1 for units that may be missing from a match. */
  readonly missable: Uint8Array;
  /** Distinct anchor slots a segment must hold before the phrase is scored (see DemandSpanFinder). */
  readonly anchorsNeeded: number;
  /**
   * Pairs of consecutive units a match must hold next to each other: Chinese strictly adjacent
   * (these are the anchors), English with only stop words between.
   */
  readonly pairsNeeded: number;
  /** Longest span, counting matched units and non-free units between them. */
  readonly window: number;
}

/** Demand phrases compiled for exact and tolerant matching; immutable, shared across analyses. */
export interface CompiledDemandPhrases {
  /** Exact phrases then anchors, in one automaton. */
  readonly automaton: AhoCorasick;
  readonly exact: readonly ExactPhrase[];
  /** Per anchor pattern (index - exact.length): pairs (tolerant phrase, anchor slot of that phrase). */
  readonly anchorTargets: readonly Int32Array[];
  /** 1 for anchors that must start on a Latin word start (English stems). */
  readonly anchorLatin: Uint8Array;
  readonly anchorLength: Int32Array;
  readonly tolerant: readonly TolerantPhrase[];
  readonly stemIds: ReadonlyMap<string, number>;
}

function isHanCode(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/** Chinese content: the normalised phrase without fillers. */
function chineseContent(normalized: string): string {
  let s = normalized;
  for (const filler of ZH_PHRASE_FILLERS) s = s.split(filler).join('');
  return s;
}

function englishUnit(word: string, stemIds: Map<string, number> | ReadonlyMap<string, number>, add: boolean): number {
  if (EN_NEGATORS.has(word)) return EN_NEG_ID;
  if (EN_MATCH_STOP.has(word)) return EN_FREE_ID;
  const stem = stemEnglish(word);
  let id = stemIds.get(stem);
  if (id === undefined) {
    if (!add) return EN_OTHER_ID;
    id = stemIds.size + 3;
    (stemIds as Map<string, number>).set(stem, id);
  }
  return id;
}

/**
 * Compiles phrases per category (index into `phrases`). Every phrase matches verbatim after
 * normalisation (the first category wins for a phrase listed twice); a phrase with at least three
 * Chinese content characters, two English content words or one English word alone also matches
 * paraphrases (see DemandSpanFinder.findInSegment).
 */
export function compileDemandPhrases(phrases: ReadonlyArray<readonly string[]>): CompiledDemandPhrases {
  const patterns: string[] = [];
  const exact: ExactPhrase[] = [];
  const seen = new Set<string>();
  const tolerant: TolerantPhrase[] = [];
  const stemIds = new Map<string, number>();
  const anchorIndex = new Map<string, number>();
  const anchorBuild: Array<{ targets: Map<number, number>; latin: boolean }> = [];
  const addAnchor = (anchor: string, target: number, slot: number, latin: boolean) => {
    const key = `${latin ? 'e' : 'z'}:${anchor}`;
    let index = anchorIndex.get(key);
    if (index === undefined) {
      index = anchorBuild.length;
      anchorIndex.set(key, index);
      anchorBuild.push({ targets: new Map(), latin });
    }
    (anchorBuild[index] as { targets: Map<number, number> }).targets.set(target, slot);
  };
  const anchorPatterns: string[] = [];

  phrases.forEach((list, category) => {
    for (const phrase of list) {
      const normalized = normalizeTerm(phrase);
      if (normalized.length === 0 || seen.has(normalized)) continue;
      seen.add(normalized);
      patterns.push(normalized);
      exact.push({
        category,
        length: normalized.length,
        latinStart: isLatinWordCode(normalized.charCodeAt(0)),
        latinEnd: isLatinWordCode(normalized.charCodeAt(normalized.length - 1)),
      });
      let hasHan = false;
      for (let i = 0; i < normalized.length; i++) if (isHanCode(normalized.charCodeAt(i))) hasHan = true;
      const index = tolerant.length;
      if (hasHan) {
        const content = chineseContent(normalized);
        const n = content.length;
        if (n < 3) continue;
        const units = Int32Array.from(content, (ch) => ch.charCodeAt(0));
        // Paraphrases may drop one character in five and stretch the span by a third.
        const missable = Uint8Array.from(units, (u) => ZH_MISSABLE[u] as number);
        const required = n - Math.floor((n - 1) / 4);
        const pairs = [...new Set(Array.from({ length: n - 1 }, (_, i) => content.slice(i, i + 2)))].slice(0, 30);
        // Two adjacent pairs from four characters on (退款…麻烦 for 退款太麻烦), one below (物流很慢 for 物流太慢).
        const pairsNeeded = Math.min(n >= 4 ? 2 : 1, pairs.length);
        tolerant.push({ category, english: false, units, missable, required, window: n + Math.max(1, Math.floor(n / 3)), anchorsNeeded: pairsNeeded, pairsNeeded });
        pairs.forEach((pair, slot) => addAnchor(pair, index, slot, false));
      } else {
        const words = foldKeepingSpaces(phrase).split(' ').filter((w) => w.length > 0);
        const ids = words.map((w) => englishUnit(w, stemIds, true)).filter((id) => id !== EN_FREE_ID);
        const n = ids.length;
        // One content word among stop words ("where is my order") is too little to go on; a
        // one-word phrase ("invoice", "damaged") matches its inflections ("invoices", "damage").
        const single = words.length === 1 && n === 1 && (ids[0] as number) >= 3;
        if ((n < 2 && !single) || ids.every((id) => id === EN_NEG_ID)) continue;
        const missable = Uint8Array.from(ids, (id) => (id === EN_NEG_ID ? 0 : 1));
        const required = n <= 3 ? n : n - 1;
        // Every stem (up to 30, one bit each) is an anchor; a match holds all of them but the ones it may miss.
        const stems = [...new Set(words.filter((w) => englishUnit(w, stemIds, false) >= 3).map(stemEnglish))].slice(0, 30);
        const anchorsNeeded = Math.max(1, stems.length - (n - required));
        tolerant.push({ category, english: true, units: Int32Array.from(ids), missable, required, window: n + Math.max(1, Math.floor(n / 2)), anchorsNeeded, pairsNeeded: single ? 0 : 1 });
        stems.forEach((stem, slot) => addAnchor(stem, index, slot, true));
      }
    }
  });
  for (const [key] of anchorIndex) anchorPatterns.push(key.slice(2));
  return {
    automaton: AhoCorasick.build([...patterns, ...anchorPatterns]),
    exact,
    anchorTargets: anchorBuild.map((a) => Int32Array.from([...a.targets].flat())),
    anchorLatin: Uint8Array.from(anchorBuild, (a) => (a.latin ? 1 : 0)),
    anchorLength: Int32Array.from(anchorPatterns, (a) => a.length),
    tolerant,
    stemIds,
  };
}

/**
 * Greedy in-order match of `phrase` in `seq[start .. to)`, with `seq[start]` matching unit `k`.
 * A later unit not found inside the window is skipped (at most units - required of them, the
 * leading k included), and only missable ones. Needs `pairsNeeded` pairs of consecutive units
 * next to each other, so that scattered single characters never add up to a match. Returns the
 * end of the match or -1.
 */
function matchFrom(seq: Int32Array, start: number, to: number, phrase: TolerantPhrase, k: number, free: Uint8Array): number {
  const { units, required, window, missable, pairsNeeded } = phrase;
  const strict = !phrase.english;
  const n = units.length;
  const allowedMisses = n - required;
  const rawLimit = Math.min(to, start + window * 3);
  let missed = k;
  let matched = 1;
  let span = 1;
  let last = start;
  let lastUnit = k;
  let pairs = 0;
  let next = start + 1;
  for (let m = k + 1; m < n; m++) {
    const target = units[m] as number;
    let gap = 0;
    let found = -1;
    for (let q = next; q < rawLimit; q++) {
      const u = seq[q] as number;
      if (u === target) {
        if (span + gap < window) found = q;
        break;
      }
      if (free[u] !== 1 && span + ++gap >= window) break;
    }
    if (found < 0) {
      if (++missed > allowedMisses || missable[m] !== 1) return -1;
      continue;
    }
    if (lastUnit === m - 1 && (strict ? found === last + 1 : gap === 0)) pairs++;
    matched++;
    span += gap + 1;
    last = found;
    lastUnit = m;
    next = found + 1;
  }
  return matched >= required && pairs >= pairsNeeded ? last + 1 : -1;
}

/** Appends (start, end) unit positions of the matches of `phrase` in `seq[0 .. length)` to `out`. */
function scanPhrase(seq: Int32Array, length: number, phrase: TolerantPhrase, free: Uint8Array, out: number[]): void {
  const { units, required, missable } = phrase;
  let lastStart = 0;
  while (lastStart < units.length - required && missable[lastStart] === 1) lastStart++;
  for (let i = 0; i < length; i++) {
    const u = seq[i] as number;
    for (let k = 0; k <= lastStart; k++) {
      if (units[k] !== u) continue;
      const end = matchFrom(seq, i, length, phrase, k, free);
      if (end < 0) continue;
      out.push(i, end);
      i = end - 1;
      break;
    }
  }
}

/**
 * Finds demand phrases segment by segment. Holds the scratch a search needs, so one finder serves
 * any number of transcripts with almost no allocation; not for overlapping use.
 */
export class DemandSpanFinder {
  private readonly exactHits: number[] = [];
  private readonly candidates: number[] = [];
  private readonly touched: number[] = [];
  private readonly slotsSeen: Int32Array;
  private readonly slotCount: Int32Array;
  private readonly found: number[] = [];
  private zh: Int32Array = new Int32Array(64);
  private en: Int32Array = new Int32Array(64);
  private enFrom: Int32Array = new Int32Array(64);
  private enTo: Int32Array = new Int32Array(64);
  private enLength = 0;
  private wordUnits = new IntHashMap(1024);
  private readonly longWordUnits = new Map<string, number>();
  private wordStart: Uint8Array = new Uint8Array(0);
  private segTo = 0;
  private readonly onMatch: (index: number, end: number) => void;

  constructor(private readonly compiled: CompiledDemandPhrases) {
    this.slotsSeen = new Int32Array(compiled.tolerant.length);
    this.slotCount = new Int32Array(compiled.tolerant.length);
    const { exact, anchorTargets, anchorLatin, anchorLength, tolerant } = compiled;
    const exactCount = exact.length;
    this.onMatch = (index, end) => {
      const wordStart = this.wordStart;
      if (index < exactCount) {
        const term = exact[index] as ExactPhrase;
        const start = end - term.length;
        if (term.latinStart && wordStart[start] !== 1) return;
        if (term.latinEnd && end < this.segTo && wordStart[end] !== 1) return;
        this.exactHits.push(index, start, end);
        return;
      }
      const anchor = index - exactCount;
      if (anchorLatin[anchor] === 1 && wordStart[end - (anchorLength[anchor] as number)] !== 1) return;
      const targets = anchorTargets[anchor] as Int32Array;
      const { slotsSeen, slotCount } = this;
      for (let t = 0; t < targets.length; t += 2) {
        const p = targets[t] as number;
        const bit = 1 << (targets[t + 1] as number);
        const seen = slotsSeen[p] as number;
        if ((seen & bit) !== 0) continue;
        if (seen === 0) this.touched.push(p);
        slotsSeen[p] = seen | bit;
        const count = (slotCount[p] as number) + 1;
        slotCount[p] = count;
        if (count === (tolerant[p] as TolerantPhrase).anchorsNeeded) this.candidates.push(p);
      }
    };
  }

  /**
   * Demand phrase matches in one segment, appended to `out` as (category, start, end) triples over
   * `prepared.codes`. Exact phrases match as sensitive words do (Latin edges on word boundaries, a
   * hit nested in a longer exact hit dropped). A tolerant phrase matches where its content units
   * occur in order inside a window a little longer than the phrase: Chinese characters without
   * fillers, at most one in five left out and only a filler, pronoun or light verb, with two pairs
   * of the phrase's consecutive characters adjacent in the text (one for three-character phrases;
   * the automaton finds these pairs, so only segments holding enough of them are scored); English
   * stems without stop words, one of four or more may be left out, two consecutive ones with only
   * stop words between them (the automaton finds the stems at word starts, and a phrase is scored
   * only where enough of them occur). Negation of the demand as a whole is not detected.
   */
  findInSegment(prepared: PreparedTranscript, segment: number, out: number[]): void {
    const { codes, segFrom } = prepared;
    const from = segFrom[segment] as number;
    const to = segFrom[segment + 1] as number;
    if (to <= from) return;
    const { exactHits, candidates, touched } = this;
    // Resetting an empty array's length is not free in V8: only when needed.
    if (exactHits.length > 0) exactHits.length = 0;
    if (candidates.length > 0) candidates.length = 0;
    this.wordStart = prepared.wordStart;
    this.segTo = to;
    this.compiled.automaton.searchCodes(codes, from, to, this.onMatch);
    for (const p of touched) {
      this.slotsSeen[p] = 0;
      this.slotCount[p] = 0;
    }
    if (touched.length > 0) touched.length = 0;
    if (exactHits.length > 0) appendExact(this.compiled, exactHits, out);
    if (candidates.length === 0) return;
    let zhReady = false;
    let enReady = false;
    const found = this.found;
    for (const p of candidates) {
      const phrase = this.compiled.tolerant[p] as TolerantPhrase;
      if (found.length > 0) found.length = 0;
      if (!phrase.english) {
        if (!zhReady) {
          this.zh = fillCodes(this.zh, codes, from, to);
          zhReady = true;
        }
        scanPhrase(this.zh, to - from, phrase, ZH_FREE, found);
        for (let k = 0; k < found.length; k += 2) out.push(phrase.category, from + (found[k] as number), from + (found[k + 1] as number));
        continue;
      }
      if (!enReady) {
        this.tokenize(prepared, from, to);
        enReady = true;
      }
      scanPhrase(this.en, this.enLength, phrase, EN_FREE, found);
      for (let k = 0; k < found.length; k += 2) {
        out.push(phrase.category, this.enFrom[found[k] as number] as number, this.enTo[(found[k + 1] as number) - 1] as number);
      }
    }
  }

  /**
   * Unit id of the folded word codes[from .. to), memoised (up to WORD_MEMO words, then the memo
   * starts afresh). Words of up to ten letters are keyed by their letters packed in base 37, so the
   * common case builds no string.
   */
  private wordUnit(codes: Uint16Array, from: number, to: number): number {
    if (to - from > 10) {
      const word = String.fromCharCode.apply(null, codes.subarray(from, to) as unknown as number[]);
      let id = this.longWordUnits.get(word);
      if (id === undefined) {
        id = englishUnit(word, this.compiled.stemIds, false);
        if (this.longWordUnits.size >= WORD_MEMO) this.longWordUnits.clear();
        this.longWordUnits.set(word, id);
      }
      return id;
    }
    let key = 0;
    let key2 = 0;
    for (let i = Math.min(to, from + 5) - 1; i >= from; i--) key = key * 37 + letterDigit(codes[i] as number);
    for (let i = to - 1; i >= from + 5; i--) key2 = key2 * 37 + letterDigit(codes[i] as number);
    let id = this.wordUnits.get(key, key2);
    if (id < 0) {
      id = englishUnit(String.fromCharCode.apply(null, codes.subarray(from, to) as unknown as number[]), this.compiled.stemIds, false);
      if (this.wordUnits.size >= WORD_MEMO) this.wordUnits = new IntHashMap(1024);
      this.wordUnits.set(key, id, key2);
    }
    return id;
  }

  /** Latin words of codes[from .. to) as unit ids; each run of other characters is one non-free unit. */
  private tokenize(prepared: PreparedTranscript, from: number, to: number): void {
    const { codes, wordStart } = prepared;
    if (this.en.length < to - from) {
      this.en = new Int32Array(2 * (to - from));
      this.enFrom = new Int32Array(2 * (to - from));
      this.enTo = new Int32Array(2 * (to - from));
    }
    const { en, enFrom, enTo } = this;
    let n = 0;
    let i = from;
    while (i < to) {
      const start = i;
      if (isLatinWordCode(codes[i] as number)) {
        i++;
        while (i < to && wordStart[i] !== 1 && isLatinWordCode(codes[i] as number)) i++;
        en[n] = this.wordUnit(codes, start, i);
      } else {
        i++;
        while (i < to && !isLatinWordCode(codes[i] as number)) i++;
        en[n] = EN_OTHER_ID;
      }
      enFrom[n] = start;
      enTo[n] = i;
      n++;
    }
    this.enLength = n;
  }
}

const WORD_MEMO = 20_000;

/** 1-26 for a-z, 27-36 for 0-9: a base-37 digit that is never 0. */
function letterDigit(c: number): number {
  return c >= 0x61 ? c - 0x60 : c - 0x30 + 27;
}

/** codes[from .. to) as Int32 units in `buffer` (grown when too small). */
function fillCodes(buffer: Int32Array, codes: Uint16Array, from: number, to: number): Int32Array {
  const out = buffer.length >= to - from ? buffer : new Int32Array(2 * (to - from));
  for (let i = from; i < to; i++) out[i - from] = codes[i] as number;
  return out;
}

/** Appends exact hits to `out` as (category, start, end), dropping those nested in a longer exact hit. */
function appendExact(compiled: CompiledDemandPhrases, hits: number[], out: number[]): void {
  const count = hits.length / 3;
  const order: number[] = [];
  for (let h = 0; h < count; h++) order.push(h * 3);
  if (count > 1) {
    order.sort((a, b) => (hits[a + 1] as number) - (hits[b + 1] as number) || (hits[b + 2] as number) - (hits[a + 2] as number) || (hits[a] as number) - (hits[b] as number));
  }
  let coveredTo = -1;
  for (const h of order) {
    const hitTo = hits[h + 2] as number;
    if (hitTo <= coveredTo) continue;
    coveredTo = hitTo;
    out.push((compiled.exact[hits[h] as number] as ExactPhrase).category, hits[h + 1] as number, hitTo);
  }
}
