/**
 * Which evaluations count, and the QA score of a call. Evaluations are never edited: a reviewer who scores a
 * call again replaces their own earlier score, and a dispute resolved as `changed` replaces the disputed
 * evaluation by the revised one. Pure and order-independent.
 */
import type { Dispute } from './dispute';
import type { Evaluation } from './evaluation';

function isLater(a: Evaluation, b: Evaluation): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/**
 * The evaluations in force: per call and reviewer the latest one, then without those a resolved `changed`
 * dispute superseded (an earlier score of that reviewer does not come back). Sorted by call id, then reviewer.
 */
export function selectEffectiveEvaluations(evaluations: readonly Evaluation[], disputes: readonly Dispute[]): Evaluation[] {
  const latest = new Map<string, Evaluation>();
  for (const e of evaluations) {
    const key = `${e.callId}\u0000${e.reviewerId}`;
    const previous = latest.get(key);
    if (!previous || isLater(e, previous)) latest.set(key, e);
  }
  const superseded = new Set(disputes.filter((d) => d.status === 'resolved' && d.outcome === 'changed').map((d) => d.evaluationId));
  return [...latest.values()]
    .filter((e) => !superseded.has(e.id))
    .sort((a, b) => (a.callId === b.callId ? (a.reviewerId < b.reviewerId ? -1 : 1) : a.callId < b.callId ? -1 : 1));
}

/**
 * QA score per call: the mean of the totals of its effective evaluations (cross-scored calls average their
 * reviewers), rounded to 0.01; null when every effective evaluation was all N/A. Calls without evaluations
 * are absent from the map.
 */
export function computeCallScores(effective: readonly Evaluation[]): Map<string, number | null> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const e of effective) {
    const agg = sums.get(e.callId) ?? { sum: 0, n: 0 };
    if (e.score.total !== null) {
      agg.sum += e.score.total;
      agg.n += 1;
    }
    sums.set(e.callId, agg);
  }
  const scores = new Map<string, number | null>();
  for (const [callId, agg] of sums) scores.set(callId, agg.n > 0 ? Math.round((agg.sum / agg.n) * 100) / 100 : null);
  return scores;
}
