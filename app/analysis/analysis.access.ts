import { authorize, scopeFor, type Action, type MaskLevel } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import type { CallRepository, CallScope } from '../../core/recordings/call-repository.port';
import { isSafeId } from '../../core/shared/ids';
import { CallsightError } from '../../core/shared/errors';
import { isSystemActor, type Actor } from '../shared/actor';

/** The error every reader gets for a call that does not exist, is out of scope, or whose id is malformed. */
export function callNotFound(): CallsightError {
  return new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
}

/** The audit target of a call id, or null when the id is not one (never written to the trail as given). */
export function callTarget(id: string): string | null {
  return isSafeId(id) ? `call:${id}` : null;
}

/** The calls `actor` may reach for `action`: its policy scope, or every call of the tenant for the system. */
export function scopeOf(actor: Actor, action: Action): CallScope {
  return isSystemActor(actor) ? { kind: 'all' } : scopeFor(actor, action);
}

/** The call `id` if the actor may reach it for `action` (the scope is part of the query), else null. */
export async function findCallInScope(calls: Pick<CallRepository, 'getCall'>, actor: Actor, action: Action, id: string): Promise<Call | null> {
  if (!isSafeId(id)) return null;
  return calls.getCall(actor.tenantId, id, scopeOf(actor, action));
}

/** Whether the actor reads the call's personal data masked (`pii`) or in clear; the system reads in clear. */
export function transcriptMask(actor: Actor, call: Call): MaskLevel {
  if (isSystemActor(actor)) return 'none';
  return authorize(actor, 'view_transcript', {
    kind: 'call',
    tenantId: call.tenantId,
    agentId: call.agentId,
    team: call.team ?? null,
    queue: call.queue,
  }).mask;
}
