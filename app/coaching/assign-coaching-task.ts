import type { z } from 'zod';
import { assignCoachingTaskRequestSchema } from '../../core/api/coaching.api';
import { createCoachingTask, type CoachingTask } from '../../core/coaching/coaching-task';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Agent } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { authorOf, callScopeOf } from '../quality/quality.access';
import { nowIso } from '../quality/quality.ports';
import { coachedAgentIds } from './coaching.loaders';

type Deps = {
  readonly calls: Pick<CallRepository, 'listAgents' | 'getCall'>;
  readonly store: Pick<QualityStore, 'insertCoachingTask'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
};
type Input = z.output<typeof assignCoachingTaskRequestSchema>;

/**
 * POST /api/v1/coaching/tasks: assigns a coaching task to an agent the coach reaches, with clips from that agent's
 * calls. NOT_FOUND for an agent out of reach; VALIDATION_FAILED for a clip of another agent's call or past its end.
 */
export const assignCoachingTask = defineUseCase({
  name: 'coaching.assign-coaching-task',
  action: 'coach_assign',
  permission: 'coach',
  input: assignCoachingTaskRequestSchema,
  invalidInput: 'Invalid coaching task',
  target: () => 'coaching',
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const agents = await coachedAgentIds(deps, actor, 'coach');
    const agent = (await deps.calls.listAgents(actor.tenantId)).find((a) => a.id === input.agentId);
    if (!agent || (agents !== null && !agents.includes(agent.id))) {
      return deny('not_found_or_out_of_scope', new CallsightError('NOT_FOUND', 'No agent with this id is visible to you'), `agent:${input.agentId}`);
    }
    return allow(agent);
  },
  async run({ deps, actor, input, subject: agent }: UseCaseContext<Deps, Input> & { subject: Agent }): Promise<CoachingTask> {
    for (const clip of input.clips) {
      const call = await deps.calls.getCall(actor.tenantId, clip.callId, callScopeOf(actor, 'coach'));
      if (!call || call.agentId !== agent.id) throw new CallsightError('VALIDATION_FAILED', 'every clip must come from a call of the coached agent that you can reach');
      if (clip.endS > call.durationS) throw new CallsightError('VALIDATION_FAILED', 'a clip must end within its call');
    }
    const task = createCoachingTask({
      id: deps.ids.newId('coach'),
      agentId: agent.id,
      criterionIds: input.criterionIds,
      clips: input.clips,
      advice: input.advice,
      by: authorOf(actor),
      at: nowIso(deps),
      ...(input.dueAt ? { dueAt: new Date(input.dueAt).toISOString() } : {}),
    });
    await deps.store.insertCoachingTask(actor.tenantId, task);
    return task;
  },
  audited: (task) => ({ target: `coaching:${task.id}`, details: { agentId: task.agentId, criteria: task.criterionIds.length, clips: task.clips.length } }),
});
