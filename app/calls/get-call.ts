import { z } from 'zod';
import type { CallView } from '../../core/api/calls.api';
import type { Call } from '../../core/recordings/call';
import { idSchema } from '../../core/shared/ids';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { authorizeCallAccess, callTarget, maskOf } from './calls.access';
import type { CallsPorts } from './calls.ports';
import { agentNamesOf, toCallView } from './calls.views';

const getCallInput = z.object({ id: idSchema }).strict();
type GetCallDeps = Pick<CallsPorts, 'calls' | 'transcripts'>;

/**
 * One call's metadata (`GET /api/v1/calls/:id`), phone masked for masked roles, with its screening results.
 * CALL_NOT_FOUND, audited as denied, when the call is absent or outside the reader's reach (they look alike).
 */
export const getCall = defineUseCase({
  name: 'calls.get-call',
  action: 'view',
  permission: 'view',
  input: getCallInput,
  invalidInput: 'Invalid call id',
  target: (input) => callTarget(input.id),
  authorize: ({ deps, actor, input }: { deps: GetCallDeps; actor: Actor; input: z.output<typeof getCallInput> }) =>
    authorizeCallAccess(deps.calls, actor, input.id, 'view'),
  async run({ deps, actor, subject }: { deps: GetCallDeps; actor: Actor; subject: Call }): Promise<CallView> {
    const screening = await deps.transcripts.screening(actor.tenantId, [subject.id]);
    return toCallView(subject, maskOf(actor), agentNamesOf(await deps.calls.listAgents(actor.tenantId)), screening.get(subject.id));
  },
});
