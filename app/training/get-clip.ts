import { z } from 'zod/mini';
import { idSchema } from '../../core/shared/ids';
import type { TrainingClip } from '../../core/training/clip';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { clipNotVisible, readableClip, type ClipReadDeps } from './training.access';

const inputSchema = z.strictObject({ id: idSchema });
type Input = z.output<typeof inputSchema>;

/** GET /api/v1/clips/:id: one clip the reader may read; NOT_FOUND when absent or out of reach. */
export const getClip = defineUseCase({
  name: 'training.get-clip',
  action: 'view_clip',
  permission: 'view',
  input: inputSchema,
  target: (input) => `clip:${input.id}`,
  async authorize({ deps, actor, input }: UseCaseContext<ClipReadDeps, Input>) {
    const clip = await readableClip(deps, actor, input.id);
    return clip ? allow(clip) : deny('not_found_or_out_of_scope', clipNotVisible());
  },
  run: ({ subject }: UseCaseContext<ClipReadDeps, Input> & { subject: TrainingClip }): TrainingClip => subject,
});
