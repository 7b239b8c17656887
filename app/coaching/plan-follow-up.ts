import * as z from 'zod/mini';
import { followUpRequestSchema } from '../../core/api/coaching.api';
import type { CoachingTask } from '../../core/coaching/coaching-task';
import { pickFollowUpCalls } from '../../core/coaching/coaching-verification';
import { collectCalls } from '../../core/quality/call-source';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { notVisible } from '../quality/quality.loaders';
import { nowIso } from '../quality/quality.ports';
import { authorizeTask, coachedAgentIds } from './coaching.loaders';

type Deps = {
  readonly calls: Pick<CallRepository, 'listAgents' | 'listCalls'>;
  readonly store: Pick<QualityStore, 'getCoachingTask' | 'listReviewers' | 'assignReviews'>;
  readonly clock: Clock;
};
const inputSchema = z.extend(followUpRequestSchema, { taskId: idSchema });
type Input = z.output<typeof inputSchema>;

/**
 * POST /api/v1/coaching/tasks/:id/follow-up: assigns calls the agent took after completing the task (seeded, so
 * the same seed picks the same calls) to a reviewer who is not that agent. CONFLICT before completion.
 */
export const planFollowUp = defineUseCase({
  name: 'coaching.plan-follow-up',
  action: 'coach_follow_up',
  permission: 'coach',
  input: inputSchema,
  invalidInput: 'Invalid follow-up',
  target: (i) => `coaching:${i.taskId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const decision = await authorizeTask(deps, actor, input.taskId);
    if (!decision.allowed) return decision;
    const coached = await coachedAgentIds(deps, actor, 'coach');
    if (coached !== null && !coached.includes(decision.subject.agentId)) return deny('not_found_or_out_of_scope', notVisible('coaching task'));
    return decision;
  },
  async run({ deps, actor, input, subject: task }: UseCaseContext<Deps, Input> & { subject: CoachingTask }): Promise<{ taskId: string; reviewerId: string; callIds: string[] }> {
    if (input.reviewerId === task.agentId || (await deps.store.listReviewers(actor.tenantId)).some((r) => r.id === input.reviewerId && r.agentId === task.agentId)) {
      throw new CallsightError('VALIDATION_FAILED', 'the coached agent cannot review their own follow-up calls');
    }
    if (task.completedAt === null) throw new CallsightError('CONFLICT', 'a coaching task is followed up only after it is completed');
    const calls = await collectCalls(deps.calls, actor.tenantId, { agentId: task.agentId, from: task.completedAt }, { kind: 'all' });
    const picked = pickFollowUpCalls({
      task,
      calls: calls.filter((c) => c.status !== 'misdial' && c.status !== 'deleted'),
      count: input.count,
      seed: input.seed ?? `followup:${task.id}`,
      ...(input.windowDays ? { windowDays: input.windowDays } : {}),
    });
    await deps.store.assignReviews(actor.tenantId, picked.map((c) => ({ callId: c.id, reviewerId: input.reviewerId })), nowIso(deps));
    return { taskId: task.id, reviewerId: input.reviewerId, callIds: picked.map((c) => c.id) };
  },
  audited: (out) => ({ details: { assigned: out.callIds.length, reviewerId: out.reviewerId } }),
});
