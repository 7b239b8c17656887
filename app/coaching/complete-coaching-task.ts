import { z } from 'zod';
import { completeCoachingTask as nextComplete, type CoachingTask } from '../../core/coaching/coaching-task';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { agentIdOf, authorOf } from '../quality/quality.access';
import { nowIso } from '../quality/quality.ports';
import { authorizeTask, type TaskDeps } from './coaching.loaders';

type Deps = TaskDeps & { readonly store: Pick<QualityStore, 'updateCoachingTask'>; readonly clock: Clock };
const inputSchema = z.object({ id: idSchema }).strict();
type Input = z.output<typeof inputSchema>;

/**
 * POST /api/v1/coaching/tasks/:id/complete: the task's agent (acting as their telephony agent id) or a coach
 * (as their user id) moves it on; FORBIDDEN when the step is not theirs, CONFLICT when the task is not in the
 * state the step starts from (also when a concurrent step won).
 */
export const completeCoachingTask = defineUseCase({
  name: 'coaching.complete-coaching-task',
  action: 'coach_complete',
  permission: 'view_coaching',
  input: inputSchema,
  target: (i) => `coaching:${i.id}`,
  authorize: ({ deps, actor, input }: UseCaseContext<Deps, Input>) => authorizeTask(deps, actor, input.id),
  async run({ deps, actor, subject: task }: UseCaseContext<Deps, Input> & { subject: CoachingTask }): Promise<CoachingTask> {
    const agentId = agentIdOf(actor);
    const by = agentId !== undefined && agentId === task.agentId ? agentId : authorOf(actor);
    const next = nextComplete(task, { by, at: nowIso(deps) });
    await deps.store.updateCoachingTask(actor.tenantId, task, next);
    return next;
  },
  audited: (task) => ({ details: { agentId: task.agentId, status: task.status } }),
});
