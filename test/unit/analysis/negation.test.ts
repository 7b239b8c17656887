import { describe, it, expect } from 'vitest';
import { compileLexicon, findSensitiveWords, type ClearedHit } from '../../../core/analysis/lexicon/sensitive-words';
import { DEFAULT_LEXICON_PACKS } from '../../../core/analysis/lexicon/lexicon.packs';
import { compileNegation, isNegatedBefore } from '../../../core/analysis/lexicon/negation.rules';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import { analyzeTranscript, buildAnalysisConfig } from '../../../core/analysis/index';
import type { Segment } from '../../../core/analysis/transcript.types';

const finance = compileLexicon(DEFAULT_LEXICON_PACKS.finance);
const agent = (text: string): Segment => ({ speaker: 'agent', startS: 0, endS: 10, text });
const scan = (text: string, lexicon = finance) => {
  const cleared: ClearedHit[] = [];
  const hits = findSensitiveWords(lexicon, prepareSegments([agent(text)]), undefined, cleared);
  return { hits: hits.map((h) => h.term), cleared: cleared.map((h) => `${h.term}:${h.clearedBy}`) };
};

describe('negation of sensitive words', () => {
  it.each([
    ['这款产品不保本', '保本'],
    ['我们不能保证收益', '保证收益'],
    ['理财产品并非零风险', '零风险'],
    ['我们不承诺保本', '保本'],
    ['这个没有保证收益的', '保证收益'],
    ['我们不会给您保证收益', '保证收益'],
    ['This fund is not risk-free.', 'risk-free'],
    ['we cannot promise a guaranteed return', 'guaranteed return'],
    ["There's no guaranteed return on this plan", 'guaranteed return'],
    ["it isn't principal protected", 'principal protected'],
  ])('clears %j (the agent denies %s)', (text, term) => {
    const r = scan(text);
    expect(r.hits).toEqual([]);
    expect(r.cleared).toEqual([`${term}:negation`]);
  });

  it.each([
    ['这款产品保本', '保本'],
    ['放心，保证收益', '保证收益'],
    ['不用担心保本的', '保本'],
    ['不是不保本，是保本的', '保本'],
    ['这不是说，保证收益', '保证收益'],
    ['It is risk-free, trust me', 'risk-free'],
    ['not bad, a guaranteed return every year', 'guaranteed return'],
    ["it's not that it is not risk-free", 'risk-free'],
  ])('keeps %j as a violation of %s', (text, term) => {
    expect(scan(text).hits).toContain(term);
  });

  it('never clears entries that are not negatable, in either language', () => {
    const general = compileLexicon(DEFAULT_LEXICON_PACKS.general);
    expect(scan('你不是白痴', general).hits).toEqual(['白痴']);
    expect(scan('you are not an idiot', general).hits).toEqual(['idiot']);
    expect(scan('不保本', compileLexicon([{ term: '保本' }])).hits).toEqual(['保本']);
  });

  it('clears an English tenant term placed after its negator ("returns are not guaranteed")', () => {
    const lexicon = compileLexicon([{ term: 'guaranteed', negatable: true }]);
    expect(scan('Returns are not guaranteed.', lexicon)).toEqual({ hits: [], cleared: ['guaranteed:negation'] });
    expect(scan('Returns are guaranteed.', lexicon).hits).toEqual(['guaranteed']);
  });

  it('can be turned off, and takes extra negators and bridges', () => {
    const off = compileLexicon(DEFAULT_LEXICON_PACKS.finance, { negation: { enabled: false } });
    expect(scan('这款产品不保本', off).hits).toEqual(['保本']);
    const rules = compileNegation({ negators: ['hardly'], bridges: ['向各位'] });
    if (!rules) throw new Error('rules expected');
    expect(isNegatedBefore('this is hardly risk-free', 'this is hardly '.length, rules)).toBe(true);
    expect(isNegatedBefore('我们不向各位保本', '我们不向各位'.length, rules)).toBe(true);
    const plain = compileNegation();
    if (!plain) throw new Error('rules expected');
    expect(isNegatedBefore('我们不向各位保本', '我们不向各位'.length, plain)).toBe(false);
  });

  it('clears any hit inside a disclaimer, and required scripts count as disclaimers', () => {
    const lexicon = compileLexicon([{ term: '保本' }], { disclaimers: ['产品不保本收益不确定'] });
    expect(scan('本产品不保本收益不确定', lexicon)).toEqual({ hits: [], cleared: ['保本:disclaimer'] });
    const config = buildAnalysisConfig({ industry: 'finance', negation: { enabled: false } });
    const analysis = analyzeTranscript({ language: 'zh', segments: [agent('产品不保本收益不确定，另外这款保本')] }, config);
    expect(analysis.sensitive.map((h) => h.term)).toEqual(['保本']);
    expect(analysis.clearedSensitive?.map((h) => h.clearedBy)).toEqual(['disclaimer']);
    expect(analysis.flags.find((f) => f.code === 'SENSITIVE_WORD')?.count).toBe(1);
  });
});
