import { describe, expect, it } from 'vitest';
import { computeKpis, computeWilsonInterval, type CallFact } from '../../../core/insights/kpis';
import { computeTrajectory, type EmotionPoint } from '../../../core/analysis/emotion/emotion.analysis';
import { createScorecard, type ScorecardInput } from '../../../core/quality/scorecard';
import { scoreEvaluation, type QualityAnalysisSummary } from '../../../core/quality/evaluation';

const point = (i: number, label: EmotionPoint['label'], score = 0.9): EmotionPoint => ({ segment: 2 * i + 1, startS: 10 * i, endS: 10 * i + 8, label, score });
const timeline = (labels: string) => [...labels].map((c, i) => point(i, c === '-' ? 'negative' : c === '+' ? 'positive' : 'neutral'));

describe('customer emotion trajectory', () => {
  it('finds start, end, lowest point and the turns of an upset customer who calms down', () => {
    const t = computeTrajectory(timeline('--0-000++'));
    expect(t?.start).toMatchObject({ label: 'negative', fromSegment: 1, toSegment: 5, startS: 0, endS: 28 });
    expect(t?.end).toMatchObject({ label: 'positive', fromSegment: 13, toSegment: 17 });
    expect(t?.lowest).toMatchObject({ fromSegment: 1, toSegment: 5, valence: -0.6 });
    expect(t?.turns.map((x) => `${x.from}>${x.to}@${x.segment}:${x.direction}`)).toEqual([
      'negative>neutral@13:better',
      'neutral>positive@15:better',
    ]);
    expect(t?.recovered).toBe(true);
  });

  it('reports a call that starts calm and turns upset, and one that stays upset', () => {
    const worse = computeTrajectory(timeline('000---'));
    expect(worse?.turns.map((x) => `${x.from}>${x.to}:${x.direction}`)).toEqual(['neutral>negative:worse']);
    expect(worse?.lowest.fromSegment).toBe(7);
    expect(worse?.recovered).toBeNull();
    expect(computeTrajectory(timeline('--0--'))?.recovered).toBe(false);
    expect(computeTrajectory(timeline('-'))?.recovered).toBeNull();
    expect(computeTrajectory([])).toBeUndefined();
  });
});

const card: ScorecardInput = {
  id: 'auto',
  name: { zh: '自动', en: 'Automatic' },
  sections: [
    {
      id: 'skill',
      label: { zh: '技能', en: 'Skill' },
      weight: 1,
      criteria: [
        { id: 'handled', label: { zh: '情绪应对', en: 'Emotion handling' }, kind: 'automatic', source: 'emotion_handled', allowNa: true },
        { id: 'knowledge', label: { zh: '产品知识准确率', en: 'Product knowledge' }, kind: 'automatic', source: 'knowledge_accurate', allowNa: true },
      ],
    },
  ],
};
const scorecard = createScorecard(card, { by: 'admin', at: '2026-01-01T00:00:00.000Z' });
const base: QualityAnalysisSummary = {
  durationS: 300,
  durationBand: { minS: 180, maxS: 480 },
  scriptsFound: [],
  sensitiveHits: [],
  interruptionRate: 0,
  customerEmotion: { agitated: false, moments: [] },
};
const course = (startsNegative: boolean, endsNegative: boolean) => ({
  startsNegative,
  endsNegative,
  start: { startS: 0, endS: 20 },
  end: { startS: 250, endS: 290 },
  lowest: { startS: 30, endS: 60 },
});
const valueOf = (summary: QualityAnalysisSummary, id: string) => scoreEvaluation(scorecard, [], summary).criteria.find((c) => c.criterionId === id);

describe('automatic criteria emotion_handled and knowledge_accurate', () => {
  it.each([
    [course(true, false), 'pass'],
    [course(true, true), 'fail'],
    [course(false, false), 'na'],
    [course(false, true), 'na'],
  ])('decides emotion handling from the course %#', (emotionCourse, value) => {
    expect(valueOf({ ...base, emotionCourse }, 'handled')?.value).toBe(value);
  });

  it('points a failed emotion handling at the start, the lowest point and the end', () => {
    const c = valueOf({ ...base, emotionCourse: course(true, true) }, 'handled');
    expect(c?.evidence.map((e) => e.startS)).toEqual([0, 30, 250]);
  });

  it('fails knowledge on a contradiction with its evidence, passes on confirmations, N/A when no fact came up', () => {
    const wrong = valueOf(
      { ...base, knowledge: { checked: 2, contradictions: [{ startS: 42, endS: 44, factId: 'refund', note: 'fact refund: agent said 10 business_day, fact is 7 business_day' }], confirmations: [{ startS: 80, factId: 'yield' }] } },
      'knowledge',
    );
    expect(wrong?.value).toBe('fail');
    expect(wrong?.evidence).toEqual([{ startS: 42, endS: 44, note: 'fact refund: agent said 10 business_day, fact is 7 business_day' }]);
    expect(valueOf({ ...base, knowledge: { checked: 1, contradictions: [], confirmations: [{ startS: 80, factId: 'yield' }] } }, 'knowledge')?.value).toBe('pass');
    expect(valueOf({ ...base, knowledge: { checked: 0, contradictions: [], confirmations: [] } }, 'knowledge')?.value).toBe('na');
    expect(valueOf(base, 'knowledge')?.value).toBe('na');
  });
});

function fact(callId: string, agentId: string, emotionCourse: CallFact['emotionCourse']): CallFact {
  return {
    callId, agentId, team: agentId.startsWith('a') ? 'team-a' : 'team-b', startedAt: '2026-03-02T09:00:00Z', durationS: 300, inquiryType: null,
    tags: [], customerKey: null, csat: null, hasRecording: true, requiredScripts: { found: 0, required: 0 }, sensitiveHits: 0,
    customerTurns: 0, customerTurnsInterrupted: 0, qaScore: null, emotionCourse,
  };
}

describe('emotion handling KPI', () => {
  it('is the share of calls starting negative that end neutral or positive, per agent and team, with a Wilson interval', () => {
    const calm = { startsNegative: true, endsNegative: false };
    const stuck = { startsNegative: true, endsNegative: true };
    const fine = { startsNegative: false, endsNegative: false };
    const facts = [
      fact('1', 'a1', calm), fact('2', 'a1', calm), fact('3', 'a1', stuck), fact('4', 'a1', fine),
      fact('5', 'a2', stuck), fact('6', 'a2', null), fact('7', 'b1', calm),
    ];
    const byAgent = computeKpis(facts, { groupBy: 'agent' });
    const a1 = byAgent.find((r) => r.group === 'a1')?.emotionHandling;
    expect(a1).toMatchObject({ numerator: 2, denominator: 3, unknown: 0 });
    expect(a1?.rate).toBeCloseTo(2 / 3, 10);
    // Wilson 95% for 2/3: centre (0.6667 + 0.6403) / 2.2805, half-width 1.96 * sqrt(0.0741 + 0.1067) / 2.2805.
    expect(a1?.interval?.low).toBeCloseTo(0.2077, 3);
    expect(a1?.interval?.high).toBeCloseTo(0.9385, 3);
    expect(byAgent.find((r) => r.group === 'a2')?.emotionHandling).toMatchObject({ numerator: 0, denominator: 1, unknown: 1 });
    const byTeam = computeKpis(facts, { groupBy: 'team' });
    expect(byTeam.find((r) => r.group === 'team-a')?.emotionHandling).toMatchObject({ numerator: 2, denominator: 4 });
    expect(byTeam.find((r) => r.group === 'team-b')?.emotionHandling).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('has no rate or interval without an upset customer, and a narrower interval with more calls', () => {
    const row = computeKpis([fact('1', 'a1', { startsNegative: false, endsNegative: false })], { groupBy: 'all' })[0];
    expect(row?.emotionHandling).toMatchObject({ numerator: 0, denominator: 0, rate: null, interval: null });
    const small = computeWilsonInterval(8, 10, 0.95);
    const large = computeWilsonInterval(80, 100, 0.95);
    expect((large?.high ?? 1) - (large?.low ?? 0)).toBeLessThan((small?.high ?? 1) - (small?.low ?? 0));
  });
});
