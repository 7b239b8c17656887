import { describe, expect, it } from 'vitest';
import { matchAlternatives, monthConditionOf, monthsBetween } from '../../../adapters/storage/postgres/postgres.search';
import { createJiebaTokenizer } from '../../../adapters/text/jieba';
import { parseSearchQuery, type QueryClause, type SearchQuery } from '../../../core/search/search-query';

/** Binds values the way the repository does, keeping them for inspection. */
function binder() {
  const values: unknown[] = [];
  return { values, bind: (v: unknown) => (values.push(v), `$${values.length}`) };
}

describe('monthsBetween', () => {
  it('lists every month from the first instant to the last, across a year end', () => {
    expect(monthsBetween('2025-11-30T23:59:59.000Z', '2026-02-01T00:00:00.000Z')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('gives one month for instants in the same month and none when the range is reversed', () => {
    expect(monthsBetween('2026-03-01T00:00:00Z', '2026-03-31T23:59:59Z')).toEqual(['2026-03']);
    expect(monthsBetween('2026-04-01T00:00:00Z', '2026-03-31T23:59:59Z')).toEqual([]);
  });
});

describe('monthConditionOf', () => {
  const months = ['2026-02', '2026-03'];

  it('turns every term into the OR of its month-prefixed forms, field by field, and is exact for single terms', () => {
    const query: SearchQuery = {
      clauses: [
        { alternatives: [{ field: 'words', terms: ['票'], prefix: false }, { field: 'grams', terms: ['票'], prefix: true }] },
        { alternatives: [{ field: 'words', terms: ['refund'], prefix: true }] },
      ],
    } as SearchQuery;
    const b = binder();
    const { sql, exact } = monthConditionOf(query, undefined, months, b.bind);
    expect(sql).toBe('callsight_month_terms(s.words, s.grams, s.started_at) @@ $1::tsquery');
    expect(b.values[0]).toBe(
      "(('w2026-02:票' | 'w2026-03:票') | ('g2026-02:票':* | 'g2026-03:票':*)) & (('w2026-02:refund':* | 'w2026-03:refund':*))",
    );
    expect(exact).toBe(true);
  });

  it('is not exact for a phrase (its terms are only ANDed) or a speaker (the index has no weights)', () => {
    const phrase = { clauses: [{ alternatives: [{ field: 'words', terms: ['tracking', 'number'], prefix: false }] }] } as SearchQuery;
    const b = binder();
    expect(monthConditionOf(phrase, undefined, ['2026-03'], b.bind).exact).toBe(false);
    expect(b.values[0]).toBe("((('w2026-03:tracking') & ('w2026-03:number')))");
    const single = { clauses: [{ alternatives: [{ field: 'words', terms: ['refund'], prefix: false }] }] } as SearchQuery;
    expect(monthConditionOf(single, 'customer', ['2026-03'], binder().bind).exact).toBe(false);
  });

  it('quotes terms so that a quote or backslash in a term stays inside its lexeme', () => {
    const query = { clauses: [{ alternatives: [{ field: 'words', terms: ["o'neil\\x"], prefix: false }] }] } as SearchQuery;
    const b = binder();
    monthConditionOf(query, undefined, ['2026-03'], b.bind);
    expect(b.values[0]).toBe("(('w2026-03:o''neil\\\\x'))");
  });
});

describe('matchAlternatives', () => {
  const tokenizer = createJiebaTokenizer();

  it('matches a Chinese run on its bigrams alone when they cover what its words cover', () => {
    for (const q of ['退款', '申请退款', '优惠券']) {
      const [clause] = parseSearchQuery(q, tokenizer).clauses;
      expect(matchAlternatives(clause!).map((a) => a.field)).toEqual(['grams']);
    }
  });

  it('keeps both for a single character and keeps English words as they are', () => {
    const [single] = parseSearchQuery('票', tokenizer).clauses;
    expect(matchAlternatives(single!).map((a) => a.field)).toEqual(['words', 'grams']);
    const [word] = parseSearchQuery('refund', tokenizer).clauses;
    expect(matchAlternatives(word!)).toEqual(word!.alternatives);
  });

  it('keeps the words when the bigrams would need more characters than the words cover', () => {
    const clause = {
      alternatives: [
        { field: 'words', terms: ['申请'], prefix: false },
        { field: 'grams', terms: ['申请', '请退', '退款'], prefix: false },
      ],
    } as QueryClause;
    expect(matchAlternatives(clause)).toHaveLength(2);
  });
});
