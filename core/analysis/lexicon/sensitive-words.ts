import { AhoCorasick } from '../text/aho-corasick';
import { isLatinWordChar, normalizeTerm, originalEnd } from '../text/normalize';
import { timeAtOffset, roundS, type PreparedTranscript } from '../text/segment-text';
import type { Segment, Speaker } from '../transcript.types';
import type { LexiconEntry, Severity } from './lexicon.packs';

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

interface CompiledTerm {
  readonly entry: LexiconEntry;
  readonly length: number;
  readonly latinStart: boolean;
  readonly latinEnd: boolean;
  /** Index of the term an exception phrase protects, or -1 for a real term. */
  readonly exceptionOf: number;
}

/** A lexicon compiled into one automaton; immutable and reusable across any number of transcripts. */
export interface CompiledLexicon {
  readonly automaton: AhoCorasick;
  readonly terms: readonly CompiledTerm[];
  readonly termCount: number;
  readonly hasExceptions: boolean;
}

/**
 * Compiles lexicon entries (any number) into one Aho-Corasick automaton over normalised text.
 * Terms that normalise to nothing are skipped; duplicates (after normalisation) keep the first entry.
 */
export function compileLexicon(entries: readonly LexiconEntry[]): CompiledLexicon {
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
  for (const { phrase, of } of exceptions) {
    if (phrase.length === 0) continue;
    patterns.push(phrase);
    terms.push({ entry: { term: phrase }, length: phrase.length, latinStart: false, latinEnd: false, exceptionOf: of });
  }
  return { automaton: AhoCorasick.build(patterns), terms, termCount, hasExceptions: terms.length > termCount };
}

/** A raw match in normalised coordinates of one segment. */
interface Found {
  term: number;
  from: number;
  to: number;
}

/**
 * Finds lexicon terms in each segment (optionally only one speaker's). Chinese terms match
 * anywhere; a term that starts or ends with a Latin letter or digit must start or end on a word
 * boundary of the original text (no "risk-free" inside "brisk-freedom"). A hit nested inside a
 * longer hit is dropped, as is a hit inside one of its term's exception phrases. Output is ordered
 * by segment, then offset. Works on the shared normalisation (see prepareSegments).
 */
export function findSensitiveWords(lexicon: CompiledLexicon, prepared: PreparedTranscript, speaker?: Speaker): SensitiveHit[] {
  const hits: SensitiveHit[] = [];
  const found: Found[] = [];
  const { codes, wordStart, origStart, segFrom, segments } = prepared;
  const terms = lexicon.terms;
  let segEnd = 0;
  const onMatch = (index: number, end: number) => {
    const term = terms[index] as CompiledTerm;
    const from = end - term.length;
    if (term.exceptionOf < 0) {
      if (term.latinStart && wordStart[from] !== 1) return;
      if (term.latinEnd && end < segEnd && wordStart[end] !== 1) return;
    }
    found.push({ term: index, from, to: end });
  };
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s] as Segment;
    if (speaker !== undefined && seg.speaker !== speaker) continue;
    const segStart = segFrom[s] as number;
    segEnd = segFrom[s + 1] as number;
    if (segEnd === segStart) continue;
    found.length = 0;
    lexicon.automaton.searchCodes(codes, segStart, segEnd, onMatch);
    if (found.length === 0) continue;
    if (found.length > 1) found.sort((a, b) => a.from - b.from || b.to - b.from - (a.to - a.from) || a.term - b.term);
    let coveredTo = -1;
    for (const hit of found) {
      const term = terms[hit.term] as CompiledTerm;
      if (term.exceptionOf >= 0) continue;
      if (hit.to <= coveredTo) continue;
      if (lexicon.hasExceptions && isExcepted(terms, found, hit)) continue;
      coveredTo = hit.to;
      const start = origStart[hit.from] as number;
      const end = originalEnd(seg.text, origStart[hit.to - 1] as number);
      hits.push({
        term: term.entry.term,
        ...(term.entry.category === undefined ? {} : { category: term.entry.category }),
        severity: term.entry.severity ?? 'medium',
        segment: s,
        speaker: seg.speaker,
        startS: timeAtOffset(seg, start),
        endS: roundS(Math.max(timeAtOffset(seg, end), timeAtOffset(seg, start))),
        start,
        end,
      });
    }
  }
  return hits;
}

function isExcepted(terms: readonly CompiledTerm[], found: readonly Found[], hit: Found): boolean {
  for (const other of found) {
    const t = terms[other.term] as CompiledTerm;
    if (t.exceptionOf === hit.term && other.from <= hit.from && other.to >= hit.to) return true;
  }
  return false;
}
