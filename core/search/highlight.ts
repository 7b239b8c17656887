import type { Segment, Speaker } from '../analysis/transcript.types';
import { FOLD_BREAK, FOLD_JOIN, FOLD_MULTI, foldCodePoint, foldUnit } from '../analysis/text/normalize';
import { hanRuns } from './search-document';
import type { QueryAlternative, SearchQuery } from './search-query';
import type { TextToken, Tokenizer } from './tokenizer.port';

/** A segment that matched the query, with a highlighted excerpt and where to jump in the audio. */
export interface SegmentHit {
  /** Index of the segment in the transcript. */
  readonly segment: number;
  readonly speaker: Speaker;
  readonly startS: number;
  /** HTML-escaped excerpt of the segment with each match wrapped in <mark>…</mark>. */
  readonly snippet: string;
}

export interface HitOptions {
  readonly speaker?: Speaker;
  /** Most segments returned per call. */
  readonly maxHits?: number;
  /** Characters of context kept on each side of the first match. */
  readonly contextChars?: number;
}

/**
 * The segments of a transcript where the query matches, in transcript order, with highlighted snippets. Uses
 * the same tokenizer and the same matching rules as the index (words as phrases, Chinese keywords as
 * substrings), so a call found by the index shows where it matched.
 */
export function findSegmentHits(query: SearchQuery, segments: readonly Segment[], tokenizer: Tokenizer, options: HitOptions = {}): SegmentHit[] {
  const maxHits = options.maxHits ?? 3;
  const context = options.contextChars ?? 40;
  const alternatives = query.clauses.flatMap((c) => c.alternatives);
  const needles = [...new Set(alternatives.flatMap(needlesOf))];
  const hits: SegmentHit[] = [];
  for (let index = 0; index < segments.length && hits.length < maxHits; index++) {
    const segment = segments[index] as Segment;
    if (options.speaker && segment.speaker !== options.speaker) continue;
    const folded = foldText(segment.text);
    if (!needles.some((n) => folded.includes(n))) continue;
    const ranges = matchRanges(alternatives, tokenizer.tokenize(segment.text));
    if (ranges.length === 0) continue;
    hits.push({ segment: index, speaker: segment.speaker, startS: segment.startS, snippet: buildSnippet(segment.text, ranges, context) });
  }
  return hits;
}

/** Cheap substrings that any match must contain, to skip segments without tokenizing them. */
function needlesOf(alt: QueryAlternative): string[] {
  if (alt.field === 'grams') return [alt.prefix ? (alt.terms[0] ?? '') : joinGrams(alt.terms)];
  // A Porter stem minus its last letter is a prefix of every word it came from.
  return alt.terms.map((t) => (/^[a-z]+$/.test(t) && t.length > 1 ? t.slice(0, -1) : t));
}

function joinGrams(grams: readonly string[]): string {
  return grams.map((g, i) => (i === 0 ? g : Array.from(g).at(-1) ?? '')).join('');
}

/** The text folded like the tokenizer folds it, separators as spaces; one table lookup per BMP character. */
function foldText(text: string): string {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c >= 0xd800 && c <= 0xdfff ? FOLD_MULTI : foldUnit(c);
    if (v === FOLD_JOIN || v === FOLD_BREAK) codes.push(0x20);
    else if (v !== FOLD_MULTI) codes.push(v);
    else {
      const cp = text.codePointAt(i) ?? c;
      if (cp > 0xffff) i++;
      for (const unit of foldCodePoint(cp) || ' ') codes.push(unit.charCodeAt(0));
    }
  }
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) out += String.fromCharCode(...codes.slice(i, i + 4096));
  return out;
}

type Range = readonly [number, number];

function matchRanges(alternatives: readonly QueryAlternative[], tokens: readonly TextToken[]): Range[] {
  const ranges: Range[] = [];
  const runs = hanRuns(tokens);
  for (const alt of alternatives) {
    if (alt.field === 'words') {
      const k = alt.terms.length;
      for (let i = 0; i + k <= tokens.length; i++) {
        let ok = true;
        for (let j = 0; j < k && ok; j++) ok = tokens[i + j]?.term === alt.terms[j];
        if (ok) ranges.push([(tokens[i] as TextToken).start, (tokens[i + k - 1] as TextToken).end]);
      }
      continue;
    }
    const target = Array.from(alt.prefix ? (alt.terms[0] ?? '') : joinGrams(alt.terms));
    for (const run of runs) {
      const chars: { ch: string; start: number; end: number }[] = [];
      for (const token of run.tokens) {
        const cps = Array.from(token.term);
        const exact = token.term.length === token.end - token.start;
        let offset = token.start;
        for (const ch of cps) {
          chars.push(exact ? { ch, start: offset, end: offset + ch.length } : { ch, start: token.start, end: token.end });
          offset += ch.length;
        }
      }
      for (let i = 0; i + target.length <= chars.length; i++) {
        let ok = true;
        for (let j = 0; j < target.length && ok; j++) ok = chars[i + j]?.ch === target[j];
        if (ok) ranges.push([(chars[i] as { start: number }).start, (chars[i + target.length - 1] as { end: number }).end]);
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function buildSnippet(text: string, ranges: readonly Range[], context: number): string {
  const first = ranges[0] as Range;
  let from = Math.max(0, first[0] - context);
  let to = Math.min(text.length, first[1] + context);
  // Never cut a surrogate pair in half.
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from] ?? '')) from--;
  if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to] ?? '')) to++;
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const [s, e] of ranges) {
    if (s >= to) break;
    const start = Math.max(s, at);
    const end = Math.min(e, to);
    if (end <= start) continue;
    out += escapeHtml(text.slice(at, start)) + '<mark>' + escapeHtml(text.slice(start, end)) + '</mark>';
    at = end;
  }
  out += escapeHtml(text.slice(at, to));
  if (to < text.length) out += '…';
  return out;
}
