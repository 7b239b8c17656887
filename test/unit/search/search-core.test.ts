import { describe, expect, it } from 'vitest';
import { stemEnglish } from '../../../core/search/stem';
import { buildSearchDocument, gramsOfRun } from '../../../core/search/search-document';
import { parseSearchQuery } from '../../../core/search/search-query';
import { escapeHtml, findSegmentHits } from '../../../core/search/highlight';
import type { TextToken, Tokenizer } from '../../../core/search/tokenizer.port';

/**
 * A fake tokenizer that cuts Chinese runs with a fixed word list (longest match) — standing in for a jieba
 * that splits differently at index and query time — and lower-cases and stems Latin words.
 */
function fakeTokenizer(words: readonly string[]): Tokenizer {
  return {
    tokenize(text: string): TextToken[] {
      const out: TextToken[] = [];
      let run = 0;
      for (const m of text.matchAll(/\p{Script=Han}+|[A-Za-z0-9]+/gu)) {
        const s = m[0];
        const start = m.index ?? 0;
        if (!/\p{Script=Han}/u.test(s)) {
          out.push({ term: stemEnglish(s.toLowerCase()), script: 'word', run: -1, start, end: start + s.length });
          continue;
        }
        let i = 0;
        while (i < s.length) {
          const w = [...words].sort((a, b) => b.length - a.length).find((x) => s.startsWith(x, i)) ?? (s[i] as string);
          out.push({ term: w, script: 'han', run, start: start + i, end: start + i + w.length });
          i += w.length;
        }
        run++;
      }
      return out;
    },
  };
}

describe('stemEnglish', () => {
  it.each([
    ['refund', 'refund'], ['refunds', 'refund'], ['refunded', 'refund'], ['refunding', 'refund'],
    ['caresses', 'caress'], ['ponies', 'poni'], ['hopping', 'hop'], ['agreed', 'agre'], ['relational', 'relat'],
    ['happiness', 'happi'], ['cancelled', 'cancel'], ['charges', 'charg'], ['charged', 'charg'], ['is', 'is'],
  ])('%s -> %s', (word, stem) => expect(stemEnglish(word)).toBe(stem));
});

describe('gramsOfRun', () => {
  it('emits every bigram and closes the run with its last character', () => {
    expect(gramsOfRun('我要申请退款')).toEqual(['我要', '要申', '申请', '请退', '退款', '款']);
    expect(gramsOfRun('好')).toEqual(['好']);
    expect(gramsOfRun('')).toEqual([]);
  });
});

describe('parseSearchQuery', () => {
  const tok = fakeTokenizer(['申请退款', '退款', '申请']);

  it('gives a Chinese keyword a word phrase and a bigram phrase, so index-time splits do not matter', () => {
    // The index holds 申请退款 as ONE word (the fake cuts longest first); the query 退款 still has a bigram route.
    const doc = buildSearchDocument({ language: 'zh', segments: [{ speaker: 'customer', startS: 0, endS: 1, text: '我要申请退款' }] }, tok);
    expect(doc.customer.words[0]).toEqual(['我', '要', '申请退款']);
    const q = parseSearchQuery('退款', tok);
    expect(q.clauses).toEqual([
      { alternatives: [{ field: 'words', terms: ['退款'], prefix: false }, { field: 'grams', terms: ['退款'], prefix: false }] },
    ]);
    const grams = doc.customer.grams[0] as string[];
    expect(grams.indexOf('退款')).toBeGreaterThanOrEqual(0);
  });

  it('makes every bare term required, stems English, and keeps quoted phrases whole', () => {
    const q = parseSearchQuery('Refunds "thank you" 申请', tok);
    expect(q.clauses.map((c) => c.alternatives[0])).toEqual([
      { field: 'words', terms: ['refund'], prefix: false },
      { field: 'words', terms: ['thank', 'you'], prefix: false },
      { field: 'words', terms: ['申请'], prefix: false },
    ]);
  });

  it('uses a prefix on the bigram stream for a single character', () => {
    expect(parseSearchQuery('票', tok).clauses[0]?.alternatives[1]).toEqual({ field: 'grams', terms: ['票'], prefix: true });
  });

  it('joins Chinese characters a quoted phrase separates with spaces, and drops duplicate terms', () => {
    expect(parseSearchQuery('"申请 退款" refund refunds', tok).clauses).toHaveLength(2);
  });

  it.each([['"open'], ['？！。'], ['x'.repeat(300)], [Array.from({ length: 13 }, (_, i) => `w${i}`).join(' ')]])(
    'rejects %j with VALIDATION_FAILED without echoing it',
    (q) => {
      let error: unknown;
      try {
        parseSearchQuery(q, tok);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((error as Error).message).not.toContain(q);
    },
  );
});

describe('findSegmentHits', () => {
  const tok = fakeTokenizer(['申请退款', '申请']);
  const segments = [
    { speaker: 'agent' as const, startS: 0, endS: 1, text: 'Thank you for calling' },
    { speaker: 'customer' as const, startS: 1.5, endS: 3, text: '我要申请退款 <b>&' },
    { speaker: 'customer' as const, startS: 4, endS: 5, text: 'you thank me' },
  ];

  it('highlights a Chinese keyword inside a longer indexed word and escapes HTML', () => {
    expect(findSegmentHits(parseSearchQuery('退款', tok), segments, tok)).toEqual([
      { segment: 1, speaker: 'customer', startS: 1.5, snippet: '我要申请<mark>退款</mark> &lt;b&gt;&amp;' },
    ]);
  });

  it('highlights phrases only in order and honours the speaker', () => {
    expect(findSegmentHits(parseSearchQuery('"thank you"', tok), segments, tok).map((h) => h.segment)).toEqual([0]);
    expect(findSegmentHits(parseSearchQuery('thank', tok), segments, tok, { speaker: 'customer' }).map((h) => h.segment)).toEqual([2]);
  });

  it('cuts long segments around the first match', () => {
    const long = [{ speaker: 'agent' as const, startS: 9, endS: 20, text: `${'a '.repeat(100)}refund${' b'.repeat(100)}` }];
    const [hit] = findSegmentHits(parseSearchQuery('refunds', tok), long, tok, { contextChars: 6 });
    expect(hit?.snippet).toBe('…a a a <mark>refund</mark> b b b…');
  });

  it('escapes every HTML-special character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
