import { z } from 'zod';
import { authorize as authorizeAccess, scopeFor } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import { buildHoldIndex } from '../../core/retention';
import { CallsightError } from '../../core/shared/errors';
import { isSafeId } from '../../core/shared/ids';
import type { CallDeletionBody } from '../../core/api/retention.api';
import type { JsonValue } from '../../core/audit/canonical-json';
import { isSystemActor } from '../shared/actor';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { shredCall, type ShreddingPorts } from './retention.shredding';
import { actorId } from './retention.views';

type Deps = ShreddingPorts;

const deleteInput = z.object({ callId: z.string() }).strict();
type DeleteInput = z.infer<typeof deleteInput>;

/** The deleted call as the API answers. */
export interface CallDeletion {
  readonly deletion: CallDeletionBody;
}

const notVisible = () => new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');

/**
 * An admin's deletion of one call: the same crypto-shredding path as the sweep (journal, data key destroyed, audio
 * removed from both tiers, derived data purged, tombstone). Refused with LEGAL_HOLD while a hold is in force,
 * RECORDING_GONE when already deleted, CALL_NOT_FOUND when the call is absent or out of reach. The one audit event
 * of a successful deletion is its deletion certificate (action `delete`, reason `admin_request`), committed in the
 * tombstone's transaction.
 */
export const deleteCall = defineUseCase({
  name: 'retention.delete-call',
  action: 'delete',
  permission: 'delete',
  forbidden: 'Only admins may delete calls',
  input: deleteInput,
  target: (input) => (isSafeId(input.callId) ? `call:${input.callId}` : null),
  async authorize({ deps, actor, input }: UseCaseContext<Deps, DeleteInput>) {
    if (!isSafeId(input.callId)) return deny('not_found_or_out_of_scope', notVisible());
    const scope = isSystemActor(actor) ? ({ kind: 'all' } as const) : scopeFor(actor, 'delete');
    const call = await deps.calls.getCall(actor.tenantId, input.callId, scope);
    if (!call) return deny('not_found_or_out_of_scope', notVisible());
    let reason: string = 'system';
    if (!isSystemActor(actor)) {
      const decision = authorizeAccess(actor, 'delete', { kind: 'call', tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue });
      if (!decision.allowed) return deny(decision.reason, new CallsightError(decision.conceal ? 'CALL_NOT_FOUND' : 'FORBIDDEN', 'You may not delete this call'));
      reason = decision.reason;
    }
    if (call.status === 'deleted') return deny('already_deleted', new CallsightError('RECORDING_GONE', 'This call was already deleted'));
    const holds = buildHoldIndex(await deps.store.unreleasedHolds(call.tenantId), deps.clock.now()).holdsFor(call);
    if (holds.length > 0) {
      return deny(
        'legal_hold',
        new CallsightError('LEGAL_HOLD', 'This call is under a legal hold and cannot be deleted until the hold is released', { details: { holdIds: holds.map((h) => h.id) } }),
      );
    }
    return allow<Call>(call, reason);
  },
  async run({ deps, actor, subject: call, takeAllowedEvent }): Promise<CallDeletion> {
    const role = isSystemActor(actor) ? null : actor.role;
    const certificate = (details: Record<string, JsonValue>) => takeAllowedEvent({ reason: 'admin_request', details });
    const { tombstone, written } = await shredCall(deps, call, { basis: 'admin', ruleId: null, actor: actorId(actor), role }, { certificate });
    if (!written) throw new CallsightError('RECORDING_GONE', 'This call was already deleted');
    return {
      deletion: { callId: tombstone.callId, status: 'deleted', deletedAt: tombstone.deletedAt, ruleId: tombstone.ruleId, basis: tombstone.basis, audioSha256: tombstone.audioSha256 },
    };
  },
});
