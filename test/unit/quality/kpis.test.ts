import { describe, expect, it } from 'vitest';
import { computeKpis, type CallFact } from '../../../core/insights/kpis';

function fact(
  callId: string, agentId: string, startedAt: string, durationS: number, inquiryType: string | null, tags: string[],
  customerKey: string | null, csat: number | null, hasRecording: boolean, scripts: [number, number], sensitiveHits: number,
  turns: [number, number], qaScore: number | null,
): CallFact {
  return {
    callId, agentId, team: agentId === 'a1' ? 'team-1' : 'team-2', startedAt, durationS, inquiryType, tags, customerKey, csat,
    hasRecording, requiredScripts: { found: scripts[0], required: scripts[1] }, sensitiveHits,
    customerTurns: turns[0], customerTurnsInterrupted: turns[1], qaScore,
  };
}

// Hand-checked fixture. FCR with a 7-day window:
//  c0 (Feb, outside the range) B/delivery -> c4 three days later is a repeat, not a first contact
//  c1 A/refund is repeated by c2 four days later -> unresolved; c2 is a repeat
//  c3 B/refund alone -> resolved;  c5, c6 C/refund ten days apart -> two first contacts, both resolved
//  c7 D/refund on 03-28: its window runs past the data end (03-31) -> pending;  c8 has no customer -> unknown
const FACTS: CallFact[] = [
  fact('c0', 'a2', '2025-02-28T10:00:00Z', 300, 'delivery', [], 'B', 4, true, [1, 1], 0, [10, 0], 80),
  fact('c1', 'a1', '2025-03-01T09:00:00Z', 200, 'refund', ['vip'], 'A', 3, true, [1, 1], 0, [10, 2], 70),
  fact('c2', 'a2', '2025-03-05T09:00:00Z', 500, 'refund', ['vip'], 'A', 4, true, [0, 1], 1, [5, 1], 85),
  fact('c3', 'a1', '2025-03-02T09:00:00Z', 400, 'refund', [], 'B', 2, true, [1, 2], 2, [8, 0], 60),
  fact('c4', 'a2', '2025-03-03T09:00:00Z', 250, 'delivery', [], 'B', 5, true, [1, 1], 0, [20, 4], 90),
  fact('c5', 'a1', '2025-03-10T09:00:00Z', 100, 'refund', ['vip'], 'C', 4, true, [1, 1], 0, [12, 3], 75),
  fact('c6', 'a1', '2025-03-20T09:00:00Z', 480, 'refund', [], 'C', 3, true, [2, 2], 0, [10, 1], 80),
  fact('c7', 'a2', '2025-03-28T09:00:00Z', 180, 'refund', [], 'D', null, true, [1, 1], 0, [10, 0], 65),
  fact('c8', 'a2', '2025-03-29T09:00:00Z', 600, null, [], null, 5, false, [0, 0], 0, [5, 0], null),
];

const OPTIONS = {
  from: '2025-03-01T00:00:00Z',
  to: '2025-04-01T00:00:00Z',
  dataEnd: '2025-03-31T23:59:59Z',
  durationBands: { default: { minS: 180, maxS: 480 }, byInquiryType: { delivery: { minS: 60, maxS: 300 } } },
};

describe('KPIs on a hand-computed fixture', () => {
  const [all] = computeKpis(FACTS, { ...OPTIONS, groupBy: 'all' });

  it('counts only calls in [from, to)', () => {
    expect(all!.calls).toBe(8);
  });

  it('computes the compliance rates', () => {
    expect(all!.recordingCompleteness).toEqual({ numerator: 7, denominator: 8, rate: 7 / 8 });
    expect(all!.requiredScriptRate).toEqual({ numerator: 7, denominator: 9, rate: 7 / 9 });
    expect(all!.sensitiveWords).toEqual({ hits: 3, callsWithHits: 2, perCall: 3 / 8, per100Calls: 37.5 });
    // In band: c1, c3, c4 (delivery band 60-300), c6 (480 inclusive), c7 -> 5 of 8.
    expect(all!.durationInBand).toEqual({ numerator: 5, denominator: 8, rate: 5 / 8 });
  });

  it('pools the interruption rate over customer turns', () => {
    expect(all!.interruptionRate).toEqual({ numerator: 11, denominator: 80, rate: 11 / 80 });
    const a1 = computeKpis(FACTS, { ...OPTIONS, groupBy: 'agent' }).find((r) => r.group === 'a1')!;
    // (2 + 0 + 3 + 1) / (10 + 8 + 12 + 10); the mean of per-call rates would be 0.1375.
    expect(a1.interruptionRate.rate).toBeCloseTo(0.15, 12);
  });

  it('computes first-contact resolution with repeats, pending windows and unknown customers', () => {
    expect(all!.firstContactResolution).toEqual({ numerator: 3, denominator: 4, rate: 0.75, windowDays: 7, pending: 1, repeatContacts: 2, unknown: 1 });
    const byAgent = computeKpis(FACTS, { ...OPTIONS, groupBy: 'agent' });
    expect(byAgent.map((r) => [r.group, r.firstContactResolution.rate])).toEqual([
      ['a1', 0.75],
      ['a2', null],
    ]);
  });

  it('a shorter window turns the 4-day repeat into a resolved first contact', () => {
    const [short] = computeKpis(FACTS, { ...OPTIONS, groupBy: 'all', fcrWindowDays: 2 });
    // c1 resolved (c2 is 4 days later), c2 and c4 now first contacts, c7's window ends 03-30: judged; c8 unknown.
    expect(short!.firstContactResolution).toMatchObject({ numerator: 7, denominator: 7, pending: 0, repeatContacts: 0, unknown: 1 });
  });

  it('correlates QA score with CSAT by Spearman (by hand) and averages the score', () => {
    // Pairs c1..c6: score ranks 2 5 1 6 3 4; CSAT 3 4 2 5 4 3 -> ranks 2.5 4.5 1 6 4.5 2.5
    // sum(dx dy) = 14.5, sum(dx^2) = 17.5, sum(dy^2) = 16.5.
    expect(all!.scoreCsat.n).toBe(6);
    expect(all!.scoreCsat.rho).toBeCloseTo(14.5 / Math.sqrt(17.5 * 16.5), 12);
    const z = Math.atanh(14.5 / Math.sqrt(17.5 * 16.5));
    const half = 1.959963984540054 * Math.sqrt(1.06 / 3);
    expect(all!.scoreCsat.ci!.lower).toBeCloseTo(Math.tanh(z - half), 9);
    expect(all!.scoreCsat.ci!.upper).toBeCloseTo(Math.tanh(z + half), 9);
    expect(all!.averageScore).toEqual({ mean: 75, scored: 7 });
  });

  it('groups by tag, team, period and inquiry type', () => {
    expect(computeKpis(FACTS, { ...OPTIONS, groupBy: 'tag' }).map((r) => [r.group, r.calls])).toEqual([
      ['(untagged)', 5],
      ['vip', 3],
    ]);
    expect(computeKpis(FACTS, { ...OPTIONS, groupBy: 'team' }).map((r) => r.group)).toEqual(['team-1', 'team-2']);
    expect(computeKpis(FACTS, { groupBy: 'period' }).map((r) => [r.group, r.calls])).toEqual([
      ['2025-02', 1],
      ['2025-03', 8],
    ]);
    expect(computeKpis(FACTS, { ...OPTIONS, groupBy: 'inquiryType' }).map((r) => r.group)).toEqual(['(none)', 'delivery', 'refund']);
  });

  it.each([
    ['an inverted range', { groupBy: 'all' as const, from: '2025-04-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }, /before/],
    ['a bad groupBy', { groupBy: 'colour' as never }, /groupBy/],
    ['a zero window', { groupBy: 'all' as const, fcrWindowDays: 0 }, /fcrWindowDays/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => computeKpis(FACTS, options)).toThrow(message);
  });

  it('rejects inconsistent facts', () => {
    const bad = { ...FACTS[1]!, customerTurnsInterrupted: 11 };
    expect(() => computeKpis([bad], { groupBy: 'all' })).toThrow(/customerTurnsInterrupted/);
  });
});
