import { z } from 'zod/mini';
import type { CoachingTask } from '../../core/coaching/coaching-task';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import type { ClipPin, TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';
import { coachedAgentIds } from '../coaching/coaching.loaders';
import { authorOf } from '../quality/quality.access';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { clipNotVisible, readableClip, type ClipReadDeps } from './training.access';

const inputSchema = z.strictObject({ taskId: idSchema, clipId: idSchema });
type Input = z.output<typeof inputSchema>;
type Deps = ClipReadDeps & {
  readonly calls: Pick<CallRepository, 'getCall' | 'listAgents'>;
  readonly store: Pick<QualityStore, 'getCoachingTask' | 'listCoachingTasks'>;
  readonly clips: Pick<ClipStore, 'pinClip'>;
  readonly clock: Clock;
};

/**
 * POST /api/v1/coaching/tasks/:id/clips: a coach (manager of the agent's team, or admin) pins a library clip they
 * may read to a coaching task they coach; the task's agent can then read the clip's masked excerpt even when the
 * call is a colleague's. Pinning twice keeps the first pin (`created: false`). NOT_FOUND for a task or clip out
 * of reach; CONFLICT for a completed task.
 */
export const pinClipToTask = defineUseCase({
  name: 'training.pin-clip-to-task',
  action: 'pin_clip',
  permission: 'coach',
  input: inputSchema,
  invalidInput: 'Invalid pin',
  target: (input) => `coaching:${input.taskId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const task = await deps.store.getCoachingTask(actor.tenantId, input.taskId);
    const agents = await coachedAgentIds(deps, actor, 'coach');
    if (!task || (agents !== null && !agents.includes(task.agentId))) {
      return deny('not_found_or_out_of_scope', new CallsightError('NOT_FOUND', 'No coaching task with this id is visible to you'));
    }
    const clip = await readableClip(deps, actor, input.clipId);
    if (!clip) return deny('clip_not_found_or_out_of_scope', clipNotVisible());
    return allow({ task, clip });
  },
  async run({ deps, actor, subject: { task, clip } }: UseCaseContext<Deps, Input> & { subject: { task: CoachingTask; clip: TrainingClip } }): Promise<ClipPin & { created: boolean }> {
    if (task.status === 'completed') throw new CallsightError('CONFLICT', 'This coaching task is completed; assign a new task to add examples');
    const pin: ClipPin = { clipId: clip.id, taskId: task.id, pinnedBy: authorOf(actor), pinnedAt: deps.clock.now().toISOString() };
    const created = await deps.clips.pinClip(actor.tenantId, pin);
    return { ...pin, created };
  },
  audited: (pin) => ({ details: { clipId: pin.clipId, created: pin.created } }),
});
