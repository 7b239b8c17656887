import { CallsightError } from '../shared/errors';
import { gramsOfRun, hanRuns } from './search-document';
import type { TextToken, Tokenizer } from './tokenizer.port';

/** `words`: the jieba/English word stream; `grams`: the Chinese bigram stream (see gramsOfRun). */
export type SearchField = 'words' | 'grams';

/**
 * One way a clause can match: `terms` must occur as a phrase (adjacent, in order, within one segment) in
 * `field`. With `prefix`, the single term matches any indexed term starting with it.
 */
export interface QueryAlternative {
  readonly field: SearchField;
  readonly terms: readonly string[];
  readonly prefix: boolean;
}

/** A required part of the query: it matches when any of its alternatives matches. */
export interface QueryClause {
  readonly alternatives: readonly QueryAlternative[];
}

/** A parsed `q`: every clause is required (AND). */
export interface SearchQuery {
  readonly clauses: readonly QueryClause[];
}

export const MAX_QUERY_CHARS = 256;
export const MAX_QUERY_CLAUSES = 12;
export const MAX_PHRASE_TERMS = 32;

const QUOTES = /["“”]/;

/**
 * Parses the transcript keyword query `q`:
 * - bare English words are separate required terms, stemmed ("Refunds" matches "refund");
 * - a run of Chinese characters is one required term matched as a substring of the transcript: either as its
 *   jieba words in sequence or, whatever jieba made of it at index time, as its character bigrams in sequence
 *   (so 退款 finds 我要申请退款 even when jieba indexed 申请退款 as one word);
 * - "quoted phrases" (ASCII or Chinese quotes) must match in order and adjacent, within one utterance.
 * Throws CallsightError VALIDATION_FAILED for an over-long query, an unmatched quote or a query without any
 * searchable word; messages never echo the query text.
 */
export function parseSearchQuery(q: string, tokenizer: Tokenizer): SearchQuery {
  const text = q.trim();
  if (text.length > MAX_QUERY_CHARS) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid query: q: at most ${MAX_QUERY_CHARS} characters`);
  }
  const parts = text.split(QUOTES);
  if (parts.length % 2 === 0) throw new CallsightError('VALIDATION_FAILED', 'Invalid query: q: a quote is not closed');
  const clauses: QueryClause[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 0) clauses.push(...bareClauses(tokenizer.tokenize(part)));
    else {
      const phrase = phraseClause(tokenizer.tokenize(part.replace(/(\p{Script=Han})\s+(?=\p{Script=Han})/gu, '$1')));
      if (phrase) clauses.push(phrase);
    }
  });
  const unique = dedupe(clauses);
  if (unique.length === 0) throw new CallsightError('VALIDATION_FAILED', 'Invalid query: q: no searchable word in it');
  if (unique.length > MAX_QUERY_CLAUSES) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid query: q: at most ${MAX_QUERY_CLAUSES} terms and phrases`);
  }
  return { clauses: unique };
}

function bareClauses(tokens: readonly TextToken[]): QueryClause[] {
  const clauses: QueryClause[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as TextToken;
    if (token.script === 'word') {
      clauses.push({ alternatives: [{ field: 'words', terms: [token.term], prefix: false }] });
      i++;
      continue;
    }
    let j = i;
    while (j < tokens.length && tokens[j]?.script === 'han' && tokens[j]?.run === token.run) j++;
    clauses.push(hanClause(tokens.slice(i, j)));
    i = j;
  }
  return clauses;
}

/** A run of Chinese characters: its jieba words as a phrase, or its bigrams as a phrase. */
function hanClause(tokens: readonly TextToken[]): QueryClause {
  const run = hanRuns(tokens)[0];
  const chars = run ? run.chars : '';
  const words = tokens.map((t) => t.term).slice(0, MAX_PHRASE_TERMS);
  const length = Array.from(chars).length;
  const grams: QueryAlternative =
    length === 1
      ? { field: 'grams', terms: [chars], prefix: true }
      : { field: 'grams', terms: gramsOfRun(chars).slice(0, length - 1).slice(0, MAX_PHRASE_TERMS), prefix: false };
  return { alternatives: [{ field: 'words', terms: words, prefix: false }, grams] };
}

function phraseClause(tokens: readonly TextToken[]): QueryClause | null {
  if (tokens.length === 0) return null;
  const first = tokens[0] as TextToken;
  if (tokens.every((t) => t.script === 'han' && t.run === first.run)) return hanClause(tokens);
  if (tokens.length > MAX_PHRASE_TERMS) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid query: q: a phrase has at most ${MAX_PHRASE_TERMS} words`);
  }
  // Mixed-script or multi-word phrases match on the word stream only.
  return { alternatives: [{ field: 'words', terms: tokens.map((t) => t.term), prefix: false }] };
}

function dedupe(clauses: readonly QueryClause[]): QueryClause[] {
  const seen = new Set<string>();
  const out: QueryClause[] = [];
  for (const clause of clauses) {
    const key = JSON.stringify(clause);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(clause);
  }
  return out;
}

/** All distinct terms of a field, for relevance ranking. */
export function termsOf(query: SearchQuery, field: SearchField): QueryAlternative[] {
  return query.clauses.flatMap((c) => c.alternatives.filter((a) => a.field === field));
}
