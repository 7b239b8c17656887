/**
 * From the transcript analysis (core/analysis) to what quality management reads: the summary that decides
 * automatic scorecard criteria, and the per-call counts behind KPIs and segment insights. Pure; no transcript
 * text leaves these functions, only times, ids, lexicon terms and counts.
 */
import type { CallAnalysis } from '../analysis/analyze-transcript';
import type { KnowledgeCheck, StatedQuantity } from '../analysis/knowledge/knowledge.check';
import type { QualityAnalysisSummary, TimedMark } from './evaluation';

/** Agent speech must overlap a customer segment at least this long to count as talking over (as in the analysis default). */
export const DEFAULT_TALK_OVER_MIN_S = 0.3;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Maps a CallAnalysis to the QualityAnalysisSummary automatic criteria are decided from.
 * Guarantees: scripts carry the start/end time of the segment they were found in; `requiredScriptIds` are the
 * scripts the tenant's configuration required for this call; `interruptionRate` is null when the call had no
 * customer turn; `customerEmotion` is null when no customer segment was scored, and `agitated` follows the
 * analysis' CUSTOMER_AGITATED flag (so it uses the tenant's threshold), with the negative moments as evidence.
 * `durationS` is the longer of the analysed length and `callDurationS` when given.
 */
export function summarizeAnalysisForQuality(
  analysis: CallAnalysis,
  options: { readonly callDurationS?: number; readonly talkOverMinS?: number } = {},
): QualityAnalysisSummary {
  const segments = analysis.redactedSegments;
  const at = (index: number | null): TimedMark => {
    const segment = index === null ? undefined : segments[index];
    return segment ? { startS: segment.startS, endS: segment.endS } : { startS: 0 };
  };
  const durationS = Math.max(analysis.metrics.durationS, options.callDurationS ?? 0);
  const timeline = analysis.emotion.timeline;
  return {
    durationS,
    durationBand: { minS: analysis.metrics.durationBand.minS, maxS: analysis.metrics.durationBand.maxS },
    scriptsFound: analysis.scripts.filter((s) => s.found).map((s) => ({ scriptId: s.id, ...at(s.segment) })),
    requiredScriptIds: analysis.scripts.filter((s) => s.required).map((s) => s.id),
    sensitiveHits: analysis.sensitive.map((h) => ({ term: h.term, startS: h.startS, endS: h.endS })),
    interruptionRate: analysis.metrics.customerTurns > 0 ? analysis.metrics.interruptionRate : null,
    interruptions: findTalkOvers(segments, options.talkOverMinS ?? DEFAULT_TALK_OVER_MIN_S),
    customerEmotion:
      timeline.length === 0
        ? null
        : {
            agitated: analysis.flags.some((f) => f.code === 'CUSTOMER_AGITATED'),
            moments: timeline.filter((p) => p.label === 'negative').map((p) => ({ startS: p.startS, endS: p.endS })),
          },
    emotionCourse: summarizeEmotionCourse(analysis),
    ...(analysis.knowledge ? { knowledge: summarizeKnowledge(analysis.knowledge) } : {}),
  };
}

/** Start, end and lowest stretch of the customer's emotion; null without a trajectory. */
export function summarizeEmotionCourse(analysis: CallAnalysis): QualityAnalysisSummary['emotionCourse'] {
  const t = analysis.emotion.trajectory;
  if (!t) return null;
  const span = (s: { startS: number; endS: number }) => ({ startS: s.startS, endS: s.endS });
  return { startsNegative: t.start.label === 'negative', endsNegative: t.end.label === 'negative', start: span(t.start), end: span(t.end), lowest: span(t.lowest) };
}

const describeQuantity = (q: StatedQuantity) => `${q.min === q.max ? q.min : `${q.min}-${q.max}`} ${q.unit}`;

function summarizeKnowledge(k: KnowledgeCheck): NonNullable<QualityAnalysisSummary['knowledge']> {
  return {
    checked: k.checked,
    contradictions: k.contradictions.map((f) => ({
      startS: f.startS,
      endS: f.endS,
      factId: f.factId,
      note: `fact ${f.factId}: agent said ${describeQuantity(f.said)}, fact is ${describeQuantity(f.expected)}`,
    })),
    confirmations: k.confirmations.map((f) => ({ startS: f.startS, endS: f.endS, factId: f.factId })),
  };
}

/**
 * Moments where an agent segment starts while a customer segment is running and overlaps it by at least
 * `minOverlapS`: the evidence behind an interruption-rate criterion (the rate itself comes from the analysis).
 */
export function findTalkOvers(segments: readonly { speaker: string; startS: number; endS: number }[], minOverlapS: number): TimedMark[] {
  const customer = segments.filter((s) => s.speaker === 'customer');
  const marks: TimedMark[] = [];
  for (const agent of segments) {
    if (agent.speaker !== 'agent') continue;
    const over = customer.find((c) => agent.startS > c.startS && agent.startS < c.endS && Math.min(agent.endS, c.endS) - agent.startS >= minOverlapS);
    if (over) marks.push({ startS: round3(agent.startS), endS: round3(Math.min(agent.endS, over.endS)) });
  }
  return marks.sort((a, b) => a.startS - b.startS);
}

/** The counts of one analysed call that KPIs pool (see core/insights/kpis CallFact). */
export interface AnalysisCounts {
  readonly requiredScripts: { readonly found: number; readonly required: number };
  readonly sensitiveHits: number;
  readonly customerTurns: number;
  readonly customerTurnsInterrupted: number;
  /** Demand topic ids found in the call (e.g. logistics_delay). */
  readonly demands: readonly string[];
  /** Flag codes raised on the call (e.g. SENSITIVE_WORD). */
  readonly flags: readonly string[];
  /** Start and end of the customer's emotion, for the emotion-handling KPI (CallFact.emotionCourse); null without a trajectory. */
  readonly emotionCourse?: { readonly startsNegative: boolean; readonly endsNegative: boolean } | null;
  /** Knowledge facts checked and contradicted in the call (产品知识准确率). */
  readonly knowledge?: { readonly checked: number; readonly contradicted: number };
}

/** The zero counts of a call without analysis: it adds calls to a group but no scripts, turns or hits. */
export const NO_ANALYSIS_COUNTS: AnalysisCounts = Object.freeze({
  requiredScripts: Object.freeze({ found: 0, required: 0 }),
  sensitiveHits: 0,
  customerTurns: 0,
  customerTurnsInterrupted: 0,
  demands: Object.freeze([]),
  flags: Object.freeze([]),
});

/** Counts of one analysis for KPIs and segments; demand and flag lists are de-duplicated and sorted. */
export function countAnalysis(analysis: CallAnalysis | null): AnalysisCounts {
  if (!analysis) return NO_ANALYSIS_COUNTS;
  const required = analysis.scripts.filter((s) => s.required);
  return {
    requiredScripts: { found: required.filter((s) => s.found).length, required: required.length },
    sensitiveHits: analysis.sensitive.length,
    customerTurns: analysis.metrics.customerTurns,
    customerTurnsInterrupted: analysis.metrics.customerTurnsInterrupted,
    demands: [...new Set(analysis.topics.map((t) => t.id))].sort(),
    flags: [...new Set(analysis.flags.map((f) => f.code))].sort(),
    emotionCourse: analysis.emotion.trajectory
      ? { startsNegative: analysis.emotion.trajectory.start.label === 'negative', endsNegative: analysis.emotion.trajectory.end.label === 'negative' }
      : null,
    knowledge: { checked: analysis.knowledge?.checked ?? 0, contradicted: analysis.knowledge?.contradictions.length ?? 0 },
  };
}
