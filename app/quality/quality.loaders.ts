import { notifyCrmFollowUp } from '../crm/crm.records';
import { DEFAULT_SCORECARD_ID } from '../../core/api/quality.api';
import { summarizeAnalysisForQuality } from '../../core/quality/analysis-summary';
import { computeCallScores, selectEffectiveEvaluations } from '../../core/quality/call-score';
import type { Dispute } from '../../core/quality/dispute';
import type { Evaluation, QualityAnalysisSummary } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { createDefaultScorecard, type Scorecard } from '../../core/quality/scorecard';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Actor } from '../shared/actor';
import { allow, deny, type Decision } from '../shared/use-case';
import { agentIdsOf, conditionOf } from './quality.access';
import { nowIso } from './quality.ports';

/** What a caller gets for a call that does not exist or is out of its scope (the two look the same). */
export function callNotFound(): CallsightError {
  return new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
}

/** What a caller gets for an object (`evaluation`, `dispute`, `coaching task`) that does not exist or is out of its scope. */
export function notVisible(what: string): CallsightError {
  return new CallsightError('NOT_FOUND', `No ${what} with this id is visible to you`);
}

/** What scorecard loading reads and, for the default card on first use, writes. */
export type ScorecardDeps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard'>; readonly clock: Clock };

/** Creates the default scorecard on a tenant's first use; safe when two first requests race (the loser finds it). */
export async function ensureDefaultScorecard(deps: ScorecardDeps, tenantId: string): Promise<void> {
  if (await deps.store.getScorecard(tenantId, DEFAULT_SCORECARD_ID)) return;
  const card = createDefaultScorecard({ by: 'system', at: nowIso(deps) }, DEFAULT_SCORECARD_ID);
  try {
    await deps.store.insertScorecard(tenantId, card);
  } catch (error) {
    if (!(error instanceof CallsightError && error.code === 'CONFLICT')) throw error;
  }
}

/** The given version of a scorecard (the latest without one); NOT_FOUND when absent. The default card exists on first use. */
export async function loadScorecard(deps: ScorecardDeps, tenantId: string, id: string, version?: number): Promise<Scorecard> {
  if (id === DEFAULT_SCORECARD_ID) await ensureDefaultScorecard(deps, tenantId);
  const card = await deps.store.getScorecard(tenantId, id, version);
  if (!card) throw new CallsightError('NOT_FOUND', version === undefined ? 'No scorecard with this id' : 'No such scorecard version');
  return card;
}

/** What choosing the evaluations that count reads. */
export type EffectiveDeps = { readonly store: Pick<QualityStore, 'listDisputesForCalls'> };

/** The evaluations that count: those not superseded by a dispute resolved as `changed`. */
export async function effectiveEvaluations(deps: EffectiveDeps, tenantId: string, evaluations: readonly Evaluation[]): Promise<Evaluation[]> {
  const callIds = [...new Set(evaluations.map((e) => e.callId))];
  return selectEffectiveEvaluations(evaluations, await deps.store.listDisputesForCalls(tenantId, callIds));
}

/** The QA score per call of the evaluations of [from, to) that count. */
export async function callScoresIn(
  deps: { readonly store: Pick<QualityStore, 'listEvaluations' | 'listDisputesForCalls'> },
  tenantId: string,
  range: { readonly from: string; readonly to: string },
): Promise<Map<string, number | null>> {
  return computeCallScores(await effectiveEvaluations(deps, tenantId, await deps.store.listEvaluations(tenantId, range)));
}

/** What publishing a call score reads and writes. */
export type PublishScoreDeps = {
  readonly store: Pick<QualityStore, 'listEvaluationsForCall' | 'listDisputesForCalls'>;
  readonly calls: Pick<CallRepository, 'recordCallScore'>;
  readonly clock: Clock;
};

/**
 * Recomputes a call's QA score from the evaluations that count and publishes it (call_scores, read by search filters),
 * then queues the call's CRM records to show it (app/crm notifyCrmFollowUp).
 */
export async function publishCallScore(deps: PublishScoreDeps, tenantId: string, callId: string): Promise<number | null> {
  const effective = await effectiveEvaluations(deps, tenantId, await deps.store.listEvaluationsForCall(tenantId, callId));
  const score = computeCallScores(effective).get(callId) ?? null;
  await deps.calls.recordCallScore(tenantId, callId, score, nowIso(deps));
  await notifyCrmFollowUp(deps.calls, tenantId, callId, 'score');
  return score;
}

/** What an evaluation reads of a call's analysis; null before the call is analysed. */
export async function qualitySummaryOf(deps: { readonly transcripts: Pick<TranscriptStore, 'getAnalysis'> }, call: Call): Promise<QualityAnalysisSummary | null> {
  const analysis = await deps.transcripts.getAnalysis(call.tenantId, call.id);
  return analysis ? summarizeAnalysisForQuality(analysis, { callDurationS: call.durationS }) : null;
}

/**
 * Blind double scoring: a QA reviewer assigned a blind sampled call sees no score of it until theirs is in.
 * True when the actor must not see `evaluations` of the call yet.
 */
export async function isBlindFor(
  deps: { readonly store: Pick<QualityStore, 'sampleItemsForCall'> },
  actor: Actor,
  callId: string,
  evaluations: readonly Evaluation[],
): Promise<boolean> {
  if (!('role' in actor) || actor.role !== 'qa') return false;
  const items = await deps.store.sampleItemsForCall(actor.tenantId, callId);
  const blind = items.some((i) => i.blind && i.reviewerIds.includes(actor.userId));
  return blind && !evaluations.some((e) => e.reviewerId === actor.userId);
}

/**
 * The agents whose disputes an actor reaches: agents their own (null = every agent); managers and admins those
 * they may resolve for; anyone else nobody (empty list).
 */
export async function disputeAgentIds(deps: { readonly calls: Pick<CallRepository, 'listAgents'> }, actor: Actor): Promise<string[] | null> {
  if (conditionOf(actor, 'dispute') === 'own') return 'agentId' in actor && actor.agentId ? [actor.agentId] : [];
  if (conditionOf(actor, 'resolve_dispute') === 'none') return [];
  if (conditionOf(actor, 'resolve_dispute') === 'all') return null;
  return agentIdsOf(actor, 'resolve_dispute', await deps.calls.listAgents(actor.tenantId));
}

/**
 * A dispute the actor reaches (their own as an agent, those they may resolve as a manager or admin), or a denial
 * with NOT_FOUND: absent and out of reach look the same. Shared by get-dispute and resolve-dispute.
 */
export async function authorizeDispute(
  deps: { readonly store: Pick<QualityStore, 'getDispute' | 'getEvaluation'>; readonly calls: Pick<CallRepository, 'listAgents'> },
  actor: Actor,
  id: string,
): Promise<Decision<Dispute>> {
  const dispute = await deps.store.getDispute(actor.tenantId, id);
  const agents = await disputeAgentIds(deps, actor);
  const evaluation = dispute ? await deps.store.getEvaluation(actor.tenantId, dispute.evaluationId) : null;
  if (!dispute || !evaluation || (agents !== null && !agents.includes(evaluation.agentId))) return deny('not_found_or_out_of_scope', notVisible('dispute'));
  return allow(dispute);
}
