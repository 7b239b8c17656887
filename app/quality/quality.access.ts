import { qualityAgentIds, qualityCallScope, qualityCondition, type QualityAction, type QualityCondition } from '../../core/access/quality.policy';
import type { Agent } from '../../core/recordings/call';
import type { CallScope } from '../../core/recordings/call-repository.port';
import { isSystemActor, type Actor } from '../shared/actor';

/**
 * The quality policy (core/access/quality.policy.ts) read for any actor: a system actor (the CLI operator, a job)
 * reaches the whole tenant, a principal what its role's condition gives.
 */
export function conditionOf(actor: Actor, action: QualityAction): QualityCondition {
  return isSystemActor(actor) ? 'all' : qualityCondition(actor, action);
}

/** The calls an actor reaches for an action, as a repository scope applied inside the query. */
export function callScopeOf(actor: Actor, action: QualityAction): CallScope {
  return isSystemActor(actor) ? { kind: 'all' } : qualityCallScope(actor, action);
}

/** The agents whose data an actor reaches: null for every agent of the tenant, else the list (empty: nobody). */
export function agentIdsOf(actor: Actor, action: QualityAction, agents: readonly Agent[]): string[] | null {
  return isSystemActor(actor) ? null : qualityAgentIds(actor, action, agents);
}

/** Who is recorded as the author of what the actor writes: the user id, or the system actor's id. */
export function authorOf(actor: Actor): string {
  return isSystemActor(actor) ? actor.id : actor.userId;
}

/** The telephony agent id of a user who takes calls; undefined for others and for system actors. */
export function agentIdOf(actor: Actor): string | undefined {
  return isSystemActor(actor) ? undefined : actor.agentId;
}
