import * as z from 'zod/mini';
import { openDisputeRequestSchema } from '../../core/api/quality.api';
import { openDispute as buildDispute, type Dispute } from '../../core/quality/dispute';
import type { Evaluation } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { agentIdOf, authorOf } from './quality.access';
import { notVisible } from './quality.loaders';
import { nowIso } from './quality.ports';

type Deps = { readonly store: Pick<QualityStore, 'getEvaluation' | 'listDisputesForCalls' | 'insertDispute'>; readonly clock: Clock; readonly ids: IdGenerator };
const inputSchema = z.extend(openDisputeRequestSchema, { evaluationId: idSchema });
type Input = z.output<typeof inputSchema>;

/**
 * POST /api/v1/evaluations/:id/disputes: an agent disputes an evaluation of their own call (or one criterion of
 * it); NOT_FOUND for anyone else's evaluation, CONFLICT while one dispute of it is open.
 */
export const openDispute = defineUseCase({
  name: 'quality.open-dispute',
  action: 'open_dispute',
  permission: 'dispute',
  input: inputSchema,
  invalidInput: 'Invalid dispute',
  target: (i) => `evaluation:${i.evaluationId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const evaluation = await deps.store.getEvaluation(actor.tenantId, input.evaluationId);
    if (!evaluation || evaluation.agentId !== agentIdOf(actor)) return deny('not_own_evaluation', notVisible('evaluation'));
    return allow(evaluation);
  },
  async run({ deps, actor, input, subject: evaluation }: UseCaseContext<Deps, Input> & { subject: Evaluation }): Promise<Dispute> {
    const open = (await deps.store.listDisputesForCalls(actor.tenantId, [evaluation.callId])).find((d) => d.evaluationId === evaluation.id && d.status === 'open');
    if (open) throw new CallsightError('CONFLICT', 'this evaluation already has an open dispute', { details: { disputeId: open.id } });
    const dispute = buildDispute({
      id: deps.ids.newId('dsp'),
      evaluation,
      ...(input.criterionId !== undefined ? { criterionId: input.criterionId } : {}),
      by: authorOf(actor),
      reason: input.reason,
      at: nowIso(deps),
    });
    await deps.store.insertDispute(actor.tenantId, dispute, evaluation.agentId);
    return dispute;
  },
  audited: (d) => ({ target: `dispute:${d.id}`, details: { evaluationId: d.evaluationId, callId: d.callId, criterionId: d.criterionId } }),
});
