import type { Speaker } from '../../../core/analysis/transcript.types';
import type { SpeakerStreams } from '../../../core/search/search-document';
import type { QueryAlternative, QueryClause, SearchField, SearchQuery } from '../../../core/search/search-query';

/** PostgreSQL keeps positions 1..16383 and at most 256 positions per lexeme. */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;
const WEIGHT: Readonly<Record<Speaker, 'A' | 'B'>> = { agent: 'A', customer: 'B' };

function quoteLexeme(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * A tsvector literal of one stream (words or grams) of both speakers: explicit positions, weight A for the
 * agent and B for the customer, one empty position between segments so that `<->` never joins two utterances.
 * Past position 16383 PostgreSQL's limit applies (later tokens share the last position: phrases there may
 * miss, single terms still match).
 */
export function tsvectorLiteral(agent: SpeakerStreams, customer: SpeakerStreams, field: SearchField): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const [speaker, streams] of [['agent', agent], ['customer', customer]] as const) {
    for (const segment of streams[field]) {
      if (segment.length === 0) continue;
      position += 1;
      for (const term of segment) {
        position = Math.min(position + 1, MAX_POSITION);
        let list = positions.get(term);
        if (!list) positions.set(term, (list = []));
        if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${position}${WEIGHT[speaker]}`);
      }
    }
  }
  return [...positions].map(([term, list]) => `${quoteLexeme(term)}:${list.join(',')}`).join(' ');
}

function tsqueryAlternative(alt: QueryAlternative, speaker: Speaker | undefined): string {
  const label = `${alt.prefix ? '*' : ''}${speaker ? WEIGHT[speaker] : ''}`;
  const parts = alt.terms.map((t) => `${quoteLexeme(t)}${label ? `:${label}` : ''}`);
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' <-> ')})`;
}

/**
 * The alternatives a clause must be matched on. A Chinese run's clause is [its jieba words as a phrase, its
 * bigrams as a phrase]; when the bigrams cover no more characters than the words do, every words match is also
 * a bigram match, so the bigrams alone find exactly the same calls with one GIN lookup instead of two (the words
 * still count in ts_rank). A one-character run keeps both: its bigram prefix misses a character that ends a run.
 */
export function matchAlternatives(clause: QueryClause): readonly QueryAlternative[] {
  const [words, grams, ...rest] = clause.alternatives;
  if (!words || !grams || rest.length > 0 || words.field !== 'words' || grams.field !== 'grams' || grams.prefix || words.prefix) {
    return clause.alternatives;
  }
  const covered = grams.terms.map((t, i) => (i === 0 ? t : Array.from(t).slice(1).join(''))).join('');
  return Array.from(covered).length >= 2 && words.terms.join('').startsWith(covered) ? [grams] : clause.alternatives;
}

/**
 * The SQL condition of a parsed query over call_search aliased `s`: clauses ANDed, each the OR of its
 * alternatives, each alternative one tsquery on its own tsvector column (so a single-term alternative needs no
 * recheck of the GIN result). Query texts are bound as parameters through `bind`.
 */
export function tsConditionOf(query: SearchQuery, speaker: Speaker | undefined, bind: (value: unknown) => string): string {
  return query.clauses
    .map((clause) => {
      const byField = new Map<SearchField, string[]>();
      for (const alt of matchAlternatives(clause)) {
        const list = byField.get(alt.field) ?? [];
        list.push(tsqueryAlternative(alt, speaker));
        byField.set(alt.field, list);
      }
      const ors = [...byField].map(([field, alts]) => `s.${field} @@ ${bind(alts.join(' | '))}::tsquery`);
      return `(${ors.join(' OR ')})`;
    })
    .join(' AND ');
}

/**
 * ts_rank in double precision (so cursors compare exactly) over the word stream, or over the bigrams when the query
 * has no word alternative. Ranking decompresses the ranked column of every match, which is what relevance costs
 * here; the bigram stream is the recall fallback and ranking on it too would double that for little change in
 * order (SQLite's bm25 weighs it a quarter).
 */
export function tsRankOf(query: SearchQuery, speaker: Speaker | undefined, bind: (value: unknown) => string): string {
  for (const field of ['words', 'grams'] as const) {
    const alts = query.clauses.flatMap((c) => c.alternatives.filter((a) => a.field === field)).map((a) => tsqueryAlternative(a, speaker));
    if (alts.length > 0) return `ts_rank(s.${field}, ${bind(alts.join(' | '))}::tsquery)::float8`;
  }
  return '0::float8';
}

/** The months ('YYYY-MM') from the month of `from` to the month of `to`, both ISO-8601 instants, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const start = new Date(from);
  const end = new Date(to);
  const months: string[] = [];
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); y < end.getUTCFullYear() || (y === end.getUTCFullYear() && m <= end.getUTCMonth()); ) {
    months.push(`${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`);
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return months;
}

/**
 * The condition of a parsed query on the month term index (callsight_month_terms, migration 3) for calls started
 * in `months`: each term becomes the OR of its month-prefixed forms. `exact` tells whether it means the same as
 * tsConditionOf; it does not for phrases (their terms are only ANDed) or a speaker (the index has no weights),
 * and then the caller adds the exact condition as a filter.
 */
export function monthConditionOf(
  query: SearchQuery,
  speaker: Speaker | undefined,
  months: readonly string[],
  bind: (value: unknown) => string,
): { sql: string; exact: boolean } {
  let exact = speaker === undefined;
  const clauses = query.clauses.map((clause) => {
    const alternatives = matchAlternatives(clause).map((alt) => {
      if (alt.terms.length > 1) exact = false;
      const field = alt.field === 'words' ? 'w' : 'g';
      const terms = alt.terms.map((t) => `(${months.map((m) => `${quoteLexeme(`${field}${m}:${t}`)}${alt.prefix ? ':*' : ''}`).join(' | ')})`);
      return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' & ')})`;
    });
    return `(${alternatives.join(' | ')})`;
  });
  return { sql: `callsight_month_terms(s.words, s.grams, s.started_at) @@ ${bind(clauses.join(' & '))}::tsquery`, exact };
}
