import { AhoCorasick } from '../text/aho-corasick';
import { isLatinWordChar, normalizeTerm, originalEnd } from '../text/normalize';
import { timeAtOffset, roundS, type PreparedTranscript } from '../text/segment-text';
import type { Segment, Speaker } from '../transcript.types';
import type { LexiconEntry, Severity } from './lexicon.packs';
import { compileNegation, isNegatedBefore, type CompiledNegation, type NegationOptions } from './negation.rules';

/** One sensitive-word occurrence. `start`/`end` index the original segment text; times in seconds. */
export interface SensitiveHit {
  readonly term: string;
  readonly category?: string;
  readonly severity: Severity;
  readonly segment: number;
  readonly speaker: Speaker;
  readonly startS: number;
  readonly endS: number;
  readonly start: number;
  readonly end: number;
}

/**
 * A hit that is not a violation: inside a negation scope of a `negatable` entry, or inside one of
 * the configured disclaimers. Kept for review (why was this not flagged?), never counted.
 */
export interface ClearedHit extends SensitiveHit {
  readonly clearedBy: 'negation' | 'disclaimer';
}

interface CompiledTerm {
  readonly entry: LexiconEntry;
  readonly length: number;
  readonly latinStart: boolean;
  readonly latinEnd: boolean;
  /** Index of the term an exception phrase protects, -1 for a real term, DISCLAIMER for a disclaimer. */
  readonly exceptionOf: number;
}

/** exceptionOf of a disclaimer phrase: it protects every term. */
const DISCLAIMER = -2;

/** A lexicon compiled into one automaton; immutable and reusable across any number of transcripts. */
export interface CompiledLexicon {
  readonly automaton: AhoCorasick;
  readonly terms: readonly CompiledTerm[];
  readonly termCount: number;
  readonly hasExceptions: boolean;
  /** Negation rules; null when negation clearing is off. */
  readonly negation?: CompiledNegation | null;
}

/** Options of compileLexicon; both are part of the analysis settings (AnalysisConfigInput). */
export interface LexiconOptions {
  /** How negation clears hits of `negatable` entries (default: on, built-in negators). */
  readonly negation?: NegationOptions;
  /**
   * Required disclaimer texts ("本产品不保本，投资有风险", "returns are not guaranteed"): a hit
   * inside a verbatim (normalised) occurrence of one is cleared, whatever its entry.
   */
  readonly disclaimers?: readonly string[];
}

/**
 * Compiles lexicon entries (any number) into one Aho-Corasick automaton over normalised text.
 * Terms that normalise to nothing are skipped; duplicates (after normalisation) keep the first entry.
 * Negation is on by default but only ever clears entries marked `negatable`.
 */
export function compileLexicon(entries: readonly LexiconEntry[], options: LexiconOptions = {}): CompiledLexicon {
  const patterns: string[] = [];
  const terms: CompiledTerm[] = [];
  const seen = new Map<string, number>();
  const exceptions: Array<{ phrase: string; of: number }> = [];
  for (const entry of entries) {
    const normalized = normalizeTerm(entry.term);
    if (normalized.length === 0 || seen.has(normalized)) continue;
    seen.set(normalized, terms.length);
    const id = terms.length;
    patterns.push(normalized);
    terms.push({
      entry,
      length: normalized.length,
      latinStart: isLatinWordChar(normalized[0] as string),
      latinEnd: isLatinWordChar(normalized[normalized.length - 1] as string),
      exceptionOf: -1,
    });
    for (const phrase of entry.except ?? []) exceptions.push({ phrase: normalizeTerm(phrase), of: id });
  }
  const termCount = terms.length;
  for (const phrase of options.disclaimers ?? []) exceptions.push({ phrase: normalizeTerm(phrase), of: DISCLAIMER });
  for (const { phrase, of } of exceptions) {
    if (phrase.length === 0) continue;
    patterns.push(phrase);
    terms.push({ entry: { term: phrase }, length: phrase.length, latinStart: false, latinEnd: false, exceptionOf: of });
  }
  return {
    automaton: AhoCorasick.build(patterns),
    terms,
    termCount,
    hasExceptions: terms.length > termCount,
    negation: compileNegation(options.negation),
  };
}

/**
 * Raw matches of one segment in normalised coordinates, as parallel arrays (term, from, to) that
 * grow as needed. Module-level scratch: findSensitiveWords is synchronous, so two calls never
 * share it at once.
 */
let rawTerm = new Int32Array(64);
let rawFrom = new Int32Array(64);
let rawTo = new Int32Array(64);
let rawOrder = new Int32Array(64);
let rawCount = 0;

function pushRaw(term: number, from: number, to: number): void {
  if (rawCount === rawTerm.length) {
    const size = 2 * rawTerm.length;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    rawTerm = grow(rawTerm);
    rawFrom = grow(rawFrom);
    rawTo = grow(rawTo);
    rawOrder = new Int32Array(size);
  }
  rawTerm[rawCount] = term;
  rawFrom[rawCount] = from;
  rawTo[rawCount] = to;
  rawCount++;
}

/** Order of raw matches: by start, longer first, then by term index (a total order). */
function compareRaw(a: number, b: number): number {
  return (rawFrom[a] as number) - (rawFrom[b] as number) || (rawTo[b] as number) - (rawFrom[b] as number) - ((rawTo[a] as number) - (rawFrom[a] as number)) || (rawTerm[a] as number) - (rawTerm[b] as number);
}

/** Fills rawOrder[0 .. rawCount) with the raw matches in compareRaw order. */
function sortRaw(): void {
  for (let k = 0; k < rawCount; k++) rawOrder[k] = k;
  if (rawCount <= 16) {
    // Insertion sort: a segment holds a handful of matches.
    for (let k = 1; k < rawCount; k++) {
      const item = rawOrder[k] as number;
      let j = k;
      while (j > 0 && compareRaw(rawOrder[j - 1] as number, item) > 0) {
        rawOrder[j] = rawOrder[j - 1] as number;
        j--;
      }
      rawOrder[j] = item;
    }
    return;
  }
  const sorted = Array.from(rawOrder.subarray(0, rawCount)).sort(compareRaw);
  rawOrder.set(sorted);
}

/**
 * Finds lexicon terms in each segment (optionally only one speaker's). Chinese terms match
 * anywhere; a term that starts or ends with a Latin letter or digit must start or end on a word
 * boundary of the original text (no "risk-free" inside "brisk-freedom"). A hit nested inside a
 * longer hit is dropped, as is a hit inside one of its term's exception phrases. A hit inside a
 * disclaimer, or of a `negatable` entry inside a negation scope, is not returned but appended to
 * `cleared` when given. Output is ordered by segment, then offset. Works on the shared
 * normalisation (see prepareSegments).
 */
export function findSensitiveWords(lexicon: CompiledLexicon, prepared: PreparedTranscript, speaker?: Speaker, cleared?: ClearedHit[]): SensitiveHit[] {
  const hits: SensitiveHit[] = [];
  const { codes, wordStart, origStart, segFrom, segments } = prepared;
  const terms = lexicon.terms;
  let segEnd = 0;
  const onMatch = (index: number, end: number) => {
    const term = terms[index] as CompiledTerm;
    const from = end - term.length;
    if (term.exceptionOf === -1) {
      if (term.latinStart && wordStart[from] !== 1) return;
      if (term.latinEnd && end < segEnd && wordStart[end] !== 1) return;
    }
    pushRaw(index, from, end);
  };
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s] as Segment;
    if (speaker !== undefined && seg.speaker !== speaker) continue;
    const segStart = segFrom[s] as number;
    segEnd = segFrom[s + 1] as number;
    if (segEnd === segStart) continue;
    rawCount = 0;
    lexicon.automaton.searchCodes(codes, segStart, segEnd, onMatch);
    if (rawCount === 0) continue;
    sortRaw();
    let coveredTo = -1;
    for (let k = 0; k < rawCount; k++) {
      const r = rawOrder[k] as number;
      const index = rawTerm[r] as number;
      const term = terms[index] as CompiledTerm;
      if (term.exceptionOf !== -1) continue;
      const hitFrom = rawFrom[r] as number;
      const hitTo = rawTo[r] as number;
      if (hitTo <= coveredTo) continue;
      if (lexicon.hasExceptions && isExcepted(terms, index, hitFrom, hitTo)) continue;
      coveredTo = hitTo;
      const disclaimed = lexicon.hasExceptions && isExcepted(terms, DISCLAIMER, hitFrom, hitTo);
      const start = origStart[hitFrom] as number;
      const end = originalEnd(seg.text, origStart[hitTo - 1] as number);
      const startS = timeAtOffset(seg, start);
      const endS = roundS(Math.max(timeAtOffset(seg, end), startS));
      const entry = term.entry;
      const severity = entry.severity ?? 'medium';
      const hit: SensitiveHit =
        entry.category === undefined
          ? { term: entry.term, severity, segment: s, speaker: seg.speaker, startS, endS, start, end }
          : { term: entry.term, category: entry.category, severity, segment: s, speaker: seg.speaker, startS, endS, start, end };
      const negated = !disclaimed && entry.negatable === true && lexicon.negation ? isNegatedBefore(seg.text, start, lexicon.negation) : false;
      if (disclaimed || negated) cleared?.push({ ...hit, clearedBy: disclaimed ? 'disclaimer' : 'negation' });
      else hits.push(hit);
    }
  }
  return hits;
}

/** True when a raw match of one of the term's exception phrases (or a disclaimer, term DISCLAIMER) covers [from, to). */
function isExcepted(terms: readonly CompiledTerm[], term: number, from: number, to: number): boolean {
  for (let k = 0; k < rawCount; k++) {
    const t = terms[rawTerm[k] as number] as CompiledTerm;
    if (t.exceptionOf === term && (rawFrom[k] as number) <= from && (rawTo[k] as number) >= to) return true;
  }
  return false;
}
