import type { z } from 'zod';
import { listCoachingTasksQuerySchema } from '../../core/api/coaching.api';
import type { CoachingTask } from '../../core/coaching/coaching-task';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { coachedAgentIds } from './coaching.loaders';

type Deps = { readonly calls: Pick<CallRepository, 'listAgents'>; readonly store: Pick<QualityStore, 'listCoachingTasks'> };
type Input = z.output<typeof listCoachingTasksQuerySchema>;

/** GET /api/v1/coaching/tasks: the tasks the reader reaches (agents their own, managers their teams'), newest first. */
export const listCoachingTasks = defineUseCase({
  name: 'coaching.list-coaching-tasks',
  action: 'view_coaching',
  permission: 'view_coaching',
  input: listCoachingTasksQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'coaching',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<{ items: CoachingTask[] }> {
    const agents = await coachedAgentIds(deps, actor, 'view_coaching');
    const agentIds = input.agentId ? (agents === null || agents.includes(input.agentId) ? [input.agentId] : []) : agents;
    const items = await deps.store.listCoachingTasks(actor.tenantId, { ...(agentIds ? { agentIds } : {}), ...(input.status ? { status: input.status } : {}) });
    return { items };
  },
  audited: (out) => ({ details: { returned: out.items.length } }),
});
