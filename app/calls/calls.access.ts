import { maskFor, scopeFor, type Action, type CallTarget, type MaskLevel } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import type { CallRepository, CallScope } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { isSystemActor, type Actor } from '../shared/actor';
import { allow, deny, type Decision } from '../shared/use-case';

/** The one answer for a call that is absent, of another tenant, or outside the reader's scope: they look alike. */
export const CALL_NOT_VISIBLE_MESSAGE = 'No call with this id is visible to you';

/** CALL_NOT_FOUND with the message that never tells an absent call from an unreachable one. */
export function callNotVisible(): CallsightError {
  return new CallsightError('CALL_NOT_FOUND', CALL_NOT_VISIBLE_MESSAGE);
}

/** The audit target of a call: `call:<id>`. */
export function callTarget(callId: string): string {
  return `call:${callId}`;
}

/** The policy's view of a call (its tenant, agent, team and queue). */
export function callAccessTarget(call: Call): CallTarget {
  return { kind: 'call', tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue };
}

/** The calls an actor reaches for an access-policy action; the system reaches every call of its tenant. */
export function callScope(actor: Actor, action: Action): CallScope {
  return isSystemActor(actor) ? { kind: 'all' } : scopeFor(actor, action);
}

/** How personal data is shown to the actor: masked for roles that must not see it, never for the system. */
export function maskOf(actor: Actor): MaskLevel {
  return isSystemActor(actor) ? 'none' : maskFor(actor.role);
}

/**
 * The object-level check of every use-case that acts on one call: loads the call through the actor's scope
 * (inside the repository query, which also knows review assignments) and allows it, or denies with
 * `not_found_or_out_of_scope` and CALL_NOT_FOUND, so that a call of another tenant, agent or team looks absent.
 * `scope` is an access-policy action (`view`, `play`, `view_transcript`, `delete`) or a ready scope (e.g. a quality
 * action's, core/access/quality.policy.ts). Use it as
 * `authorize: ({ deps, actor, input }) => authorizeCallAccess(deps.calls, actor, input.id, 'view')`.
 */
export async function authorizeCallAccess(
  calls: Pick<CallRepository, 'getCall'>,
  actor: Actor,
  callId: string,
  scope: Action | CallScope,
): Promise<Decision<Call>> {
  const target = callTarget(callId);
  const call = await calls.getCall(actor.tenantId, callId, typeof scope === 'string' ? callScope(actor, scope) : scope);
  if (!call) return deny('not_found_or_out_of_scope', callNotVisible(), target);
  return allow(call, undefined, target);
}
