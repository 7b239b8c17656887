import type { ReviewAnalysis } from '../../../core/api/qa-review.api';
import type { CallAnalysis } from '../../../core/analysis/analyze-transcript';
import { summarizeAnalysisForQuality } from '../../../core/quality/analysis-summary';
import { decideAutomaticCriterion, type AnswerValue, type QualityAnalysisSummary } from '../../../core/quality/evaluation';
import type { Criterion } from '../../../core/quality/scorecard';
import { CallsightError } from '../../../core/shared/errors';
import type { TranscriptSegment } from '../../core/api-types';
import type { ScorecardVersion } from './qa-review.client';

/** A time range of the call (seconds) that evidence or an overlay mark points at. */
export interface TimeSpan {
  readonly startS: number;
  readonly endS?: number;
}

/** What the panel overlays on the player and transcript, all in call time (seconds). */
export interface ReviewOverlay {
  readonly scripts: readonly { readonly id: string; readonly required: boolean; readonly found: boolean; readonly at: TimeSpan | null }[];
  readonly sensitive: readonly { readonly term: string; readonly segment: number; readonly at: TimeSpan }[];
  readonly interruptions: readonly TimeSpan[];
  readonly interruptionRate: number | null;
  readonly emotion: readonly { readonly startS: number; readonly endS: number; readonly label: string; readonly score: number }[];
  readonly durationS: number;
}

/** An automatic criterion as the hub will decide it, with the moments it rests on; `value` null when it cannot be decided. */
export interface AutomaticAnswer {
  readonly criterionId: string;
  readonly value: AnswerValue | null;
  readonly evidence: readonly TimeSpan[];
}

/** The scorecard's criteria with their section, in form order. */
export function criteriaOf(card: ScorecardVersion): readonly (Criterion & { readonly sectionId: string })[] {
  return card.sections.flatMap((section) => section.criteria.map((criterion) => ({ ...(criterion as unknown as Criterion), sectionId: section.id })));
}

/**
 * The analysis summary automatic criteria are decided from, computed with core/quality's own function on the
 * analysis and the transcript the reader was served (for QA, the redacted segments the analysis indexes).
 */
export function summarizeForReview(analysis: ReviewAnalysis, segments: readonly TranscriptSegment[], callDurationS: number): QualityAnalysisSummary {
  const callAnalysis = { ...analysis, redactedSegments: segments } as unknown as CallAnalysis;
  return summarizeAnalysisForQuality(callAnalysis, { callDurationS });
}

/** The overlay marks of a call: scripts with where they were said, sensitive hits, talk-overs, the customer's emotion. */
export function buildOverlay(analysis: ReviewAnalysis, segments: readonly TranscriptSegment[], summary: QualityAnalysisSummary): ReviewOverlay {
  const at = (segment: number | null): TimeSpan | null => {
    const found = segment === null ? undefined : segments[segment];
    return found ? { startS: found.startS, endS: found.endS } : null;
  };
  return {
    scripts: analysis.scripts.filter((s) => s.required || s.found).map((s) => ({ id: s.id, required: s.required, found: s.found, at: at(s.segment) })),
    sensitive: analysis.sensitive.map((hit) => ({ term: hit.term, segment: hit.segment, at: { startS: hit.startS, endS: hit.endS } })),
    interruptions: summary.interruptions ?? [],
    interruptionRate: summary.interruptionRate,
    emotion: analysis.emotion.timeline.map((p) => ({ startS: p.startS, endS: p.endS, label: p.label, score: p.score })),
    durationS: summary.durationS,
  };
}

/**
 * Every automatic criterion decided as the hub decides it on submit (core/quality decideAutomaticCriterion), so the
 * form shows the answer and its evidence before the reviewer sends anything. A criterion the analysis cannot decide
 * (and which allows no N/A) comes back with `value` null: the reviewer answers it.
 */
export function decideAutomaticAnswers(card: ScorecardVersion, summary: QualityAnalysisSummary): Map<string, AutomaticAnswer> {
  const answers = new Map<string, AutomaticAnswer>();
  for (const criterion of criteriaOf(card)) {
    if (criterion.kind !== 'automatic') continue;
    try {
      const decided = decideAutomaticCriterion(criterion, summary);
      const evidence = decided.evidence.filter((e) => decided.value !== 'na' && (e.startS > 0 || (e.endS !== undefined && e.endS < summary.durationS)));
      answers.set(criterion.id, { criterionId: criterion.id, value: decided.value, evidence: evidence.map((e) => (e.endS === undefined ? { startS: e.startS } : { startS: e.startS, endS: e.endS })) });
    } catch (error) {
      // The core refuses a criterion the analysis cannot decide and that allows no N/A: the reviewer answers it.
      if (!(error instanceof CallsightError && error.code === 'VALIDATION_FAILED')) throw error;
      answers.set(criterion.id, { criterionId: criterion.id, value: null, evidence: [] });
    }
  }
  return answers;
}
