import { describe, it, expect } from 'vitest';
import { compileCategories, matchTopics, mineDemands } from '../../../core/analysis/demands/demands';
import { DEFAULT_DEMAND_CATEGORIES, type DemandCategory } from '../../../core/analysis/demands/demand.categories';
import { stemEnglish } from '../../../core/analysis/demands/demand-phrase.matcher';
import { prepareSegments } from '../../../core/analysis/text/segment-text';
import type { Segment, Transcript } from '../../../core/analysis/transcript.types';

const call = (customer: string[], agent = '您好，请问有什么可以帮您'): Transcript => ({
  language: 'auto',
  segments: [
    { speaker: 'agent', startS: 0, endS: 3, text: agent },
    ...customer.map((text, i) => ({ speaker: 'customer' as const, startS: 3 + i * 5, endS: 7 + i * 5, text })),
  ],
});

describe('mineDemands', () => {
  const calls = [
    { callId: 'c1', transcript: call(['你好，我的快递还没到，物流太慢了', '电池鼓包了']) },
    { callId: 'c2', transcript: call(['物流太慢了，几天了还没到', '电池鼓包了怎么办']) },
    { callId: 'c3', transcript: call(['退款流程太复杂了，我要申请退款', '电池鼓包']) },
    { callId: 'c4', transcript: call(['My package has not arrived, the battery is swollen']) },
    { callId: 'c5', transcript: call(['the battery is swollen again and the refund is too hard']) },
  ];
  const insights = mineDemands(calls, DEFAULT_DEMAND_CATEGORIES.ecommerce, { minCalls: 2 });

  it('counts each category once per call with the call ids', () => {
    const byId = Object.fromEntries(insights.categories.map((c) => [c.id, c]));
    expect(byId.logistics_delay).toMatchObject({ calls: 3, callIds: ['c1', 'c2', 'c4'] });
    expect(byId.refund_complex).toMatchObject({ calls: 2, callIds: ['c3', 'c5'] });
    expect(insights.totalCalls).toBe(5);
  });

  it('mines recurring phrases that are not categories yet, in both languages', () => {
    const phrases = insights.phrases.map((p) => p.phrase);
    expect(phrases).toContain('电池鼓包');
    expect(phrases).toContain('battery is swollen');
    const battery = insights.phrases.find((p) => p.phrase === '电池鼓包');
    expect(battery).toMatchObject({ calls: 3, callIds: ['c1', 'c2', 'c3'] });
    // Sub-phrases absorbed by the longer phrase, stop words and greetings are not listed.
    expect(phrases).not.toContain('电池鼓');
    expect(phrases).not.toContain('你好');
    expect(phrases).not.toContain('the');
  });

  it('is deterministic', () => {
    expect(mineDemands(calls, DEFAULT_DEMAND_CATEGORIES.ecommerce, { minCalls: 2 })).toEqual(insights);
  });
});

const ecommerce = compileCategories(DEFAULT_DEMAND_CATEGORIES.ecommerce);
const finance = compileCategories(DEFAULT_DEMAND_CATEGORIES.finance);
const customerSays = (...texts: string[]): Segment[] => texts.map((text, i) => ({ speaker: 'customer', startS: i * 5, endS: i * 5 + 4, text }));
const topicIds = (compiled: typeof ecommerce, ...texts: string[]) => matchTopics(compiled, prepareSegments(customerSays(...texts))).map((t) => t.id);

describe('matchTopics: paraphrases of category phrases', () => {
  it.each([
    ['退款流程太复杂了', 'refund_complex'],
    ['退款的流程很复杂', 'refund_complex'],
    ['我要退款，流程好复杂', 'refund_complex'],
    ['退款真的太麻烦了', 'refund_complex'],
    ['the refund process is way too complicated', 'refund_complex'],
    ['refund process complicated', 'refund_complex'],
    ['I never received my refund', 'refund_complex'],
    ["I haven't received the refund", 'refund_complex'],
    ['my refund is taking way too long', 'refund_complex'],
    ['物流也太慢了吧', 'logistics_delay'],
    ['快递怎么这么慢', 'logistics_delay'],
    ['我一直没有收到货', 'logistics_delay'],
    ['好几天了都还没到', 'logistics_delay'],
    ["It still hasn't arrived", 'logistics_delay'],
    ['the package is really late', 'logistics_delay'],
    ['发票的抬头写错了', 'invoice_issue'],
    ['I need the invoices for March', 'invoice_issue'],
    ['质量也太差了', 'product_quality'],
    ['the price dropped the day after', 'price_promotion'],
    ['I need to update my delivery address', 'address_change'],
    ['can I speak with your manager', 'complaint_escalation'],
  ])('%s -> %s', (text, id) => {
    expect(topicIds(ecommerce, text)).toContain(id);
  });

  it.each([
    ["I can't log in to the app", 'account_access'],
    ['my transfer did not go through', 'transfer_failure'],
    ['you charged me twice this month', 'fees_charges'],
  ])('%s -> %s (finance)', (text, id) => {
    expect(topicIds(finance, text)).toContain(id);
  });

  it('still matches every phrase verbatim, short ones included', () => {
    for (const category of DEFAULT_DEMAND_CATEGORIES.ecommerce) {
      for (const phrase of category.phrases) expect(topicIds(ecommerce, phrase), phrase).toContain(category.id);
    }
  });
});

describe('matchTopics: near misses', () => {
  const refundOnly = compileCategories([{ id: 'refund_complex', label: 'refund', phrases: ['退款流程复杂', 'refund process complicated'] }]);

  it.each([
    '退款',
    '我想退款',
    '流程复杂',
    '退货的流程',
    '我想退货',
    '复杂',
    'refund',
    'I want a refund',
    'the process is complicated',
    'I completed the refund process',
    'the refund process was simple and quick',
  ])('%s does not match 退款流程复杂', (text) => {
    expect(topicIds(refundOnly, text)).toEqual([]);
  });

  it.each([
    ['退款的时候麻烦你告诉我一下', 'refund_complex'],
    ['师傅刚刚给我打电话说来送货', 'callback_request'],
    ['你们客服怎么还没给我打电话', 'logistics_delay'],
    ['刚买的还没打开呢，点收货链接一看', 'logistics_delay'],
    ['it has arrived, thanks', 'logistics_delay'],
    ['the order arrived late yesterday evening but that is fine', 'refund_complex'],
    ['brokenhearted', 'product_quality'],
  ])('%s does not match %s', (text, id) => {
    expect(topicIds(ecommerce, text)).not.toContain(id);
  });

  it('keeps a negator apart from other words', () => {
    expect(topicIds(finance, 'I can log in now')).not.toContain('account_access');
  });

  it('only listens to the customer', () => {
    const prepared = prepareSegments([{ speaker: 'agent', startS: 0, endS: 3, text: '退款流程太复杂了是吧' }]);
    expect(matchTopics(ecommerce, prepared)).toEqual([]);
  });
});

describe('matchTopics: hits and segments', () => {
  it('counts separate places, one per overlapping exact and paraphrase match, with their segments', () => {
    const segments: Segment[] = [
      { speaker: 'customer', startS: 0, endS: 4, text: '退款流程复杂，真的太复杂了' },
      { speaker: 'agent', startS: 4, endS: 8, text: '退款流程很复杂吗' },
      { speaker: 'customer', startS: 8, endS: 12, text: '你好' },
      { speaker: 'customer', startS: 12, endS: 16, text: '退款的流程太复杂了，而且物流很慢' },
    ];
    const topics = matchTopics(ecommerce, prepareSegments(segments));
    expect(topics.find((t) => t.id === 'refund_complex')).toMatchObject({ hits: 2, segments: [0, 3], score: 0.865 });
    expect(topics.find((t) => t.id === 'logistics_delay')).toMatchObject({ hits: 1, segments: [3] });
    expect(topics[0]?.id).toBe('refund_complex');
  });

  it('counts two mentions in one segment twice', () => {
    const [topic] = matchTopics(ecommerce, prepareSegments(customerSays('物流很慢，问了三次，物流还是很慢')));
    expect(topic).toMatchObject({ id: 'logistics_delay', hits: 2, segments: [0] });
  });

  it('is the same whether categories come compiled or not, and deterministic', () => {
    const texts = ['退款的流程很复杂', 'my refund is taking way too long', '发票的抬头写错了'];
    const calls = texts.map((text, i) => ({ callId: `k${i}`, transcript: { language: 'auto' as const, segments: customerSays(text) } }));
    const categories: readonly DemandCategory[] = DEFAULT_DEMAND_CATEGORIES.ecommerce;
    expect(mineDemands(calls, categories)).toEqual(mineDemands(calls, ecommerce));
  });
});

describe('stemEnglish', () => {
  it.each([
    ['complicated', 'compli'],
    ['complication', 'compli'],
    ['complete', 'comple'],
    ['arrived', 'arriv'],
    ['arrival', 'arriv'],
    ['stopped', 'stop'],
    ['process', 'proces'],
    ['processing', 'proces'],
    ['fees', 'fee'],
    ['brokenhearted', 'brokenheart'],
  ])('%s -> %s', (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });
});

describe('mineDemands with paraphrases', () => {
  it('counts calls whose customer paraphrases a category phrase', () => {
    const calls = [
      { callId: 'p1', transcript: call(['退款的流程很复杂，我都不会弄']) },
      { callId: 'p2', transcript: call(['the refund process is way too complicated']) },
      { callId: 'p3', transcript: call(['我想退货']) },
    ];
    const insights = mineDemands(calls, DEFAULT_DEMAND_CATEGORIES.ecommerce, { minCalls: 2 });
    expect(insights.categories.find((c) => c.id === 'refund_complex')).toMatchObject({ calls: 2, callIds: ['p1', 'p2'] });
  });
});
