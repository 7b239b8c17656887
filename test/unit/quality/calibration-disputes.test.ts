import { describe, expect, it } from 'vitest';
import { computeCalibration } from '../../../core/quality/calibration';
import { openDispute, resolveDispute } from '../../../core/quality/dispute';
import { createEvaluation, type CriterionAnswer, type QualityAnalysisSummary } from '../../../core/quality/evaluation';
import { createScorecard, reviseScorecard } from '../../../core/quality/scorecard';
import { CallsightError } from '../../../core/shared/errors';

const stamp = { by: 'admin', at: '2025-01-01T00:00:00.000Z' };
const card = createScorecard(
  {
    id: 'cal',
    name: { zh: '校准', en: 'Calibration' },
    sections: [
      { id: 's1', label: { zh: '一', en: 'One' }, weight: 50, criteria: [{ id: 'c1', label: { zh: '一', en: 'One' }, kind: 'manual' }] },
      { id: 's2', label: { zh: '二', en: 'Two' }, weight: 50, criteria: [{ id: 'c2', label: { zh: '二', en: 'Two' }, kind: 'manual', scale: { kind: 'points', max: 4 } }] },
      { id: 's3', label: { zh: '三', en: 'Three' }, weight: 10, criteria: [{ id: 'auto1', label: { zh: '无敏感词', en: 'No sensitive words' }, kind: 'automatic', source: 'no_sensitive_words', allowNa: true }] },
    ],
  },
  stamp,
);

let seq = 0;
function evaluate(callId: string, reviewerId: string, answers: CriterionAnswer[], analysis: QualityAnalysisSummary | null = null, scorecard = card) {
  seq++;
  return createEvaluation({
    id: `ev-${seq}`,
    callId,
    agentId: 'agent-1',
    reviewerId,
    callStartedAt: '2025-02-01T09:00:00.000Z',
    scorecard,
    answers,
    analysis,
    at: `2025-02-02T09:00:${String(seq % 60).padStart(2, '0')}.000Z`,
  });
}

describe('calibration', () => {
  it("reproduces Krippendorff's 2-coder binary example per criterion and on totals", () => {
    const coderA = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const coderB = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const evaluations = coderA.flatMap((a, i) => [
      evaluate(`call-${i}`, 'rev-a', [{ criterionId: 'c1', value: a ? 'pass' : 'fail' }, { criterionId: 'c2', value: 4 }]),
      evaluate(`call-${i}`, 'rev-b', [{ criterionId: 'c1', value: coderB[i] ? 'pass' : 'fail' }, { criterionId: 'c2', value: 4 }]),
    ]);
    const report = computeCalibration(card, evaluations);
    const c1 = report.criteria.find((c) => c.criterionId === 'c1')!;
    expect(c1.level).toBe('nominal');
    expect(c1.alpha!).toBeCloseTo(0.095, 3);
    expect(c1.pairableCalls).toBe(10);
    // Everyone gave c2 full marks: no variation, alpha undefined.
    expect(report.criteria.find((c) => c.criterionId === 'c2')).toMatchObject({ level: 'ordinal', alpha: null });
    // Totals take two values (100 and 50), so the interval alpha equals the nominal one.
    expect(report.overall.alpha!).toBeCloseTo(0.095, 3);
    expect(report.doubleScoredCalls).toBe(10);
  });

  it("measures each reviewer's drift from the others' mean (by hand)", () => {
    const full = (c2: number): CriterionAnswer[] => [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: c2 }];
    // Call X totals 100 / 75 / 50; call Y 100 / 100; call Z scored once.
    const report = computeCalibration(card, [
      evaluate('x', 'r1', full(4)),
      evaluate('x', 'r2', full(2)),
      evaluate('x', 'r3', full(0)),
      evaluate('y', 'r1', full(4)),
      evaluate('y', 'r2', full(4)),
      evaluate('z', 'r3', full(1)),
    ]);
    expect(report.reviewers).toEqual([
      { reviewerId: 'r1', calls: 2, meanSignedDeviation: 18.75, meanAbsoluteDeviation: 18.75 },
      { reviewerId: 'r2', calls: 2, meanSignedDeviation: 0, meanAbsoluteDeviation: 0 },
      { reviewerId: 'r3', calls: 1, meanSignedDeviation: -37.5, meanAbsoluteDeviation: 37.5 },
    ]);
  });

  it('measures automatic criteria against human overrides (percent agreement and kappa by hand)', () => {
    const hit: QualityAnalysisSummary = {
      durationS: 200,
      durationBand: { minS: 180, maxS: 480 },
      scriptsFound: [],
      sensitiveHits: [{ term: '保本', startS: 12 }],
      interruptionRate: 0.1,
      customerEmotion: null,
    };
    const clean: QualityAnalysisSummary = { ...hit, sensitiveHits: [] };
    const answers = (human: 'pass' | 'fail'): CriterionAnswer[] => [
      { criterionId: 'c1', value: 'pass' },
      { criterionId: 'c2', value: 3 },
      { criterionId: 'auto1', value: human },
    ];
    // auto: fail fail pass pass; human: fail pass pass pass -> po 0.75, pe 0.5, kappa 0.5
    const report = computeCalibration(card, [
      evaluate('a', 'r1', answers('fail'), hit),
      evaluate('b', 'r1', answers('pass'), hit),
      evaluate('c', 'r1', answers('pass'), clean),
      evaluate('d', 'r1', answers('pass'), clean),
      evaluate('e', 'r1', [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: 3 }], clean),
    ]);
    const auto = report.automaticVsHuman.criteria[0]!;
    expect(auto).toMatchObject({ criterionId: 'auto1', n: 4 });
    expect(auto.percentAgreement).toBeCloseTo(0.75, 12);
    expect(auto.kappa!).toBeCloseTo(0.5, 12);
    expect(report.automaticVsHuman.pooled.n).toBe(4);
  });

  it('leaves out evaluations of other scorecard versions', () => {
    const v2 = reviseScorecard(card, { note: 'heavier c2', sections: card.sections.map((s) => ({ ...s, weight: s.id === 's2' ? 80 : s.weight })) }, stamp);
    const answers: CriterionAnswer[] = [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: 4 }];
    const report = computeCalibration(card, [evaluate('k', 'r1', answers), evaluate('k', 'r2', answers, null, v2)]);
    expect(report).toMatchObject({ evaluationsUsed: 1, evaluationsExcluded: 1, doubleScoredCalls: 0 });
  });
});

describe('disputes', () => {
  const scored = evaluate('call-d', 'rev-1', [{ criterionId: 'c1', value: 'fail' }, { criterionId: 'c2', value: 1 }]);

  it('goes open -> resolved (changed) with author, resolver and times in its history', () => {
    const open = openDispute({ id: 'd1', evaluation: scored, criterionId: 'c1', by: 'agent-1', reason: 'I did verify identity at 0:40', at: '2025-02-03T10:00:00.000Z' });
    expect(open).toMatchObject({ status: 'open', outcome: null, openedBy: 'agent-1', criterionId: 'c1' });
    const revised = evaluate('call-d', 'rev-1', [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: 1 }]);
    const resolved = resolveDispute(open, { by: 'manager-1', at: '2025-02-04T10:00:00.000Z', outcome: 'changed', note: 'verified in the recording', originalReviewerId: scored.reviewerId, revisedEvaluation: revised });
    expect(resolved).toMatchObject({ status: 'resolved', outcome: 'changed', resolvedBy: 'manager-1', revisedEvaluationId: revised.id });
    expect(resolved.history.map((h) => [h.action, h.by, h.at])).toEqual([
      ['opened', 'agent-1', '2025-02-03T10:00:00.000Z'],
      ['resolved', 'manager-1', '2025-02-04T10:00:00.000Z'],
    ]);
    expect(open.status).toBe('open');
  });

  it.each([
    ['resolving twice', 'CONFLICT'],
    ['the opener resolving', 'FORBIDDEN'],
    ['the original reviewer resolving', 'FORBIDDEN'],
    ['changed without a revised evaluation', 'VALIDATION_FAILED'],
  ])('refuses %s', (name, code) => {
    const open = openDispute({ id: 'd2', evaluation: scored, by: 'agent-1', reason: 'unfair', at: '2025-02-03T10:00:00.000Z' });
    const upheld = { by: 'manager-1', at: '2025-02-04T10:00:00.000Z', outcome: 'upheld' as const, note: 'score stands', originalReviewerId: 'rev-1' };
    const attempt = () => {
      if (name === 'resolving twice') return resolveDispute(resolveDispute(open, upheld), upheld);
      if (name === 'the opener resolving') return resolveDispute(open, { ...upheld, by: 'agent-1' });
      if (name === 'the original reviewer resolving') return resolveDispute(open, { ...upheld, by: 'rev-1' });
      return resolveDispute(open, { ...upheld, outcome: 'changed' });
    };
    expect(attempt).toThrow(CallsightError);
    try {
      attempt();
    } catch (error) {
      expect((error as CallsightError).code).toBe(code);
    }
  });

  it('does not let the reviewer dispute their own score', () => {
    expect(() => openDispute({ id: 'd3', evaluation: scored, by: 'rev-1', reason: 'x', at: '2025-02-03T10:00:00.000Z' })).toThrow(/cannot dispute/);
  });
});
