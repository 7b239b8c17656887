import * as z from 'zod/mini';
import { resolveDisputeRequestSchema } from '../../core/api/quality.api';
import { resolveDispute as buildResolution, type Dispute } from '../../core/quality/dispute';
import { createEvaluation, type CriterionAnswer, type Evaluation } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorOf } from './quality.access';
import { authorizeDispute, loadScorecard, notVisible, publishCallScore, qualitySummaryOf } from './quality.loaders';
import { nowIso } from './quality.ports';

type Deps = {
  readonly store: Pick<
    QualityStore,
    'getDispute' | 'getEvaluation' | 'getScorecard' | 'insertScorecard' | 'resolveDispute' | 'listEvaluationsForCall' | 'listDisputesForCalls'
  >;
  readonly calls: Pick<CallRepository, 'listAgents' | 'getCall' | 'recordCallScore'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalysis'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
};
const inputSchema = z.extend(resolveDisputeRequestSchema, { disputeId: idSchema });
type Input = z.output<typeof inputSchema>;

/** The resolved dispute, the revised evaluation (outcome `changed`) and the call's score after it. */
export type ResolvedDispute = Dispute & { readonly revisedEvaluation: Evaluation | null; readonly callScore: number | null };

/**
 * POST /api/v1/disputes/:id/resolve: upholds the score, or replaces it with a revised evaluation on the same
 * scorecard version (which then counts instead), and republishes the call's score. NOT_FOUND out of reach;
 * CONFLICT when the dispute is already resolved (also when a concurrent resolution won).
 */
export const resolveDispute = defineUseCase({
  name: 'quality.resolve-dispute',
  action: 'resolve_dispute',
  permission: 'resolve_dispute',
  input: inputSchema,
  invalidInput: 'Invalid resolution',
  target: (i) => `dispute:${i.disputeId}`,
  authorize: ({ deps, actor, input }: UseCaseContext<Deps, Input>) => authorizeDispute(deps, actor, input.disputeId),
  async run({ deps, actor, input, subject: dispute }: UseCaseContext<Deps, Input> & { subject: Dispute }): Promise<ResolvedDispute> {
    const original = await deps.store.getEvaluation(actor.tenantId, dispute.evaluationId);
    if (!original) throw notVisible('dispute');
    let revised: Evaluation | null = null;
    if (input.outcome === 'changed') {
      if (!input.answers) throw new CallsightError('VALIDATION_FAILED', 'a changed outcome needs "answers": the corrected scoring of the call');
      const call = await deps.calls.getCall(actor.tenantId, dispute.callId, { kind: 'all' });
      if (!call) throw new CallsightError('CALL_NOT_FOUND', 'The disputed call no longer exists');
      const card = await loadScorecard(deps, actor.tenantId, original.scorecard.scorecardId, original.scorecard.version);
      revised = createEvaluation({
        id: deps.ids.newId('ev'),
        callId: call.id,
        agentId: original.agentId,
        reviewerId: authorOf(actor),
        callStartedAt: original.callStartedAt,
        scorecard: card,
        answers: input.answers as CriterionAnswer[],
        clips: input.clips ?? [],
        analysis: await qualitySummaryOf(deps, call),
        at: nowIso(deps),
      });
    } else if (input.answers || input.clips) {
      throw new CallsightError('VALIDATION_FAILED', 'an upheld score takes no answers or clips');
    }
    const resolved = buildResolution(dispute, {
      by: authorOf(actor),
      at: nowIso(deps),
      outcome: input.outcome,
      note: input.note,
      originalReviewerId: original.reviewerId,
      ...(revised ? { revisedEvaluation: revised } : {}),
    });
    await deps.store.resolveDispute(actor.tenantId, resolved, revised);
    const callScore = await publishCallScore(deps, actor.tenantId, dispute.callId);
    return { ...resolved, revisedEvaluation: revised, callScore };
  },
  audited: (out) => ({
    ...(out.outcome ? { reason: out.outcome } : {}),
    details: { evaluationId: out.evaluationId, revisedEvaluationId: out.revisedEvaluation?.id ?? null, total: out.revisedEvaluation?.score.total ?? null, callScore: out.callScore },
  }),
});
