import { describe, expect, it } from 'vitest';
import { CallsightError } from '../../../core/shared/errors';
import {
  createDefaultScorecard,
  createScorecard,
  findScorecardVersion,
  reviseScorecard,
  type ScorecardInput,
} from '../../../core/quality/scorecard';
import { createEvaluation, scoreEvaluation, type CriterionAnswer, type QualityAnalysisSummary } from '../../../core/quality/evaluation';
import { rollUpAgentPerformance } from '../../../core/quality/performance';

const stamp = { by: 'admin-1', at: '2025-01-01T00:00:00.000Z' };

const cleanCall: QualityAnalysisSummary = {
  durationS: 300,
  durationBand: { minS: 180, maxS: 480 },
  scriptsFound: [{ scriptId: 'recording_notice', startS: 3.2, endS: 7.9 }],
  requiredScriptIds: ['recording_notice'],
  sensitiveHits: [],
  interruptionRate: 0.05,
  customerEmotion: { agitated: false, moments: [] },
};

const manualAnswersAllTop: CriterionAnswer[] = [
  { criterionId: 'identity_verified', value: 'pass' },
  { criterionId: 'greeting', value: 5 },
  { criterionId: 'clarity', value: 5 },
  { criterionId: 'product_knowledge', value: 5 },
  { criterionId: 'issue_resolved', value: 'pass' },
  { criterionId: 'empathy', value: 5 },
];

const smallCard: ScorecardInput = {
  id: 'small',
  name: { zh: '小评分表', en: 'Small card' },
  sections: [
    {
      id: 'a',
      label: { zh: '甲', en: 'A' },
      weight: 30,
      criteria: [
        { id: 'c1', label: { zh: '一', en: 'One' }, kind: 'manual' },
        { id: 'c2', label: { zh: '二', en: 'Two' }, kind: 'manual', scale: { kind: 'points', max: 4 } },
      ],
    },
    {
      id: 'b',
      label: { zh: '乙', en: 'B' },
      weight: 20,
      criteria: [{ id: 'c3', label: { zh: '三', en: 'Three' }, kind: 'manual', allowNa: true }],
    },
  ],
};

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CallsightError);
    expect((error as CallsightError).code).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a CallsightError');
}

describe('default scorecard', () => {
  it('weighs compliance 30, communication 30, problem resolution 20, customer experience 20, bilingual', () => {
    const card = createDefaultScorecard(stamp);
    expect(card.sections.map((s) => [s.id, s.weight])).toEqual([
      ['compliance', 30],
      ['communication', 30],
      ['problem_resolution', 20],
      ['customer_experience', 20],
    ]);
    for (const section of card.sections) {
      for (const c of section.criteria) {
        expect(c.label.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(c.label.en).toMatch(/[A-Za-z]/);
      }
    }
    expect(card.version).toBe(1);
  });

  it('scores a clean call 100 with automatic criteria filled from the analysis', () => {
    const score = scoreEvaluation(createDefaultScorecard(stamp), manualAnswersAllTop, cleanCall);
    expect(score.total).toBe(100);
    expect(score.criticalFailed).toBe(false);
    const riskDisclosure = score.criteria.find((c) => c.criterionId === 'risk_disclosure')!;
    expect(riskDisclosure.value).toBe('na');
  });
});

describe('weights, N/A and critical criteria', () => {
  it('renormalises weights over sections that are not N/A (by hand)', () => {
    const card = createScorecard(smallCard, stamp);
    // Section A = mean(1, 2/4) = 75; B is N/A, so A carries all the weight.
    const na = scoreEvaluation(card, [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: 2 }, { criterionId: 'c3', value: 'na' }], null);
    expect(na.total).toBe(75);
    expect(na.sections.map((s) => s.appliedWeightPct)).toEqual([100, null]);
    // With B = 0: (75 * 30 + 0 * 20) / 50 = 45.
    const failed = scoreEvaluation(card, [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: 2 }, { criterionId: 'c3', value: 'fail' }], null);
    expect(failed.total).toBe(45);
    expect(failed.sections.map((s) => s.appliedWeightPct)).toEqual([60, 40]);
  });

  it('fails the whole call on a failed critical criterion, keeping the score it would have had', () => {
    const noNotice: QualityAnalysisSummary = { ...cleanCall, scriptsFound: [] };
    const score = scoreEvaluation(createDefaultScorecard(stamp), manualAnswersAllTop, noNotice);
    expect(score.criticalFailed).toBe(true);
    expect(score.total).toBe(0);
    expect(score.failedCriticalIds).toEqual(['recording_notice']);
    expect(score.totalBeforeCritical).toBeGreaterThan(80);
  });

  it.each([
    ['a missing manual answer', manualAnswersAllTop.slice(1), /not answered: identity_verified/],
    ['an unknown criterion', [...manualAnswersAllTop, { criterionId: 'nope', value: 'pass' as const }], /unknown criterion/],
    ['a value off the scale', [...manualAnswersAllTop.slice(0, 1), { criterionId: 'greeting', value: 6 }, ...manualAnswersAllTop.slice(2)], /integer from 0 to 5/],
    ['N/A where not allowed', [...manualAnswersAllTop.slice(0, 4), { criterionId: 'issue_resolved', value: 'na' as const }, manualAnswersAllTop[5]!], /does not allow N\/A/],
    ['a duplicate answer', [...manualAnswersAllTop, manualAnswersAllTop[0]!], /answered twice/],
  ])('rejects %s', (_name, answers, message) => {
    expectCode(() => scoreEvaluation(createDefaultScorecard(stamp), answers, cleanCall), 'VALIDATION_FAILED', message);
  });
});

describe('automatic criteria carry evidence', () => {
  it('links a sensitive word and a found script to transcript time', () => {
    const analysis: QualityAnalysisSummary = { ...cleanCall, sensitiveHits: [{ term: '保本', startS: 42.5, endS: 43.4 }] };
    const score = scoreEvaluation(createDefaultScorecard(stamp), manualAnswersAllTop, analysis);
    const sensitive = score.criteria.find((c) => c.criterionId === 'no_sensitive_words')!;
    expect(sensitive.source).toBe('automatic');
    expect(sensitive.value).toBe('fail');
    expect(sensitive.evidence).toEqual([{ startS: 42.5, endS: 43.4, note: 'sensitive word: 保本' }]);
    const notice = score.criteria.find((c) => c.criterionId === 'recording_notice')!;
    expect(notice.evidence).toEqual([{ startS: 3.2, endS: 7.9, note: 'script recording_notice found' }]);
    expect(score.total).toBe(0);
  });

  it('points at interruptions and agitation moments when those criteria fail', () => {
    const analysis: QualityAnalysisSummary = {
      ...cleanCall,
      interruptionRate: 0.3,
      interruptions: [{ startS: 61, endS: 63 }],
      customerEmotion: { agitated: true, moments: [{ startS: 120, endS: 140 }] },
    };
    const score = scoreEvaluation(createDefaultScorecard(stamp), manualAnswersAllTop, analysis);
    const interruptions = score.criteria.find((c) => c.criterionId === 'no_interruptions')!;
    expect(interruptions.value).toBe('fail');
    expect(interruptions.evidence[0]).toMatchObject({ startS: 61, endS: 63 });
    expect(interruptions.evidence[0]!.note).toMatch(/30%/);
    expect(score.criteria.find((c) => c.criterionId === 'customer_calm')!.evidence).toEqual([{ startS: 120, endS: 140, note: 'customer agitated' }]);
  });

  it('keeps the automatic value when a reviewer overrides it', () => {
    const answers = [...manualAnswersAllTop, { criterionId: 'no_interruptions', value: 'pass' as const, comment: 'overlap was backchannel' }];
    const score = scoreEvaluation(createDefaultScorecard(stamp), answers, { ...cleanCall, interruptionRate: 0.25 });
    const c = score.criteria.find((x) => x.criterionId === 'no_interruptions')!;
    expect(c).toMatchObject({ source: 'override', value: 'pass', automaticValue: 'fail', comment: 'overlap was backchannel' });
  });

  it('needs the analysis or a manual answer for automatic criteria that do not allow N/A', () => {
    expectCode(() => scoreEvaluation(createDefaultScorecard(stamp), manualAnswersAllTop, null), 'VALIDATION_FAILED', /no analysis/);
  });
});

describe('scorecard versions', () => {
  it('a revision makes a new version and leaves past evaluations unchanged', () => {
    const v1 = createDefaultScorecard(stamp);
    const evaluation = createEvaluation({
      id: 'ev-1',
      callId: 'call-1',
      agentId: 'agent-1',
      reviewerId: 'rev-1',
      callStartedAt: '2025-02-03T10:00:00.000Z',
      scorecard: v1,
      answers: [...manualAnswersAllTop.slice(0, 1), { criterionId: 'greeting', value: 2 }, ...manualAnswersAllTop.slice(2)],
      clips: [{ startS: 10, endS: 20, label: 'bad', note: 'rushed greeting', criterionId: 'greeting' }],
      analysis: cleanCall,
      at: '2025-02-04T09:00:00.000Z',
    });
    const before = structuredClone(evaluation);

    const v2 = reviseScorecard(
      v1,
      {
        note: 'communication matters more',
        sections: v1.sections.map((s) => ({ ...s, weight: s.id === 'communication' ? 60 : s.weight })),
      },
      { by: 'admin-2', at: '2025-03-01T00:00:00.000Z' },
    );
    expect(v2.version).toBe(2);
    expect(v2.id).toBe(v1.id);
    expect(v1.sections.find((s) => s.id === 'communication')!.weight).toBe(30);

    expect(evaluation).toEqual(before);
    expect(evaluation.scorecard).toEqual({ scorecardId: 'default', version: 1 });
    const rescoredWithItsVersion = scoreEvaluation(findScorecardVersion([v2, v1], evaluation.scorecard), evaluation.answers, cleanCall);
    expect(rescoredWithItsVersion.total).toBe(evaluation.score.total);
    const scoredWithV2 = scoreEvaluation(v2, evaluation.answers, cleanCall);
    expect(scoredWithV2.total).not.toBe(evaluation.score.total);
    expect(() => {
      (evaluation.score as { total: number | null }).total = 100;
    }).toThrow(TypeError);
  });

  it('refuses a revision without a note or without a change', () => {
    const v1 = createDefaultScorecard(stamp);
    expectCode(() => reviseScorecard(v1, { note: ' ', name: { zh: '新', en: 'New' } }, stamp), 'VALIDATION_FAILED', /note/);
    expectCode(() => reviseScorecard(v1, { note: 'nothing' }, stamp), 'VALIDATION_FAILED', /must change/);
    expectCode(() => findScorecardVersion([v1], { scorecardId: 'default', version: 9 }), 'NOT_FOUND');
  });

  it.each([
    ['duplicate criterion ids', { ...smallCard, sections: [smallCard.sections[0]!, { ...smallCard.sections[1]!, criteria: [{ ...smallCard.sections[0]!.criteria[0]! }] }] }, /appears twice/],
    ['a critical points criterion', { ...smallCard, sections: [{ ...smallCard.sections[0]!, criteria: [{ id: 'x', label: { zh: '某', en: 'X' }, kind: 'manual' as const, critical: true, scale: { kind: 'points' as const, max: 3 } }] }] }, /critical criterion must use the pass_fail/],
    ['an unknown automatic source', { ...smallCard, sections: [{ ...smallCard.sections[0]!, criteria: [{ id: 'x', label: { zh: '某', en: 'X' }, kind: 'automatic' as const, source: 'interruption_rate_below:3' }] }] }, /unknown automatic source/],
    ['a missing Chinese label', { ...smallCard, name: { zh: '', en: 'Card' } }, /both Chinese/],
    ['a zero weight', { ...smallCard, sections: [{ ...smallCard.sections[0]!, weight: 0 }] }, /weight must be a positive/],
  ])('rejects a scorecard with %s', (_name, input, message) => {
    expectCode(() => createScorecard(input as ScorecardInput, stamp), 'VALIDATION_FAILED', message);
  });
});

describe('evaluations and agent performance', () => {
  const card = createScorecard(smallCard, stamp);
  const evaluate = (id: string, callId: string, reviewerId: string, c2: number, startedAt = '2025-02-10T08:00:00.000Z') =>
    createEvaluation({
      id,
      callId,
      agentId: 'agent-7',
      reviewerId,
      callStartedAt: startedAt,
      scorecard: card,
      answers: [{ criterionId: 'c1', value: 'pass' }, { criterionId: 'c2', value: c2 }, { criterionId: 'c3', value: 'na' }],
      analysis: null,
      at: '2025-02-11T08:00:00.000Z',
    });

  it('rejects clips outside the call and self-review', () => {
    expectCode(
      () => createEvaluation({ id: 'e', callId: 'c', agentId: 'a', reviewerId: 'r', callStartedAt: '2025-02-01T00:00:00Z', scorecard: createDefaultScorecard(stamp), answers: manualAnswersAllTop, clips: [{ startS: 290, endS: 310, label: 'good', note: '' }], analysis: cleanCall, at: stamp.at }),
      'VALIDATION_FAILED',
      /clip 1/,
    );
    expectCode(() => evaluate('e', 'c', 'agent-7', 4), 'FORBIDDEN');
  });

  it('rolls up per agent and month, counting a double-scored call once', () => {
    // call-1 scored 100 and 50 by two reviewers -> 75; call-2 scored 75; March call separate.
    const rows = rollUpAgentPerformance([
      evaluate('e1', 'call-1', 'r1', 4),
      evaluate('e2', 'call-1', 'r2', 0),
      evaluate('e3', 'call-2', 'r1', 2),
      evaluate('e4', 'call-3', 'r1', 4, '2025-03-02T08:00:00.000Z'),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ agentId: 'agent-7', period: '2025-02', calls: 2, evaluations: 3, meanScore: 75, criticalFailureRate: 0 });
    expect(rows[0]!.criteria.find((c) => c.criterionId === 'c2')).toEqual({ criterionId: 'c2', scored: 2, meanRatio: 0.5 });
    expect(rows[1]).toMatchObject({ period: '2025-03', calls: 1, meanScore: 100 });
  });
});
