import { describe, it, expect } from 'vitest';
import { compileLexicon, findSensitiveWords } from '../../../core/analysis/lexicon/sensitive-words';
import { DEFAULT_LEXICON_PACKS } from '../../../core/analysis/lexicon/lexicon.packs';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import type { Segment } from '../../../core/analysis/transcript.types';

const finance = compileLexicon(DEFAULT_LEXICON_PACKS.finance);
const agent = (text: string, startS = 0, endS = 10): Segment => ({ speaker: 'agent', startS, endS, text });
const termsIn = (text: string, lexicon = finance) => findSensitiveWords(lexicon, prepareSegments([agent(text)])).map((h) => h.term);

describe('findSensitiveWords', () => {
  it.each([
    ['这款产品保本', '保本'],
    ['这款产品保 本', '保本'],
    ['这款产品保-本', '保本'],
    ['这款产品保\u200b本', '保本'],
    ['我们保證收益', '保证收益'],
    ['我们保 证 收 益', '保证收益'],
    ['絕對穩賺不賠', '稳赚不赔'],
    ['it is ＲＩＳＫ－ＦＲＥＥ', 'risk-free'],
    ['it is R I S K free', 'risk-free'],
    ['totally risk free, trust me', 'risk-free'],
    ['a Guaranteed   Return of 8%', 'guaranteed return'],
    ['零 风 险', '零风险'],
  ])('finds the evasion %j', (text, term) => {
    expect(termsIn(text)).toContain(term);
  });

  it.each([
    ['the brisk-freedom of the sea'],
    ['we ensure no riskiness here'],
    ['确保本金安全是我们的目标'],
    ['请注意理财有风险'],
  ])('does not match %j', (text) => {
    expect(termsIn(text)).toEqual([]);
  });

  it('keeps only the longest of nested hits', () => {
    expect(termsIn('稳赚不赔')).toEqual(['稳赚不赔']);
    expect(termsIn('保本保息')).toEqual(['保本保息']);
  });

  it('reports segment, speaker, offsets in the original text and an interpolated time', () => {
    const segments: Segment[] = [agent('您好'), { speaker: 'agent', startS: 20, endS: 30, text: '放心，保 本的' }];
    const [hit] = findSensitiveWords(finance, prepareSegments(segments));
    expect(hit).toMatchObject({ term: '保本', segment: 1, speaker: 'agent', start: 3, end: 6, category: 'guaranteed_principal', severity: 'high' });
    expect(segments[1]?.text.slice(hit?.start, hit?.end)).toBe('保 本');
    expect(hit?.startS).toBeCloseTo(20 + (10 * 3) / 7, 3);
  });

  it('handles tenant lexicons of thousands of terms in one automaton', () => {
    const terms = Array.from({ length: 5000 }, (_, i) => ({ term: `禁词${i}号` }));
    terms.push({ term: 'Project Falcon' });
    const lexicon = compileLexicon(terms);
    expect(lexicon.termCount).toBe(5001);
    expect(termsIn('这是禁词4321号和project-falcon', lexicon)).toEqual(['禁词4321号', 'Project Falcon']);
    expect(termsIn('禁词43210号', lexicon)).toEqual([]);
  });

  it('ignores terms that normalise to nothing and duplicates', () => {
    const lexicon = compileLexicon([{ term: '!!!' }, { term: '保本' }, { term: '保 本' }]);
    expect(lexicon.termCount).toBe(1);
  });
});
