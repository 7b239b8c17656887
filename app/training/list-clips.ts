import { listClipsQuerySchema } from '../../core/api/training.api';
import type { TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { clipReader, ownTaskIds, type ClipReadDeps } from './training.access';
import type { z } from 'zod/mini';

type Deps = ClipReadDeps & { readonly clips: Pick<ClipStore, 'listClips'> };
type Input = z.output<typeof listClipsQuerySchema>;

/** How many stored clips one page reads at most while looking for `limit` readable ones. */
const SCAN_FACTOR = 4;

/**
 * GET /api/v1/clips: the training library, newest first, filtered by demand, inquiry type, criterion, label or
 * call or by the coaching task it is pinned to, holding only clips the reader may read (core/training/clip.policy.ts): clips of calls the reader may
 * view and, for agents, clips pinned to their own coaching tasks. Auditors are refused.
 */
export const listClips = defineUseCase({
  name: 'training.list-clips',
  action: 'list_clips',
  permission: 'view',
  input: listClipsQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'clips',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<{ items: TrainingClip[] }> {
    const { limit, taskId, ...rest } = input;
    const filters = { ...rest, ...(taskId !== undefined ? { taskIds: [taskId] } : {}) };
    const readable = await clipReader(deps, actor);
    const candidates = new Map<string, TrainingClip>();
    for (const clip of await deps.clips.listClips(actor.tenantId, { ...filters, limit: limit * SCAN_FACTOR })) candidates.set(clip.id, clip);
    const tasks = taskId === undefined ? await ownTaskIds(deps, actor) : [];
    if (tasks.length > 0) {
      for (const clip of await deps.clips.listClips(actor.tenantId, { ...filters, taskIds: tasks, limit })) candidates.set(clip.id, clip);
    }
    const ordered = [...candidates.values()].sort((a, b) => (b.createdAt + b.id).localeCompare(a.createdAt + a.id));
    const items: TrainingClip[] = [];
    for (const clip of ordered) {
      if (items.length >= limit) break;
      if (await readable(clip)) items.push(clip);
    }
    return { items };
  },
  audited: (output) => ({ details: { returned: output.items.length } }),
});
