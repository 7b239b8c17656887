import * as z from 'zod/mini';
import { submitEvaluationRequestSchema } from '../../core/api/quality.api';
import { createEvaluation, type CriterionAnswer, type Evaluation } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { agentIdOf, authorOf, callScopeOf } from './quality.access';
import { callNotFound, loadScorecard, publishCallScore, qualitySummaryOf } from './quality.loaders';
import { nowIso } from './quality.ports';

type Deps = {
  readonly calls: Pick<CallRepository, 'getCall' | 'recordCallScore'>;
  readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard' | 'insertEvaluation' | 'listEvaluationsForCall' | 'listDisputesForCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalysis'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
};
const inputSchema = z.extend(submitEvaluationRequestSchema, { callId: idSchema });
type Input = z.output<typeof inputSchema>;

/**
 * POST /api/v1/calls/:id/evaluations: scores a call in the reviewer's scope on a scorecard version (the latest
 * unless named), with the automatic criteria decided from the call's analysis, and publishes the call's score.
 * CALL_NOT_FOUND out of scope; FORBIDDEN for the reviewer's own call; VALIDATION_FAILED for calls without an agent.
 */
export const submitEvaluation = defineUseCase({
  name: 'quality.submit-evaluation',
  action: 'evaluate',
  permission: 'evaluate',
  input: inputSchema,
  invalidInput: 'Invalid evaluation',
  target: (i) => `call:${i.callId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const call = await deps.calls.getCall(actor.tenantId, input.callId, callScopeOf(actor, 'evaluate'));
    if (!call) return deny('not_found_or_out_of_scope', callNotFound());
    const agentId = agentIdOf(actor);
    if (call.agentId !== null && agentId !== undefined && agentId === call.agentId) {
      return deny('own_call', new CallsightError('FORBIDDEN', 'a reviewer may not score their own call'));
    }
    return allow(call);
  },
  async run({ deps, actor, input, subject: call }: UseCaseContext<Deps, Input> & { subject: Call }): Promise<Evaluation & { callScore: number | null }> {
    if (call.agentId === null) throw new CallsightError('VALIDATION_FAILED', 'IVR and bot calls have no agent to score');
    const card = await loadScorecard(deps, actor.tenantId, input.scorecardId, input.version);
    const evaluation = createEvaluation({
      id: deps.ids.newId('ev'),
      callId: call.id,
      agentId: call.agentId,
      reviewerId: authorOf(actor),
      callStartedAt: call.startedAt,
      scorecard: card,
      answers: input.answers as CriterionAnswer[],
      clips: input.clips,
      analysis: await qualitySummaryOf(deps, call),
      at: nowIso(deps),
    });
    await deps.store.insertEvaluation(actor.tenantId, evaluation);
    const callScore = await publishCallScore(deps, actor.tenantId, call.id);
    return { ...evaluation, callScore };
  },
  audited: (e) => ({ details: { evaluationId: e.id, scorecardId: e.scorecard.scorecardId, version: e.scorecard.version, total: e.score.total } }),
});
