import { z } from 'zod/mini';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import type { TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';
import { authorOf } from '../quality/quality.access';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { clipNotVisible, clipRuleOf, readableClip, type ClipReadDeps } from './training.access';

const inputSchema = z.strictObject({ id: idSchema });
type Input = z.output<typeof inputSchema>;
type Deps = ClipReadDeps & { readonly clips: Pick<ClipStore, 'deleteClip'> };

/**
 * DELETE /api/v1/clips/:id: removes a clip and its pins. Admins remove any clip they can read; reviewers and
 * managers only the clips they made (FORBIDDEN otherwise); NOT_FOUND when absent or out of reach.
 */
export const removeClip = defineUseCase({
  name: 'training.remove-clip',
  action: 'remove_clip',
  permission: 'view',
  input: inputSchema,
  target: (input) => `clip:${input.id}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const rule = clipRuleOf(actor, 'remove');
    if (rule === 'none') return deny('role_not_permitted', new CallsightError('FORBIDDEN', 'Your role may not remove training clips'));
    const clip = await readableClip(deps, actor, input.id);
    if (!clip) return deny('not_found_or_out_of_scope', clipNotVisible());
    if (rule === 'author' && clip.createdBy !== authorOf(actor)) {
      return deny('not_author', new CallsightError('FORBIDDEN', 'Only the reviewer who made this clip, or an admin, may remove it'));
    }
    return allow(clip);
  },
  async run({ deps, actor, subject: clip }: UseCaseContext<Deps, Input> & { subject: TrainingClip }): Promise<{ id: string; removed: true }> {
    if (!(await deps.clips.deleteClip(actor.tenantId, clip.id))) throw clipNotVisible();
    return { id: clip.id, removed: true };
  },
  audited: (_output, input) => ({ details: { removed: true, id: input.id } }),
});
