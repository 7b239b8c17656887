import { z } from 'zod';
import type { CoachingTask } from '../../core/coaching/coaching-task';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorizeTask, type TaskDeps } from './coaching.loaders';

const inputSchema = z.object({ id: idSchema }).strict();
type Input = z.output<typeof inputSchema>;

/** GET /api/v1/coaching/tasks/:id: NOT_FOUND when absent or out of the reader's reach. */
export const getCoachingTask = defineUseCase({
  name: 'coaching.get-coaching-task',
  action: 'view_coaching',
  permission: 'view_coaching',
  input: inputSchema,
  target: (i) => `coaching:${i.id}`,
  authorize: ({ deps, actor, input }: UseCaseContext<TaskDeps, Input>) => authorizeTask(deps, actor, input.id),
  run: ({ subject }: UseCaseContext<TaskDeps, Input> & { subject: CoachingTask }): CoachingTask => subject,
});
