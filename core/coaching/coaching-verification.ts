/**
 * Verifying a coaching task (DOMAIN R-LOOP-3): re-sample the agent's calls after the task was completed
 * and compare the criteria before and after with a significance test.
 */
import { createSeededRandom } from '../shared/clock.port';
import { CallsightError } from '../shared/errors';
import { shuffleSeeded, sortByKey } from '../sampling/seeded-order';
import { computeMean } from '../stats/descriptive';
import { compareProportions, testMannWhitney, testWelch } from '../stats/hypothesis-tests';
import type { CoachingTask } from './coaching-task';
import type { CriterionObservation } from './problems';

export interface FollowUpCall {
  readonly id: string;
  readonly agentId: string | null;
  readonly startedAt: string;
}

function requireCompleted(task: CoachingTask): number {
  if (task.status !== 'completed' || task.completedAt === null) {
    throw new CallsightError('CONFLICT', 'a coaching task is verified only after it is completed');
  }
  return Date.parse(task.completedAt);
}

/**
 * Picks up to `count` of the agent's calls started at or after the task's completion (and within
 * `windowDays` of it when given), uniformly at random with the seed; the same inputs in any order give
 * the same picks. Returned in start order. CONFLICT when the task is not completed.
 */
export function pickFollowUpCalls<T extends FollowUpCall>(input: {
  readonly task: CoachingTask;
  readonly calls: readonly T[];
  readonly count: number;
  readonly seed: number | string;
  readonly windowDays?: number;
}): T[] {
  const completed = requireCompleted(input.task);
  if (!(Number.isInteger(input.count) && input.count >= 1)) throw new CallsightError('VALIDATION_FAILED', 'count must be a positive integer');
  const until = input.windowDays === undefined ? Number.POSITIVE_INFINITY : completed + input.windowDays * 86_400_000;
  const candidates = input.calls.filter((c) => {
    const started = Date.parse(c.startedAt);
    return c.agentId === input.task.agentId && started >= completed && started < until;
  });
  const random = createSeededRandom(`${input.seed}|followup|${input.task.id}`);
  return shuffleSeeded(sortByKey(candidates, (c) => c.id), random)
    .slice(0, input.count)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.id < b.id ? -1 : 1));
}

export interface BeforeAfter {
  readonly before: number | null;
  readonly after: number | null;
  /** after - before. */
  readonly diff: number | null;
  readonly pValue: number | null;
  readonly significant: boolean;
  readonly test: 'z' | 'fisher' | 'welch' | 'mann-whitney' | 'none';
  readonly nBefore: number;
  readonly nAfter: number;
}

/** Pass rates before and after, two-sided (z-test, Fisher exact for small counts); `none` when a side is empty. */
export function compareRatesBeforeAfter(
  before: { readonly passes: number; readonly n: number },
  after: { readonly passes: number; readonly n: number },
  alpha = 0.05,
): BeforeAfter {
  const rateBefore = before.n > 0 ? before.passes / before.n : null;
  const rateAfter = after.n > 0 ? after.passes / after.n : null;
  const diff = rateBefore !== null && rateAfter !== null ? rateAfter - rateBefore : null;
  if (before.n === 0 || after.n === 0) return { before: rateBefore, after: rateAfter, diff, pValue: null, significant: false, test: 'none', nBefore: before.n, nAfter: after.n };
  const result = compareProportions(after.passes, after.n, before.passes, before.n);
  return { before: rateBefore, after: rateAfter, diff, pValue: result.pValue, significant: result.pValue < alpha, test: result.test, nBefore: before.n, nAfter: after.n };
}

/** Mean scores before and after, two-sided Welch t-test (default) or Mann-Whitney; `none` with fewer than two values a side. */
export function compareScoresBeforeAfter(
  before: readonly number[],
  after: readonly number[],
  method: 'welch' | 'mann-whitney' = 'welch',
  alpha = 0.05,
): BeforeAfter {
  const meanBefore = computeMean(before);
  const meanAfter = computeMean(after);
  const diff = meanBefore !== null && meanAfter !== null ? meanAfter - meanBefore : null;
  if (before.length < 2 || after.length < 2) {
    return { before: meanBefore, after: meanAfter, diff, pValue: null, significant: false, test: 'none', nBefore: before.length, nAfter: after.length };
  }
  const pValue = method === 'welch' ? testWelch(after, before).pValue : testMannWhitney(after, before).pValue;
  return { before: meanBefore, after: meanAfter, diff, pValue, significant: pValue < alpha, test: method, nBefore: before.length, nAfter: after.length };
}

export interface CoachingOutcome {
  readonly taskId: string;
  readonly agentId: string;
  readonly criteria: readonly {
    readonly criterionId: string;
    readonly passRate: BeforeAfter;
    /** Present when the observations carry scores. */
    readonly score: BeforeAfter | null;
  }[];
}

/**
 * The before/after view of a completed task: for each of its criteria, the agent's observations on calls
 * started before the assignment (from `beforeFrom` when given) against those on calls started at or after
 * completion (calls during the training are left out). CONFLICT when the task is not completed.
 */
export function compareCoachingOutcome(input: {
  readonly task: CoachingTask;
  readonly observations: readonly CriterionObservation[];
  readonly beforeFrom?: string;
  readonly alpha?: number;
  readonly scoreTest?: 'welch' | 'mann-whitney';
}): CoachingOutcome {
  const completed = requireCompleted(input.task);
  const assigned = Date.parse(input.task.assignedAt);
  const from = input.beforeFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(input.beforeFrom);
  if (Number.isNaN(from)) throw new CallsightError('VALIDATION_FAILED', 'beforeFrom must be an ISO-8601 instant');
  const alpha = input.alpha ?? 0.05;
  const criteria = input.task.criterionIds.map((criterionId) => {
    const before: CriterionObservation[] = [];
    const after: CriterionObservation[] = [];
    for (const o of input.observations) {
      if (o.agentId !== input.task.agentId || o.criterionId !== criterionId) continue;
      const started = Date.parse(o.startedAt);
      if (started >= from && started < assigned) before.push(o);
      else if (started >= completed) after.push(o);
    }
    const count = (list: readonly CriterionObservation[]) => ({ passes: list.filter((o) => o.pass).length, n: list.length });
    const scored = (list: readonly CriterionObservation[]) => list.map((o) => o.score).filter((s): s is number => s !== undefined);
    const scoresBefore = scored(before);
    const scoresAfter = scored(after);
    return {
      criterionId,
      passRate: compareRatesBeforeAfter(count(before), count(after), alpha),
      score: scoresBefore.length > 0 || scoresAfter.length > 0 ? compareScoresBeforeAfter(scoresBefore, scoresAfter, input.scoreTest ?? 'welch', alpha) : null,
    };
  });
  return { taskId: input.task.id, agentId: input.task.agentId, criteria };
}
