import { describe, it, expect } from 'vitest';
import { mineDemands } from '../../../core/analysis/demands/demands';
import { DEFAULT_DEMAND_CATEGORIES } from '../../../core/analysis/demands/demand.categories';
import type { Transcript } from '../../../core/analysis/transcript.types';

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
