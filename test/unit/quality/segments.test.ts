import { describe, expect, it } from 'vitest';
import { compareSegments, type SegmentFact } from '../../../core/insights/segments';

function calls(n: number, tags: string[], demands: (i: number) => string[], flags: (i: number) => string[], score: (i: number) => number | null): SegmentFact[] {
  return Array.from({ length: n }, (_, i) => ({ callId: `${tags.join('-') || 'rest'}-${i}`, tags, demands: demands(i), flags: flags(i), qaScore: score(i) }));
}

describe('content x customer tags', () => {
  // 100 high-value calls: 40 with 物流延迟, 2 flagged; 200 others: 30 with 物流延迟, 3 flagged.
  const facts = [
    ...calls(100, ['high-value'], (i) => (i < 40 ? ['物流延迟', '物流延迟'] : []), (i) => (i < 2 ? ['agitated_customer'] : []), (i) => 70 + (i % 10)),
    ...calls(200, [], (i) => (i < 30 ? ['物流延迟'] : i < 50 ? ['退款流程复杂'] : []), (i) => (i < 3 ? ['agitated_customer'] : []), (i) => 80 + (i % 10)),
  ];
  const report = compareSegments(facts, { tag: 'high-value' });

  it('computes share, lift and a z-test for common demands (by hand)', () => {
    const delay = report.items.find((i) => i.key === '物流延迟')!;
    expect(delay).toMatchObject({ kind: 'demand', tagged: { count: 40, share: 0.4 }, rest: { count: 30, share: 0.15 }, test: 'z', significant: true });
    expect(delay.lift!).toBeCloseTo(0.4 / 0.15, 12);
    // pooled p = 70/300; z = 0.25 / sqrt(p (1 - p) (1/100 + 1/200))
    const pooled = 70 / 300;
    const z = 0.25 / Math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 200));
    expect(z).toBeGreaterThan(4.8);
    expect(delay.pValue!).toBeLessThan(1e-5);
  });

  it('uses Fisher exact for rare flags and finds no difference there', () => {
    const flag = report.items.find((i) => i.key === 'agitated_customer')!;
    expect(flag).toMatchObject({ kind: 'flag', test: 'fisher', significant: false });
    expect(flag.lift!).toBeCloseTo(0.02 / 0.015, 12);
    const refund = report.items.find((i) => i.key === '退款流程复杂')!;
    expect(refund).toMatchObject({ tagged: { count: 0, share: 0 }, lift: 0, significant: true });
  });

  it('compares mean QA scores', () => {
    expect(report.score).toMatchObject({ taggedMean: 74.5, restMean: 84.5, diff: -10, significant: true });
  });

  it('requires a tag', () => {
    expect(() => compareSegments(facts, { tag: ' ' })).toThrow(/tag is required/);
  });
});
