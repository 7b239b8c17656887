import { scopeFor } from '../../core/access/access.policy';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import type { TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';
import { clipRule, type ClipRule, type CLIP_POLICY } from '../../core/training/clip.policy';
import { isSystemActor, type Actor } from '../shared/actor';

/** The ports every training use-case reads to decide what an actor reaches. */
export type ClipReadDeps = {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly clips: Pick<ClipStore, 'getClip'>;
  readonly store: Pick<QualityStore, 'listCoachingTasks'>;
};

/** The rule of an actor for a clip action (core/training/clip.policy.ts); the system reaches everything. */
export function clipRuleOf(actor: Actor, action: keyof typeof CLIP_POLICY): ClipRule {
  return isSystemActor(actor) ? 'all' : clipRule(actor.role, action);
}

/** The error for a clip that is absent or out of reach: they look alike. */
export function clipNotVisible(): CallsightError {
  return new CallsightError('NOT_FOUND', 'No clip with this id is visible to you');
}

/** The call if the actor may view it (access policy `view`, inside the repository query), else null. */
export async function viewableCall(calls: Pick<CallRepository, 'getCall'>, actor: Actor, callId: string): Promise<Call | null> {
  return calls.getCall(actor.tenantId, callId, isSystemActor(actor) ? { kind: 'all' } : scopeFor(actor, 'view'));
}

/** The coaching tasks of the actor's own agent id (agents); empty for everyone else. */
export async function ownTaskIds(deps: Pick<ClipReadDeps, 'store'>, actor: Actor): Promise<string[]> {
  if (isSystemActor(actor) || actor.role !== 'agent' || !actor.agentId) return [];
  return (await deps.store.listCoachingTasks(actor.tenantId, { agentIds: [actor.agentId] })).map((t) => t.id);
}

/**
 * A visibility test over many clips for one actor: a clip is readable when its call is viewable, or (agents) when
 * it is pinned to one of the agent's own coaching tasks. Calls are looked up once each.
 */
export async function clipReader(deps: ClipReadDeps, actor: Actor): Promise<(clip: TrainingClip) => Promise<boolean>> {
  const rule = clipRuleOf(actor, 'read');
  if (rule === 'none') return async () => false;
  const tasks = rule === 'call_scope_or_own_tasks' ? new Set(await ownTaskIds(deps, actor)) : new Set<string>();
  const seen = new Map<string, boolean>();
  return async (clip) => {
    if (clip.taskIds.some((t) => tasks.has(t))) return true;
    if (!seen.has(clip.callId)) seen.set(clip.callId, (await viewableCall(deps.calls, actor, clip.callId)) !== null);
    return seen.get(clip.callId)!;
  };
}

/** The clip `id` if the actor may read it, else null. */
export async function readableClip(deps: ClipReadDeps, actor: Actor, id: string): Promise<TrainingClip | null> {
  const clip = await deps.clips.getClip(actor.tenantId, id);
  if (!clip) return null;
  return (await (await clipReader(deps, actor))(clip)) ? clip : null;
}
