import { describe, expect, it } from 'vitest';
import { analyzeTranscript } from '../../../core/analysis/analyze-transcript';
import { buildAnalysisConfig } from '../../../core/analysis/analysis.config';
import { countAnalysis, findTalkOvers, NO_ANALYSIS_COUNTS, summarizeAnalysisForQuality } from '../../../core/quality/analysis-summary';
import { computeCallScores, selectEffectiveEvaluations } from '../../../core/quality/call-score';
import { computeKpis, type CallFact } from '../../../core/insights/kpis';
import type { Dispute } from '../../../core/quality/dispute';
import type { Evaluation } from '../../../core/quality/evaluation';

const config = buildAnalysisConfig({ industry: 'finance' });
const transcript = {
  language: 'zh' as const,
  segments: [
    { speaker: 'agent' as const, startS: 0.5, endS: 4, text: '您好，本次通话将录音，请问有什么可以帮您？' },
    { speaker: 'customer' as const, startS: 4.5, endS: 9, text: '我想买理财，这个产品安全吗？' },
    { speaker: 'agent' as const, startS: 7, endS: 13, text: '放心，这个产品保本，稳赚不赔。' },
    { speaker: 'customer' as const, startS: 13.5, endS: 19, text: '好的，那我考虑一下。' },
  ],
};

describe('summarizeAnalysisForQuality', () => {
  const analysis = analyzeTranscript(transcript, config, { durationS: 30 });
  const summary = summarizeAnalysisForQuality(analysis, { callDurationS: 31 });

  it('places found scripts at their segment and keeps the required ids', () => {
    expect(summary.scriptsFound.find((s) => s.scriptId === 'recording_notice')).toEqual({ scriptId: 'recording_notice', startS: 0.5, endS: 4 });
    expect(summary.requiredScriptIds).toEqual(expect.arrayContaining(['recording_notice', 'risk_disclosure']));
  });

  it('carries sensitive hits with their times and the lexicon term only', () => {
    expect(summary.sensitiveHits.map((h) => h.term)).toEqual(expect.arrayContaining(['保本', '稳赚不赔']));
    for (const hit of summary.sensitiveHits) {
      expect(hit.startS).toBeGreaterThanOrEqual(7);
      expect(hit.endS).toBeLessThanOrEqual(13);
    }
  });

  it('takes the rate from the analysis and the longer duration, and marks the talk-over', () => {
    expect(summary.interruptionRate).toBe(analysis.metrics.interruptionRate);
    expect(summary.interruptions).toEqual([{ startS: 7, endS: 9 }]);
    expect(summary.durationS).toBe(31);
    expect(summary.durationBand).toEqual({ minS: 180, maxS: 480 });
  });

  it('has no interruption rate without customer turns and no emotion without customer speech', () => {
    const agentOnly = analyzeTranscript({ language: 'zh', segments: [transcript.segments[0]!] }, config);
    const s = summarizeAnalysisForQuality(agentOnly);
    expect(s.interruptionRate).toBeNull();
    expect(s.customerEmotion).toBeNull();
  });

  it('counts analyses for KPIs and segments', () => {
    const counts = countAnalysis(analysis);
    expect(counts.sensitiveHits).toBe(analysis.sensitive.length);
    expect(counts.customerTurns).toBe(analysis.metrics.customerTurns);
    expect(counts.requiredScripts.required).toBe(analysis.scripts.filter((s) => s.required).length);
    expect(counts.flags).toContain('SENSITIVE_WORD');
    expect(countAnalysis(null)).toBe(NO_ANALYSIS_COUNTS);
  });

  it('finds talk-overs only past the minimum overlap', () => {
    const segments = [
      { speaker: 'customer', startS: 0, endS: 4 },
      { speaker: 'agent', startS: 3.9, endS: 6 },
      { speaker: 'customer', startS: 10, endS: 14 },
      { speaker: 'agent', startS: 11, endS: 12 },
    ];
    expect(findTalkOvers(segments, 0.3)).toEqual([{ startS: 11, endS: 12 }]);
  });
});

function evaluation(id: string, callId: string, reviewerId: string, total: number | null, createdAt: string): Evaluation {
  return { id, callId, reviewerId, agentId: 'a', callStartedAt: '2026-01-01T00:00:00Z', createdAt, score: { total } } as unknown as Evaluation;
}

describe('effective evaluations and call scores', () => {
  const e1 = evaluation('e1', 'c1', 'r1', 50, '2026-01-02T00:00:00Z');
  const e2 = evaluation('e2', 'c1', 'r1', 70, '2026-01-03T00:00:00Z');
  const e3 = evaluation('e3', 'c1', 'r2', 90, '2026-01-02T00:00:00Z');
  const e4 = evaluation('e4', 'c1', 'm1', 80, '2026-01-04T00:00:00Z');
  const changed = { status: 'resolved', outcome: 'changed', evaluationId: 'e2', revisedEvaluationId: 'e4' } as unknown as Dispute;

  it('keeps each reviewer\'s latest score and drops a score a dispute changed, without reviving the older one', () => {
    expect(selectEffectiveEvaluations([e1, e2, e3], []).map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(selectEffectiveEvaluations([e4, e3, e2, e1], [changed]).map((e) => e.id)).toEqual(['e4', 'e3']);
  });

  it('averages the reviewers of a call and is null when all are N/A', () => {
    expect(computeCallScores(selectEffectiveEvaluations([e1, e2, e3], []))).toEqual(new Map([['c1', 80]]));
    expect(computeCallScores([evaluation('x', 'c2', 'r1', null, '2026-01-01T00:00:00Z')])).toEqual(new Map([['c2', null]]));
  });
});

describe('KPIs counted over a subset', () => {
  const fact = (callId: string, startedAt: string, team: string): CallFact => ({
    callId, agentId: team, team, startedAt, durationS: 200, inquiryType: 'refund', tags: [], customerKey: 'p1', csat: null, hasRecording: true,
    requiredScripts: { found: 1, required: 1 }, sensitiveHits: 0, customerTurns: 2, customerTurnsInterrupted: 0, qaScore: null,
  });
  it('counts only the given calls while the others still make a contact a repeat', () => {
    const facts = [fact('n1', '2026-03-02T00:00:00Z', 'north'), fact('s1', '2026-03-04T00:00:00Z', 'south')];
    const rows = computeKpis(facts, { groupBy: 'all', from: '2026-03-01T00:00:00Z', to: '2026-03-20T00:00:00Z', dataEnd: '2026-04-01T00:00:00Z', countedCallIds: new Set(['n1']) });
    expect(rows[0]!.calls).toBe(1);
    expect(rows[0]!.firstContactResolution).toMatchObject({ numerator: 0, denominator: 1 });
  });
});
