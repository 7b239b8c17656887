import { describe, it, expect } from 'vitest';
import { checkKnowledge, compileKnowledgeFacts, type KnowledgeFact } from '../../../core/analysis/knowledge/knowledge.check';
import { findQuantities, parseChineseNumeral, parseEnglishNumber } from '../../../core/analysis/knowledge/quantity.parser';
import type { Segment } from '../../../core/analysis/transcript.types';

const FACTS: KnowledgeFact[] = [
  { id: 'refund-days-zh', statement: '退款 7 个工作日到账' },
  { id: 'yield-zh', statement: '年化收益 3%-4%' },
  { id: 'refund-days-en', statement: 'refunds arrive within 7 business days' },
];
const compiled = compileKnowledgeFacts(FACTS);
const agent = (text: string): Segment => ({ speaker: 'agent', startS: 10, endS: 20, text });
const verdicts = (text: string) => {
  const r = checkKnowledge(compiled, [agent(text)]);
  return [...r.contradictions, ...r.confirmations].map((f) => `${f.factId}:${f.verdict}`);
};

describe('quantities in digits, Chinese numerals and English words', () => {
  it.each([
    ['十五', 15], ['二十一', 21], ['一百零五', 105], ['一千五', 1500], ['三万五', 35000], ['三点五', 3.5], ['二二', 22], ['两', 2],
  ])('reads the Chinese numeral %s as %d', (text, value) => {
    expect(parseChineseNumeral(text)).toBe(value);
  });

  it.each([
    [['seven'], 7], [['twenty', 'one'], 21], [['a', 'hundred', 'and', 'five'], 105], [['three', 'point', 'five'], 3.5],
  ])('reads the English words %j as %d', (words, value) => {
    expect(parseEnglishNumber(words)).toBe(value);
  });

  it.each([
    ['退款7个工作日到账', 7, 7, 'business_day'],
    ['大概十个工作日', 10, 10, 'business_day'],
    ['年化收益3%-4%', 3, 4, 'percent'],
    ['年化收益百分之三到百分之四', 3, 4, 'percent'],
    ['年化三点五%', 3.5, 3.5, 'percent'],
    ['三到五天', 3, 5, 'day'],
    ['within seven business days', 7, 7, 'business_day'],
    ['between three and four percent', 3, 4, 'percent'],
    ['ten to fourteen days', 10, 14, 'day'],
    ['一千五块钱', 1500, 1500, 'yuan'],
  ])('finds %j as %d..%d %s', (text, min, max, unit) => {
    expect(findQuantities(text).map((q) => [q.min, q.max, q.unit])).toEqual([[min, max, unit]]);
  });

  it('ignores numbers without a unit and dates', () => {
    expect(findQuantities('订单号123456，手机尾号二二三四')).toEqual([]);
    expect(findQuantities('3月7日发货')).toEqual([]);
  });
});

describe('checkKnowledge', () => {
  it.each([
    ['您的退款10个工作日到账', 'refund-days-zh:contradicts'],
    ['退款的话十个工作日左右到账', 'refund-days-zh:contradicts'],
    ['退款七个工作日内到账', 'refund-days-zh:consistent'],
    ['退款 7 个工作日到账的', 'refund-days-zh:consistent'],
    ['退款三天就能到账', 'refund-days-zh:contradicts'],
    ['这款产品年化收益5%', 'yield-zh:contradicts'],
    ['年化收益大概百分之六', 'yield-zh:contradicts'],
    ['年化收益三点五%左右', 'yield-zh:consistent'],
    ['年化收益百分之三到百分之五', 'yield-zh:contradicts'],
    ['Your refund will arrive within ten business days.', 'refund-days-en:contradicts'],
    ['Refunds usually arrive in 7 business days', 'refund-days-en:consistent'],
    ['the refund should arrive in about fourteen days', 'refund-days-en:contradicts'],
    ['the refund should arrive in about nine days', 'refund-days-en:consistent'],
  ])('%j -> %s', (text, expected) => {
    expect(verdicts(text)).toEqual([expected]);
  });

  it.each([
    ['您的快递10个工作日到'],
    ['退款申请要在30天内提交，谢谢'],
    ['年化收益不是5%，是3%到4%'],
    ['Your parcel will arrive within ten business days.'],
  ])('does not judge %j against an unrelated or negated quantity', (text) => {
    expect(checkKnowledge(compiled, [agent(text)]).contradictions).toEqual([]);
  });

  it('points at the number said, with time, and ignores the customer', () => {
    const text = '好的，退款10个工作日到账';
    const r = checkKnowledge(compiled, [{ speaker: 'customer', startS: 0, endS: 5, text }, agent(text)]);
    expect(r.checked).toBe(1);
    const [finding] = r.contradictions;
    expect(finding).toMatchObject({ factId: 'refund-days-zh', segment: 1, said: { min: 10, max: 10, unit: 'business_day' }, expected: { min: 7, max: 7 } });
    expect(text.slice(finding?.start, finding?.end)).toBe('10个工作日');
    expect(finding?.startS).toBeGreaterThan(10);
  });

  it('uses explicit keyword groups with synonyms', () => {
    const custom = compileKnowledgeFacts([{ id: 'refund', statement: '退款 7 个工作日到账', keywords: [['退款', '退钱', 'refund'], ['到账', '退回']] }]);
    expect(checkKnowledge(custom, [agent('退钱大概十个工作日退回')]).contradictions).toHaveLength(1);
  });

  it.each([
    [[{ id: 'x', statement: '退款很快到账' }], /exactly one quantity/u],
    [[{ id: 'x', statement: '7 个工作日' }], /no keywords/u],
    [[{ id: 'x', statement: '退款 7 天到账' }, { id: 'x', statement: '退款 7 天到账' }], /used twice/u],
  ])('rejects a malformed fact with VALIDATION_FAILED', (facts, message) => {
    expect(() => compileKnowledgeFacts(facts)).toThrow(message);
    try {
      compileKnowledgeFacts(facts);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('knowledge facts in the analysis', () => {
  it('are an analysis setting and raise KNOWLEDGE_CONTRADICTION with the fact id', async () => {
    const { analyzeTranscript, buildAnalysisConfig } = await import('../../../core/analysis/index');
    const config = buildAnalysisConfig({ industry: 'finance', knowledgeFacts: FACTS });
    const analysis = analyzeTranscript({ language: 'zh', segments: [agent('本次通话将录音。这款理财年化收益百分之六，理财有风险投资需谨慎')] }, config);
    expect(analysis.knowledge?.contradictions.map((f) => f.factId)).toEqual(['yield-zh']);
    expect(analysis.flags.find((f) => f.code === 'KNOWLEDGE_CONTRADICTION')).toMatchObject({ count: 1, details: ['yield-zh'] });
    expect(() => buildAnalysisConfig({ knowledgeFacts: [{ id: 'x', statement: 'no number' }] })).toThrow(/exactly one quantity/u);
  });
});

describe('the keyword gate over the shared normalisation', () => {
  it('gives the same findings with and without the prepared transcript, traditional characters included', async () => {
    const { prepareSegments } = await import('../../../core/analysis/text/segment-text');
    const segments = [
      agent('退款10個工作日到賬'),
      agent('Your refund will arrive within ten business days.'),
      agent('快递10个工作日到'),
      { speaker: 'customer' as const, startS: 0, endS: 1, text: '退款10个工作日到账' },
      agent('年化 收益 百分之六'),
    ];
    const plain = checkKnowledge(compiled, segments);
    const gated = checkKnowledge(compiled, segments, 'agent', prepareSegments(segments));
    expect(gated).toEqual(plain);
    expect(plain.contradictions.map((f) => `${f.factId}@${f.segment}`)).toEqual(['refund-days-zh@0', 'refund-days-en@1', 'yield-zh@4']);
  });
});
