import * as z from 'zod/mini';
import { coachingOutcomeQuerySchema } from '../../core/api/coaching.api';
import type { CoachingTask } from '../../core/coaching/coaching-task';
import { compareCoachingOutcome, type CoachingOutcome } from '../../core/coaching/coaching-verification';
import { collectCalls } from '../../core/quality/call-source';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { DAY_MS } from '../../core/shared/time';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorizeTask, observeAgent, type ObservationDeps, type TaskDeps } from './coaching.loaders';

type Deps = TaskDeps & ObservationDeps & { readonly calls: Pick<CallRepository, 'listCalls'> };
const inputSchema = z.extend(coachingOutcomeQuerySchema, { id: idSchema });
type Input = z.output<typeof inputSchema>;

/** The before/after comparison of a completed task, the window it read and where its observations came from. */
export type CoachingOutcomeView = CoachingOutcome & {
  readonly status: CoachingTask['status'];
  readonly beforeFrom: string;
  readonly afterTo: string | null;
  readonly sources: { readonly evaluations: number; readonly automatic: number };
};

/**
 * GET /api/v1/coaching/tasks/:id/outcome: the agent's pass rates and scores on the task's criteria before the
 * assignment and after completion, with a significance test. CONFLICT before the task is completed.
 */
export const getCoachingOutcome = defineUseCase({
  name: 'coaching.get-coaching-outcome',
  action: 'view_coaching',
  permission: 'view_coaching',
  input: inputSchema,
  invalidInput: 'Invalid query',
  target: (i) => `coaching:${i.id}`,
  authorize: ({ deps, actor, input }: UseCaseContext<Deps, Input>) => authorizeTask(deps, actor, input.id),
  async run({ deps, actor, input, subject: task }: UseCaseContext<Deps, Input> & { subject: CoachingTask }): Promise<CoachingOutcomeView> {
    if (task.completedAt === null) throw new CallsightError('CONFLICT', 'the before/after view exists once the task is completed');
    const beforeFrom = new Date(Date.parse(task.assignedAt) - input.beforeDays * DAY_MS).toISOString();
    const afterTo = input.afterDays === undefined ? undefined : new Date(Date.parse(task.completedAt) + input.afterDays * DAY_MS).toISOString();
    const calls = await collectCalls(deps.calls, actor.tenantId, { agentId: task.agentId, from: beforeFrom, ...(afterTo ? { to: afterTo } : {}) }, { kind: 'all' });
    const { observations, human, automatic } = await observeAgent(deps, actor.tenantId, task.agentId, task.criterionIds, calls);
    const outcome = compareCoachingOutcome({ task, observations, beforeFrom, alpha: input.alpha, scoreTest: input.scoreTest });
    return { ...outcome, status: task.status, beforeFrom, afterTo: afterTo ?? null, sources: { evaluations: human, automatic } };
  },
  audited: (out) => ({ reason: 'outcome', details: { observations: out.sources.evaluations + out.sources.automatic } }),
});
