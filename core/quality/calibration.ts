/**
 * Calibration of reviewers (DOMAIN R-QA-5): how much cross-scoring reviewers agree (Krippendorff's alpha
 * per criterion and on the total), how far each reviewer drifts from their colleagues, and how often the
 * automatic criteria agree with the humans who checked them.
 */
import { computePairAgreement, type PairAgreement } from '../stats/agreement';
import { computeKrippendorffAlpha, type KrippendorffAlphaResult, type MeasurementLevel } from '../stats/krippendorff-alpha';
import type { AnswerValue, Evaluation } from './evaluation';
import { listCriteria, type Scorecard } from './scorecard';

export interface CriterionReliability {
  readonly criterionId: string;
  readonly level: MeasurementLevel;
  readonly alpha: number | null;
  /** Calls where at least two reviewers scored this criterion (not N/A). */
  readonly pairableCalls: number;
}

export interface ReviewerDrift {
  readonly reviewerId: string;
  /** Double-scored calls where this reviewer and at least one other gave a total. */
  readonly calls: number;
  /** Mean of (own total - mean of the other reviewers' totals), in score points; positive = lenient. */
  readonly meanSignedDeviation: number | null;
  readonly meanAbsoluteDeviation: number | null;
}

export interface AutomaticAgreement extends PairAgreement {
  readonly criterionId: string;
}

export interface CalibrationReport {
  readonly scorecardId: string;
  readonly version: number;
  /** Evaluations used (the given version only; a later evaluation by the same reviewer of the same call replaces an earlier one). */
  readonly evaluationsUsed: number;
  /** Evaluations of other scorecards or versions, left out because their criteria are not comparable. */
  readonly evaluationsExcluded: number;
  readonly doubleScoredCalls: number;
  /** Alpha of the call totals at the interval level. */
  readonly overall: CriterionReliability;
  readonly criteria: readonly CriterionReliability[];
  readonly reviewers: readonly ReviewerDrift[];
  /**
   * Automatic criteria vs the reviewers who also answered them (overrides), as full marks vs less:
   * per criterion and pooled over all automatic criteria.
   */
  readonly automaticVsHuman: { readonly criteria: readonly AutomaticAgreement[]; readonly pooled: PairAgreement };
}

export interface CalibrationOptions {
  /** Level for points criteria; pass/fail criteria are always nominal and totals interval. Default ordinal. */
  readonly pointsLevel?: 'ordinal' | 'interval';
}

/** Automatic criteria only produce full marks or zero, so agreement compares "full marks" against anything less. */
function toPassLabel(value: AnswerValue, max: number): 'pass' | 'fail' {
  return value === 'pass' || value === max ? 'pass' : 'fail';
}

function toCode(value: AnswerValue): number | string | null {
  if (value === 'na') return null;
  return value;
}

/**
 * Builds the calibration report for one scorecard version from any list of evaluations.
 * Pure and order-independent (apart from same-reviewer duplicates, where the latest createdAt wins).
 */
export function computeCalibration(card: Scorecard, evaluations: readonly Evaluation[], options: CalibrationOptions = {}): CalibrationReport {
  const latest = new Map<string, Evaluation>();
  let excluded = 0;
  for (const e of evaluations) {
    if (e.scorecard.scorecardId !== card.id || e.scorecard.version !== card.version) {
      excluded++;
      continue;
    }
    const key = `${e.callId}\u0000${e.reviewerId}`;
    const previous = latest.get(key);
    if (!previous || previous.createdAt < e.createdAt || (previous.createdAt === e.createdAt && previous.id < e.id)) latest.set(key, e);
  }
  const byCall = new Map<string, Evaluation[]>();
  for (const e of latest.values()) {
    const list = byCall.get(e.callId) ?? [];
    list.push(e);
    byCall.set(e.callId, list);
  }
  const callIds = [...byCall.keys()].sort();
  const calls = callIds.map((id) => byCall.get(id)!.sort((a, b) => (a.reviewerId < b.reviewerId ? -1 : 1)));

  const reliability = (criterionId: string, level: MeasurementLevel, units: (number | string | null)[][]): CriterionReliability => {
    const result: KrippendorffAlphaResult = computeKrippendorffAlpha(units, level);
    return { criterionId, level, alpha: result.alpha, pairableCalls: result.pairableUnits };
  };

  const overall = reliability('total', 'interval', calls.map((list) => list.map((e) => e.score.total)));
  const criteria = listCriteria(card).map(({ criterion }) => {
    const level: MeasurementLevel = criterion.scale.kind === 'pass_fail' ? 'nominal' : (options.pointsLevel ?? 'ordinal');
    const units = calls.map((list) =>
      list.map((e) => {
        const scored = e.score.criteria.find((c) => c.criterionId === criterion.id);
        return scored ? toCode(scored.value) : null;
      }),
    );
    return reliability(criterion.id, level, units);
  });

  const drift = new Map<string, { n: number; signed: number; absolute: number }>();
  for (const list of calls) {
    const scored = list.filter((e) => e.score.total !== null);
    if (scored.length < 2) continue;
    const sum = scored.reduce((acc, e) => acc + e.score.total!, 0);
    for (const e of scored) {
      const othersMean = (sum - e.score.total!) / (scored.length - 1);
      const deviation = e.score.total! - othersMean;
      const agg = drift.get(e.reviewerId) ?? { n: 0, signed: 0, absolute: 0 };
      agg.n += 1;
      agg.signed += deviation;
      agg.absolute += Math.abs(deviation);
      drift.set(e.reviewerId, agg);
    }
  }
  const reviewerIds = [...new Set([...latest.values()].map((e) => e.reviewerId))].sort();
  const reviewers = reviewerIds.map((reviewerId) => {
    const agg = drift.get(reviewerId);
    return {
      reviewerId,
      calls: agg?.n ?? 0,
      meanSignedDeviation: agg ? agg.signed / agg.n : null,
      meanAbsoluteDeviation: agg ? agg.absolute / agg.n : null,
    };
  });

  const pooledAuto: string[] = [];
  const pooledHuman: string[] = [];
  const automaticCriteria = listCriteria(card)
    .filter(({ criterion }) => criterion.kind === 'automatic')
    .map(({ criterion }) => {
      const max = criterion.scale.kind === 'points' ? criterion.scale.max : 1;
      const auto: string[] = [];
      const human: string[] = [];
      for (const list of calls) {
        for (const e of list) {
          const scored = e.score.criteria.find((c) => c.criterionId === criterion.id);
          if (!scored || scored.source !== 'override' || scored.automaticValue === null) continue;
          if (scored.automaticValue === 'na' || scored.value === 'na') continue;
          auto.push(toPassLabel(scored.automaticValue, max));
          human.push(toPassLabel(scored.value, max));
        }
      }
      pooledAuto.push(...auto);
      pooledHuman.push(...human);
      return { criterionId: criterion.id, ...computePairAgreement(auto, human) };
    });

  return {
    scorecardId: card.id,
    version: card.version,
    evaluationsUsed: latest.size,
    evaluationsExcluded: excluded,
    doubleScoredCalls: calls.filter((list) => list.length >= 2).length,
    overall,
    criteria,
    reviewers,
    automaticVsHuman: { criteria: automaticCriteria, pooled: computePairAgreement(pooledAuto, pooledHuman) },
  };
}
