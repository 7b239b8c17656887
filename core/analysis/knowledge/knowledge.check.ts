/**
 * Product-knowledge checks (产品知识准确率, DOMAIN R-QA-3, issue 18): the tenant writes facts with
 * a number in them ("退款 7 个工作日到账", "年化收益 3%-4%", "refunds arrive within 7 business
 * days"); an agent sentence that talks about the same thing with another number is flagged with its
 * evidence, one that says the same is counted as confirmed.
 */
import { CallsightError } from '../../shared/errors';
import { stemEnglish } from '../demands/demand-phrase.matcher';
import { compileNegation, isNegatedBefore } from '../lexicon/negation.rules';
import { foldCodePoint, foldKeepingSpaces, normalizeTerm } from '../text/normalize';
import { roundS, timeAtOffset, type PreparedTranscript } from '../text/segment-text';
import { AhoCorasick } from '../text/aho-corasick';
import type { Segment, Speaker } from '../transcript.types';
import { findQuantities, type Quantity, type QuantityDimension, type QuantityUnit } from './quantity.parser';

/** A tenant fact; part of the analysis settings (AnalysisConfigInput.knowledgeFacts). */
export interface KnowledgeFact {
  /** Stable id, shown in findings and scorecard evidence. */
  readonly id: string;
  /**
   * The fact as written, with exactly one quantity (a number or range with a unit: days, business
   * days, hours, %, 元 ...) in digits, Chinese numerals or English words.
   */
  readonly statement: string;
  /**
   * What a sentence must mention for the fact to apply: every group must match, a group being one
   * keyword or a list of synonyms. Default: the statement's words around the quantity (Chinese runs
   * of two or more characters such as 退款 / 到账, English content words compared by stem).
   */
  readonly keywords?: ReadonlyArray<string | readonly string[]>;
}

interface KeywordGroup {
  readonly zh: readonly string[];
  /** English alternatives, each a list of word stems that must all appear. */
  readonly en: ReadonlyArray<readonly string[]>;
}

interface CompiledFact {
  readonly id: string;
  readonly expected: Quantity;
  readonly groups: readonly KeywordGroup[];
}

/** Facts compiled once per configuration; immutable. */
export interface CompiledKnowledge {
  readonly facts: readonly CompiledFact[];
  /**
   * Every keyword (Chinese words, English stems) as a pattern over the shared normalisation, with
   * the (fact, group) it belongs to: a segment is parsed only when, for some fact, every group has a
   * pattern in it. A gate only: the exact check runs on the sentence afterwards.
   */
  readonly gate: AhoCorasick | null;
  readonly gateTargets: readonly (readonly [number, number])[];
}

/** A quantity as stated, without offsets. */
export interface StatedQuantity {
  readonly min: number;
  readonly max: number;
  readonly unit: QuantityUnit;
}

/**
 * One agent sentence about a fact. `start`/`end` index the original segment text (the quantity
 * said); times in seconds. No transcript text is copied.
 */
export interface KnowledgeFinding {
  readonly factId: string;
  readonly verdict: 'contradicts' | 'consistent';
  readonly segment: number;
  readonly speaker: Speaker;
  readonly startS: number;
  readonly endS: number;
  readonly start: number;
  readonly end: number;
  readonly said: StatedQuantity;
  readonly expected: StatedQuantity;
}

/** The knowledge check of one call. */
export interface KnowledgeCheck {
  /** Sentences that mentioned a fact with a comparable quantity. */
  readonly checked: number;
  readonly contradictions: readonly KnowledgeFinding[];
  readonly confirmations: readonly KnowledgeFinding[];
}

const ZH_FILLERS = /个|在|内|以内|之内|大约|大概|约|为|是|的|会|能|可以|一般|通常|左右|预计|将|就|都|了|最多|最少|至少|以上|以下|需要|要|大致/gu;
const EN_STOP = new Set(
  `a an the and or of to in on at for by with within about around approximately up is are was were be been will would can could
  usually typically normally generally take takes taking it its your our we you they this that these those from after before
  than less more at most least up over under just only per`.split(/\s+/u),
);

function invalid(message: string): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message);
}

const isHan = (ch: string) => /[\u3400-\u9fff]/u.test(ch);

function englishStems(text: string, folded = foldKeepingSpaces(text)): string[] {
  return folded
    .split(' ')
    .filter((w) => /^[a-z]+$/u.test(w) && !EN_STOP.has(w))
    .map(stemEnglish);
}

function compileGroup(alternatives: readonly string[]): KeywordGroup {
  const zh: string[] = [];
  const en: string[][] = [];
  for (const alt of alternatives) {
    const folded = foldKeepingSpaces(alt);
    if ([...folded].some(isHan)) zh.push(folded.replace(/ /gu, ''));
    else {
      const stems = englishStems(alt);
      if (stems.length > 0) en.push(stems);
    }
  }
  return { zh, en };
}

/** Keyword groups derived from the statement without its quantity. */
function deriveGroups(statement: string, quantity: Quantity): KeywordGroup[] {
  const rest = `${statement.slice(0, quantity.start)} ${statement.slice(quantity.end)}`;
  const groups: KeywordGroup[] = [];
  const folded = foldKeepingSpaces(rest);
  for (const run of folded.match(/[\u3400-\u9fff]+/gu) ?? []) {
    for (const part of run.replace(ZH_FILLERS, ' ').split(' ')) if (part.length >= 2) groups.push({ zh: [part], en: [] });
  }
  for (const stem of englishStems(rest)) groups.push({ zh: [], en: [[stem]] });
  return groups;
}

/**
 * Validates and compiles facts. Throws CallsightError VALIDATION_FAILED naming the fact when an id
 * is missing or repeated, when the statement holds no quantity with a unit or more than one, or
 * when no keyword is left to recognise the topic by.
 */
export function compileKnowledgeFacts(facts: readonly KnowledgeFact[] = []): CompiledKnowledge {
  const seen = new Set<string>();
  const compiled: CompiledFact[] = [];
  for (const [i, fact] of facts.entries()) {
    if (!fact || typeof fact.id !== 'string' || fact.id.trim() === '') throw invalid(`Knowledge fact ${i} needs an "id".`);
    if (seen.has(fact.id)) throw invalid(`Knowledge fact id "${fact.id}" is used twice.`);
    seen.add(fact.id);
    if (typeof fact.statement !== 'string') throw invalid(`Knowledge fact "${fact.id}" needs a "statement".`);
    const quantities = findQuantities(fact.statement);
    if (quantities.length !== 1) {
      throw invalid(
        `Knowledge fact "${fact.id}" must state exactly one quantity with a unit (e.g. "7 个工作日", "3%-4%", "7 business days"); found ${quantities.length}.`,
      );
    }
    const expected = quantities[0] as Quantity;
    const groups = fact.keywords
      ? fact.keywords.map((k) => compileGroup(typeof k === 'string' ? [k] : k)).filter((g) => g.zh.length + g.en.length > 0)
      : deriveGroups(fact.statement, expected);
    if (groups.length === 0) throw invalid(`Knowledge fact "${fact.id}" has no keywords to recognise its topic by; give "keywords".`);
    compiled.push({ id: fact.id, expected, groups });
  }
  const patterns: string[] = [];
  const gateTargets: Array<readonly [number, number]> = [];
  compiled.forEach((fact, f) =>
    fact.groups.forEach((group, g) => {
      for (const word of [...group.zh, ...group.en.flat()]) {
        const pattern = normalizeTerm(word);
        if (pattern.length === 0) continue;
        patterns.push(pattern);
        gateTargets.push([f, g]);
      }
    }),
  );
  return { facts: compiled, gate: patterns.length > 0 ? AhoCorasick.build(patterns) : null, gateTargets };
}

/** Scratch of the gate: per fact, a bit per matched group (facts hold few groups). */
let gateBits = new Int32Array(16);

/** Indices of the facts whose every keyword group occurs in segment `s` of `prepared`. */
function factsInSegment(compiled: CompiledKnowledge, prepared: PreparedTranscript, s: number): number[] {
  const gate = compiled.gate;
  if (!gate) return [];
  if (gateBits.length < compiled.facts.length) gateBits = new Int32Array(2 * compiled.facts.length);
  gateBits.fill(0, 0, compiled.facts.length);
  let any = false;
  gate.searchCodes(prepared.codes, prepared.segFrom[s] as number, prepared.segFrom[s + 1] as number, (index) => {
    const [f, g] = compiled.gateTargets[index] as readonly [number, number];
    gateBits[f] = (gateBits[f] as number) | (1 << Math.min(30, g));
    any = true;
  });
  if (!any) return [];
  const out: number[] = [];
  compiled.facts.forEach((fact, f) => {
    const all = fact.groups.length >= 31 ? -1 >>> 1 : (1 << fact.groups.length) - 1;
    if (((gateBits[f] as number) & all) === all) out.push(f);
  });
  return out;
}

/**
 * The text with each character folded (traditional -> simplified, full width -> ASCII, lower case)
 * where the fold is one code unit, so offsets still index the original: 個 reads as 个, ％ as %.
 */
function foldInPlace(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xd800 && c <= 0xdfff)) {
      out += text[i];
      continue;
    }
    const f = foldCodePoint(c);
    out += f.length === 1 ? f : text[i];
  }
  return out;
}

/** Sentence boundaries: a fact and its quantity must be said in one sentence. */
const SENTENCE_END = /[。！？!?；;\n]|\.(?!\d)/gu;

function sentencesOf(text: string): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let from = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const to = (m.index ?? 0) + m[0].length;
    if (to > from) out.push({ from, to });
    from = to;
  }
  if (from < text.length) out.push({ from, to: text.length });
  return out;
}

function groupMatches(group: KeywordGroup, hanText: string, stems: ReadonlySet<string>): boolean {
  if (group.zh.some((k) => hanText.includes(k))) return true;
  return group.en.some((alt) => alt.every((s) => stems.has(s)));
}

const DAY_FACTOR: Partial<Record<QuantityUnit, number>> = { day: 1, week: 7, hour: 1 / 24, minute: 1 / 1440 };

/**
 * The range `q` covers, expressed in `unit`; null when the two cannot be compared. Business days
 * said as calendar days are read generously: n business days are n to n * 7 / 5 + 2 calendar days.
 */
function inUnitOf(q: StatedQuantity, unit: QuantityUnit): { min: number; max: number } | null {
  if (q.unit === unit) return { min: q.min, max: q.max };
  const from = DAY_FACTOR[q.unit];
  const to = DAY_FACTOR[unit];
  if (from !== undefined && to !== undefined) return { min: (q.min * from) / to, max: (q.max * from) / to };
  return null;
}

function isConsistent(said: StatedQuantity, expected: StatedQuantity): boolean | null {
  const eps = 1e-9;
  if (expected.unit === 'business_day' && said.unit !== 'business_day') {
    const days = inUnitOf(said, 'day');
    if (!days) return null;
    return days.min >= expected.min - eps && days.max <= (expected.max * 7) / 5 + 2 + eps;
  }
  if (said.unit === 'business_day' && expected.unit !== 'business_day') {
    const days = inUnitOf(expected, 'day');
    if (!days) return null;
    return said.min >= (days.min * 5) / 7 - 2 - eps && said.max <= days.max + eps;
  }
  const s = inUnitOf(said, expected.unit);
  if (!s) return null;
  return s.min >= expected.min - eps && s.max <= expected.max + eps;
}

/** A digit, a Chinese numeral or an English number word: a segment without one states no quantity. */
const NUMBER_HINT =
  /[\d零〇一二两三四五六七八九十百千万]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|hundred|thousand)\b/iu;
/** Some unit the parser knows: a segment without one states no quantity either. */
const UNIT_HINT = /[天日周月年%％元块时钟次期拜]|day|hour|minute|week|month|year|percent|per cent|dollar|buck|yuan|rmb|times/iu;

const NO_STEMS: ReadonlySet<string> = new Set();
const HAN_CHAR = /[\u3400-\u9fff]/u;
const NON_ASCII = /[^\x00-\x7f]/u;

const sameDimension = (a: QuantityDimension, b: QuantityDimension) => a === b;
const negation = compileNegation();
const stated = (q: Quantity): StatedQuantity => ({ min: q.min, max: q.max, unit: q.unit });

/**
 * Checks every sentence of `speaker`'s segments (default the agent) against the facts: a sentence
 * that matches all of a fact's keyword groups and states a quantity of the same dimension is
 * consistent when the quantity lies within the fact's range (units converted where exact), else a
 * contradiction. A negated quantity ("不是 7 天", "not 7 days") is skipped. With `prepared` (the
 * shared normalisation of the same segments), segments that cannot mention a fact are skipped by one
 * automaton pass; the result is the same with or without it. Deterministic; findings are ordered by
 * segment and offset.
 */
export function checkKnowledge(
  compiled: CompiledKnowledge,
  segments: readonly Segment[],
  speaker: Speaker = 'agent',
  prepared?: PreparedTranscript,
): KnowledgeCheck {
  const contradictions: KnowledgeFinding[] = [];
  const confirmations: KnowledgeFinding[] = [];
  let checked = 0;
  if (compiled.facts.length === 0) return { checked, contradictions, confirmations };
  segments.forEach((segment, index) => {
    if (segment.speaker !== speaker) return;
    const text = segment.text;
    // Cheap gates first: most segments mention no fact, and most that do state no quantity.
    let relevant: CompiledFact[];
    if (prepared) {
      // No digit, Chinese numeral or Latin word: no quantity can be stated (exact, and free).
      if ((prepared.numeralUnits[index] as number) === 0 && (prepared.units.words[index] as number) === 0) return;
      const ids = factsInSegment(compiled, prepared, index);
      if (ids.length === 0) return;
      relevant = ids.map((f) => compiled.facts[f] as CompiledFact);
    } else relevant = [...compiled.facts];
    if (!NUMBER_HINT.test(text) || !UNIT_HINT.test(text)) return;
    if (!prepared) {
      const wholeStems = new Set(englishStems(text));
      const wholeHan = foldKeepingSpaces(text).replace(/ /gu, '');
      relevant = relevant.filter((f) => f.groups.every((g) => groupMatches(g, wholeHan, wholeStems)));
      if (relevant.length === 0) return;
    }
    const dimensions = new Set(relevant.map((f) => f.expected.dimension));
    for (const { from, to } of sentencesOf(text)) {
      const raw = text.slice(from, to);
      if (!NUMBER_HINT.test(raw)) continue;
      const sentence = foldInPlace(raw);
      const quantities = findQuantities(sentence).filter((q) => dimensions.has(q.dimension));
      if (quantities.length === 0) continue;
      const folded = foldKeepingSpaces(sentence);
      const hanText = HAN_CHAR.test(sentence) ? folded.replace(/ /gu, '') : '';
      const stems = /[a-z]/iu.test(sentence) ? new Set(englishStems(sentence, folded)) : NO_STEMS;
      for (const fact of relevant) {
        if (!fact.groups.every((g) => groupMatches(g, hanText, stems))) continue;
        for (const q of quantities) {
          if (!sameDimension(q.dimension, fact.expected.dimension)) continue;
          if (negation && isNegatedBefore(sentence, q.start, negation)) continue;
          const verdict = isConsistent(stated(q), stated(fact.expected));
          if (verdict === null) continue;
          checked++;
          const start = from + q.start;
          const end = from + q.end;
          const startS = timeAtOffset(segment, start);
          const finding: KnowledgeFinding = {
            factId: fact.id,
            verdict: verdict ? 'consistent' : 'contradicts',
            segment: index,
            speaker: segment.speaker,
            startS,
            endS: roundS(Math.max(timeAtOffset(segment, end), startS)),
            start,
            end,
            said: stated(q),
            expected: stated(fact.expected),
          };
          (verdict ? confirmations : contradictions).push(finding);
        }
      }
    }
  });
  return { checked, contradictions, confirmations };
}
