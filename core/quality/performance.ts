/**
 * Agent performance from evaluations (DOMAIN R-QA-5 "results feed agent performance"). A double-scored
 * call counts once: its reviewers' totals are averaged first, so cross-scoring does not weigh an agent's
 * call twice.
 */
import type { Evaluation } from './evaluation';

export interface AgentPerformance {
  readonly agentId: string;
  /** YYYY-MM of the call start (UTC). */
  readonly period: string;
  readonly calls: number;
  readonly evaluations: number;
  /** Mean over calls of the per-call mean total (0..100); null when every evaluation was N/A. */
  readonly meanScore: number | null;
  /** Share of calls failing a critical criterion (for a double-scored call, the share of its reviewers who failed it). */
  readonly criticalFailureRate: number;
  /** Per criterion: calls where it was scored, and the mean of its ratio (0..1). */
  readonly criteria: readonly { readonly criterionId: string; readonly scored: number; readonly meanRatio: number }[];
}

/** Returns the YYYY-MM (UTC) of an ISO instant. */
export function toPeriod(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}

/**
 * Rolls evaluations up per agent and month of the call, sorted by agent then period. Pure and
 * order-independent: the same evaluations in any order give the same result.
 */
export function rollUpAgentPerformance(evaluations: readonly Evaluation[]): AgentPerformance[] {
  const byCall = new Map<string, Evaluation[]>();
  for (const evaluation of evaluations) {
    const list = byCall.get(evaluation.callId) ?? [];
    list.push(evaluation);
    byCall.set(evaluation.callId, list);
  }
  interface Bucket {
    agentId: string;
    period: string;
    calls: number;
    evaluations: number;
    scoreSum: number;
    scored: number;
    criticalSum: number;
    criteria: Map<string, { sum: number; n: number }>;
  }
  const buckets = new Map<string, Bucket>();
  for (const list of byCall.values()) {
    const first = list[0]!;
    const period = toPeriod(first.callStartedAt);
    const key = `${first.agentId}\u0000${period}`;
    const bucket = buckets.get(key) ?? { agentId: first.agentId, period, calls: 0, evaluations: 0, scoreSum: 0, scored: 0, criticalSum: 0, criteria: new Map() };
    buckets.set(key, bucket);
    bucket.calls += 1;
    bucket.evaluations += list.length;
    const totals = list.map((e) => e.score.total).filter((t): t is number => t !== null);
    if (totals.length > 0) {
      bucket.scoreSum += totals.reduce((a, b) => a + b, 0) / totals.length;
      bucket.scored += 1;
    }
    bucket.criticalSum += list.filter((e) => e.score.criticalFailed).length / list.length;
    const perCriterion = new Map<string, number[]>();
    for (const e of list) {
      for (const c of e.score.criteria) {
        if (c.ratio === null) continue;
        const values = perCriterion.get(c.criterionId) ?? [];
        values.push(c.ratio);
        perCriterion.set(c.criterionId, values);
      }
    }
    for (const [criterionId, values] of perCriterion) {
      const agg = bucket.criteria.get(criterionId) ?? { sum: 0, n: 0 };
      agg.sum += values.reduce((a, b) => a + b, 0) / values.length;
      agg.n += 1;
      bucket.criteria.set(criterionId, agg);
    }
  }
  return [...buckets.values()]
    .map((b) => ({
      agentId: b.agentId,
      period: b.period,
      calls: b.calls,
      evaluations: b.evaluations,
      meanScore: b.scored > 0 ? Math.round((b.scoreSum / b.scored) * 100) / 100 : null,
      criticalFailureRate: b.criticalSum / b.calls,
      criteria: [...b.criteria.entries()]
        .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
        .map(([criterionId, agg]) => ({ criterionId, scored: agg.n, meanRatio: agg.sum / agg.n })),
    }))
    .sort((a, b) => (a.agentId === b.agentId ? (a.period < b.period ? -1 : 1) : a.agentId < b.agentId ? -1 : 1));
}
