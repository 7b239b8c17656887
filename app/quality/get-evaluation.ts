import { z } from 'zod';
import { selectEffectiveEvaluations } from '../../core/quality/call-score';
import type { Evaluation } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { idSchema } from '../../core/shared/ids';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { callScopeOf } from './quality.access';
import { isBlindFor, notVisible } from './quality.loaders';
import { viewEvaluations, type EvaluationView } from './quality.views';

type Deps = {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly store: Pick<QualityStore, 'getEvaluation' | 'listEvaluationsForCall' | 'listDisputesForCalls' | 'sampleItemsForCall'>;
};
const inputSchema = z.object({ id: idSchema }).strict();
type Input = z.output<typeof inputSchema>;

/**
 * GET /api/v1/evaluations/:id: one evaluation of a call in the reader's scope; NOT_FOUND when absent, out of
 * scope, or hidden from a blind second reviewer who has not scored the call yet.
 */
export const getEvaluation = defineUseCase({
  name: 'quality.get-evaluation',
  action: 'view_evaluations',
  permission: 'view_evaluations',
  input: inputSchema,
  target: (i) => `evaluation:${i.id}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const evaluation = await deps.store.getEvaluation(actor.tenantId, input.id);
    const call = evaluation ? await deps.calls.getCall(actor.tenantId, evaluation.callId, callScopeOf(actor, 'view_evaluations')) : null;
    if (!evaluation || !call || (await isBlindFor(deps, actor, call.id, await deps.store.listEvaluationsForCall(actor.tenantId, call.id)))) {
      return deny('not_found_or_out_of_scope', notVisible('evaluation'));
    }
    return allow(evaluation);
  },
  async run({ deps, actor, subject: evaluation }: UseCaseContext<Deps, Input> & { subject: Evaluation }): Promise<EvaluationView> {
    const disputes = await deps.store.listDisputesForCalls(actor.tenantId, [evaluation.callId]);
    const effective = new Set(selectEffectiveEvaluations([evaluation], disputes).map((e) => e.id));
    return viewEvaluations([evaluation], disputes, effective)[0]!;
  },
});
