import { z } from 'zod';
import { notifyCrmFollowUp } from '../crm/crm.records';
import { authorize as authorizeAccess, scopeFor } from '../../core/access/access.policy';
import { classifyStatus, type Call } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { isSystemActor, type Actor } from '../shared/actor';
import { allow, defineUseCase, deny, type UseCase, type UseCaseContext } from '../shared/use-case';
import { needsThaw } from './retention.archive';
import { recordingLocation, type RetentionPorts } from './retention.ports';
import { actorId } from './retention.views';

type Deps = Pick<RetentionPorts, 'calls' | 'store' | 'audio' | 'archive' | 'clock'>;

const thawInput = z.object({ callId: idSchema }).strict();
type ThawInput = z.infer<typeof thawInput>;

/**
 * Brings an archived call's audio back to the hot tier for someone allowed to play it, and returns the call as it
 * now is (status stored or misdial); the next sweeps leave it hot for the thaw period. A call the sweep had moved
 * but not yet marked is repaired the same way; any other call is returned unchanged. CALL_NOT_FOUND when the call
 * is absent or out of the actor's reach for playing. Its one audit event is `retention_thaw` (reason `played`).
 */
export const thawCall = defineUseCase({
  name: 'retention.thaw-call',
  action: 'retention_thaw',
  permission: 'play',
  input: thawInput,
  target: (input) => `call:${input.callId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, ThawInput>) {
    const notVisible = deny('not_found_or_out_of_scope', new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you'));
    const call = await deps.calls.getCall(actor.tenantId, input.callId, isSystemActor(actor) ? { kind: 'all' } : scopeFor(actor, 'play'));
    if (!call) return notVisible;
    if (isSystemActor(actor)) return allow<Call>(call, 'played');
    const decision = authorizeAccess(actor, 'play', { kind: 'call', tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue });
    return decision.allowed ? allow<Call>(call, 'played') : notVisible;
  },
  async run({ deps, actor, subject: call }): Promise<Call> {
    const location = recordingLocation(call);
    if (!location || !(await needsThaw(deps, call))) return call;
    await deps.archive.thaw(location);
    const status = classifyStatus(call.durationS);
    await deps.store.transitionStatus(call.tenantId, call.id, ['archived', status], status, () =>
      deps.store.recordThaw(call.tenantId, call.id, actorId(actor), deps.clock.now().toISOString()),
    );
    await notifyCrmFollowUp(deps.store, call.tenantId, call.id, 'recording');
    return { ...call, status };
  },
});

/**
 * Thaw-on-play for the playback route: after the play authorisation and before reading the audio. Only a call that
 * needs its audio brought back goes through `thawCall` (and its audit event); any other is returned as it is, so a
 * plain playback leaves exactly the playback's own audit event.
 */
export function thawBeforePlay(deps: Pick<RetentionPorts, 'audio' | 'archive'>, thaw: UseCase<ThawInput, Call>): (call: Call, actor: Actor) => Promise<Call> {
  return async (call, actor) => ((await needsThaw(deps, call)) ? thaw(actor, { callId: call.id }) : call);
}
