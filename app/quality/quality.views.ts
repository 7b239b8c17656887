import type { Dispute } from '../../core/quality/dispute';
import type { Evaluation } from '../../core/quality/evaluation';
import type { Scorecard } from '../../core/quality/scorecard';
import type { SamplePlan } from '../../core/sampling/sample-plan';
import type { Actor } from '../shared/actor';
import { conditionOf } from './quality.access';

/** A scorecard version without its sections, as lists show it. */
export interface ScorecardSummary {
  readonly id: string;
  readonly version: number;
  readonly name: Scorecard['name'];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly changeNote: string | null;
}

/** The summary of one version. */
export function summarizeScorecard(card: Scorecard): ScorecardSummary {
  return { id: card.id, version: card.version, name: card.name, createdAt: card.createdAt, createdBy: card.createdBy, changeNote: card.changeNote };
}

/** An evaluation as readers see it: whether it counts, and the disputes raised against it. */
export type EvaluationView = Evaluation & {
  readonly effective: boolean;
  readonly disputes: readonly Pick<Dispute, 'id' | 'status' | 'outcome' | 'revisedEvaluationId'>[];
};

/** Each evaluation with `effective` (its id is in `effectiveIds`) and the disputes raised against it. */
export function viewEvaluations(evaluations: readonly Evaluation[], disputes: readonly Dispute[], effectiveIds: ReadonlySet<string>): EvaluationView[] {
  return evaluations.map((e) => ({
    ...e,
    effective: effectiveIds.has(e.id),
    disputes: disputes.filter((d) => d.evaluationId === e.id).map((d) => ({ id: d.id, status: d.status, outcome: d.outcome, revisedEvaluationId: d.revisedEvaluationId })),
  }));
}

/** A plan cut to what a reader reaches: everything (`all`), their teams' agents (`team`) or their own assignments (`scope`). */
export type PlanView = SamplePlan & { readonly filtered: boolean };

/** The plan as `actor` may see it; `agentIds` are the agents a `team` reader reaches (null for everyone). */
export function viewPlan(plan: SamplePlan, actor: Actor, agentIds: readonly string[] | null): PlanView {
  const condition = conditionOf(actor, 'view_sample');
  if (condition === 'all') return { ...plan, filtered: false };
  const userId = 'userId' in actor ? actor.userId : null;
  const items = condition === 'scope' ? plan.items.filter((i) => userId !== null && i.reviewerIds.includes(userId)) : plan.items.filter((i) => agentIds?.includes(i.agentId));
  const agents = new Set(items.map((i) => i.agentId));
  return {
    ...plan,
    items,
    agents: condition === 'scope' ? [] : plan.agents.filter((a) => agentIds?.includes(a.agentId) || agents.has(a.agentId)),
    reviewers: plan.reviewers.filter((r) => condition !== 'scope' || r.reviewerId === userId),
    filtered: true,
  };
}
