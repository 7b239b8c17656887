import { z } from 'zod';
import { selectEffectiveEvaluations, computeCallScores } from '../../core/quality/call-score';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { idSchema } from '../../core/shared/ids';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { callScopeOf } from './quality.access';
import { callNotFound, isBlindFor } from './quality.loaders';
import { viewEvaluations, type EvaluationView } from './quality.views';

type Deps = {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly store: Pick<QualityStore, 'listEvaluationsForCall' | 'listDisputesForCalls' | 'sampleItemsForCall'>;
};
const inputSchema = z.object({ callId: idSchema }).strict();
type Input = z.output<typeof inputSchema>;

/** A call's evaluations with the call score; `blind` (and nothing shown) while a blind second reviewer has not scored. */
export interface CallEvaluations {
  readonly callId: string;
  readonly blind: boolean;
  readonly callScore: number | null;
  readonly items: EvaluationView[];
}

/** GET /api/v1/calls/:id/evaluations: CALL_NOT_FOUND when the call is out of the reader's scope. */
export const listCallEvaluations = defineUseCase({
  name: 'quality.list-call-evaluations',
  action: 'view_evaluations',
  permission: 'view_evaluations',
  input: inputSchema,
  target: (i) => `call:${i.callId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const call = await deps.calls.getCall(actor.tenantId, input.callId, callScopeOf(actor, 'view_evaluations'));
    return call ? allow(call) : deny('not_found_or_out_of_scope', callNotFound());
  },
  async run({ deps, actor, subject: call }: UseCaseContext<Deps, Input> & { subject: Call }): Promise<CallEvaluations> {
    const evaluations = await deps.store.listEvaluationsForCall(actor.tenantId, call.id);
    const blind = await isBlindFor(deps, actor, call.id, evaluations);
    const visible = blind ? [] : evaluations;
    const disputes = await deps.store.listDisputesForCalls(actor.tenantId, [call.id]);
    const effective = selectEffectiveEvaluations(evaluations, disputes);
    const callScore = blind ? null : (computeCallScores(effective).get(call.id) ?? null);
    return { callId: call.id, blind, callScore, items: viewEvaluations(visible, disputes, new Set(effective.map((e) => e.id))) };
  },
  audited: (out) => ({ ...(out.blind ? { reason: 'blind_until_scored' } : {}), details: { returned: out.items.length } }),
});
