/**
 * Finding problems (DOMAIN R-LOOP-1): per criterion or flag, a problem is shared when many agents fall
 * below the target, and individual when one agent is significantly below the rest of the team.
 */
import { CallsightError } from '../shared/errors';
import { compareProportions } from '../stats/hypothesis-tests';
import type { Evaluation } from '../quality/evaluation';

/** One pass/fail observation of one criterion (or flag) on one call. */
export interface CriterionObservation {
  readonly agentId: string;
  readonly callId: string;
  readonly startedAt: string;
  /** Scorecard criterion id, or a screening flag such as `flag:sensitive_word`. */
  readonly criterionId: string;
  readonly pass: boolean;
  /** Optional graded score (e.g. the criterion ratio 0..1 or a total 0..100) for score comparisons. */
  readonly score?: number;
}

/**
 * Observations from evaluations: one per evaluation and non-N/A criterion; `pass` means at least
 * `passRatio` of the criterion's maximum (default 1: full marks), `score` is the ratio 0..1.
 */
export function extractObservations(evaluations: readonly Evaluation[], passRatio = 1): CriterionObservation[] {
  return evaluations.flatMap((e) =>
    e.score.criteria
      .filter((c) => c.ratio !== null)
      .map((c) => ({ agentId: e.agentId, callId: e.callId, startedAt: e.callStartedAt, criterionId: c.criterionId, pass: c.ratio! >= passRatio - 1e-12, score: c.ratio! })),
  );
}

export interface AgentRate {
  readonly agentId: string;
  readonly calls: number;
  readonly passes: number;
  readonly passRate: number;
  /** One-sided p-value that this agent's pass rate is below the rest of the team's (individual problems only). */
  readonly pValue: number | null;
}

export interface Problem {
  readonly criterionId: string;
  readonly scope: 'shared' | 'individual';
  readonly teamPassRate: number;
  /** Agents with at least `minCallsPerAgent` observations. */
  readonly agentsEvaluated: number;
  readonly agentsBelowTarget: number;
  /** Shared: every agent below target; individual: the one agent. */
  readonly agents: readonly AgentRate[];
}

export interface ProblemOptions {
  /** Pass rate an agent should reach. Default 0.8. */
  readonly targetPassRate?: number;
  /** A problem is shared when at least this share of evaluated agents (and at least two) are below target. Default 0.3. */
  readonly sharedAgentShare?: number;
  /** Agents with fewer observations of a criterion are not judged on it. Default 5. */
  readonly minCallsPerAgent?: number;
  /** Significance level for individual problems. Default 0.05. */
  readonly alpha?: number;
}

/**
 * Finds shared and individual problems. An individual problem needs the agent below target and
 * significantly below the other agents pooled (one-sided two-proportion z-test, Fisher exact for small
 * counts). A criterion may have a shared problem and individual ones. Sorted by criterion, shared first.
 */
export function findProblems(observations: readonly CriterionObservation[], options: ProblemOptions = {}): Problem[] {
  const target = options.targetPassRate ?? 0.8;
  const sharedShare = options.sharedAgentShare ?? 0.3;
  const minCalls = options.minCallsPerAgent ?? 5;
  const alpha = options.alpha ?? 0.05;
  if (!(target > 0 && target <= 1) || !(sharedShare > 0 && sharedShare <= 1) || !(alpha > 0 && alpha < 1) || !(Number.isInteger(minCalls) && minCalls >= 1)) {
    throw new CallsightError('VALIDATION_FAILED', 'problem options: targetPassRate and sharedAgentShare in (0, 1], alpha in (0, 1), minCallsPerAgent a positive integer');
  }
  const byCriterion = new Map<string, Map<string, { calls: number; passes: number }>>();
  for (const o of observations) {
    const agents = byCriterion.get(o.criterionId) ?? new Map();
    byCriterion.set(o.criterionId, agents);
    const agg = agents.get(o.agentId) ?? { calls: 0, passes: 0 };
    agg.calls += 1;
    if (o.pass) agg.passes += 1;
    agents.set(o.agentId, agg);
  }
  const problems: Problem[] = [];
  for (const criterionId of [...byCriterion.keys()].sort()) {
    const agents = byCriterion.get(criterionId)!;
    let totalCalls = 0;
    let totalPasses = 0;
    for (const a of agents.values()) {
      totalCalls += a.calls;
      totalPasses += a.passes;
    }
    const judged = [...agents.entries()].filter(([, a]) => a.calls >= minCalls).sort(([x], [y]) => (x < y ? -1 : 1));
    const below = judged.filter(([, a]) => a.passes / a.calls < target);
    const teamPassRate = totalPasses / totalCalls;
    if (below.length >= 2 && below.length >= sharedShare * judged.length) {
      problems.push({
        criterionId,
        scope: 'shared',
        teamPassRate,
        agentsEvaluated: judged.length,
        agentsBelowTarget: below.length,
        agents: below.map(([agentId, a]) => ({ agentId, calls: a.calls, passes: a.passes, passRate: a.passes / a.calls, pValue: null })),
      });
    }
    for (const [agentId, a] of below) {
      const restCalls = totalCalls - a.calls;
      if (restCalls === 0) continue;
      const test = compareProportions(a.passes, a.calls, totalPasses - a.passes, restCalls, 'less');
      if (test.pValue >= alpha) continue;
      problems.push({
        criterionId,
        scope: 'individual',
        teamPassRate,
        agentsEvaluated: judged.length,
        agentsBelowTarget: below.length,
        agents: [{ agentId, calls: a.calls, passes: a.passes, passRate: a.passes / a.calls, pValue: test.pValue }],
      });
    }
  }
  return problems;
}
