import type { CoachingTask } from '../../core/coaching/coaching-task';
import { extractObservations, type CriterionObservation } from '../../core/coaching/problems';
import { summarizeAnalysisForQuality } from '../../core/quality/analysis-summary';
import { decideAutomaticCriterion } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { listCriteria, type Criterion, type Scorecard } from '../../core/quality/scorecard';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Actor } from '../shared/actor';
import { allow, deny, type Decision } from '../shared/use-case';
import { agentIdsOf, conditionOf } from '../quality/quality.access';
import { effectiveEvaluations, ensureDefaultScorecard, notVisible } from '../quality/quality.loaders';

/** Task criteria that name a screening flag instead of a scorecard criterion: `flag:SENSITIVE_WORD`. */
export const FLAG_PREFIX = 'flag:';

/** The agents whose coaching an actor reaches for `action` (null: every agent of the tenant). */
export async function coachedAgentIds(deps: { readonly calls: Pick<CallRepository, 'listAgents'> }, actor: Actor, action: 'coach' | 'view_coaching'): Promise<string[] | null> {
  if (conditionOf(actor, action) === 'all') return null;
  return agentIdsOf(actor, action, await deps.calls.listAgents(actor.tenantId));
}

/** What loading a task within reach reads. */
export type TaskDeps = { readonly store: Pick<QualityStore, 'getCoachingTask'>; readonly calls: Pick<CallRepository, 'listAgents'> };

/**
 * A coaching task the actor may read (`view_coaching`: the agent's own, the team's for managers, all for admins),
 * or a denial with NOT_FOUND: absent and out of reach look the same.
 */
export async function authorizeTask(deps: TaskDeps, actor: Actor, id: string): Promise<Decision<CoachingTask>> {
  const task = await deps.store.getCoachingTask(actor.tenantId, id);
  const agents = await coachedAgentIds(deps, actor, 'view_coaching');
  if (!task || (agents !== null && !agents.includes(task.agentId))) return deny('not_found_or_out_of_scope', notVisible('coaching task'));
  return allow(task);
}

/** Latest definition of each criterion id over the tenant's scorecards (a later version or card wins). */
function latestCriteria(cards: readonly Scorecard[]): Map<string, Criterion> {
  const byId = new Map<string, { criterion: Criterion; at: string }>();
  for (const card of cards) {
    for (const { criterion } of listCriteria(card)) {
      const seen = byId.get(criterion.id);
      if (!seen || seen.at <= card.createdAt) byId.set(criterion.id, { criterion, at: card.createdAt });
    }
  }
  return new Map([...byId].map(([id, v]) => [id, v.criterion]));
}

/** What observing an agent reads (and the default scorecard it may create). */
export type ObservationDeps = {
  readonly store: Pick<QualityStore, 'listEvaluations' | 'listDisputesForCalls' | 'getScorecard' | 'insertScorecard' | 'listAllScorecards'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalyses'>;
  readonly clock: Clock;
};

/**
 * Observations of an agent on some criteria over `calls`: human scores from the evaluations that count first;
 * for calls without one, automatic criteria decided from the analysis and flags from it. A criterion that cannot
 * be decided on a call (e.g. no customer turns) gives no observation there.
 */
export async function observeAgent(
  deps: ObservationDeps,
  tenantId: string,
  agentId: string,
  criterionIds: readonly string[],
  calls: readonly Call[],
): Promise<{ observations: CriterionObservation[]; human: number; automatic: number }> {
  const wanted = new Set(criterionIds);
  const evaluations = await effectiveEvaluations(deps, tenantId, await deps.store.listEvaluations(tenantId, { agentIds: [agentId] }));
  const callIds = new Set(calls.map((c) => c.id));
  const human = extractObservations(evaluations.filter((e) => callIds.has(e.callId))).filter((o) => wanted.has(o.criterionId));
  const covered = new Set(human.map((o) => `${o.callId}\u0000${o.criterionId}`));
  await ensureDefaultScorecard(deps, tenantId);
  const criteria = latestCriteria(await deps.store.listAllScorecards(tenantId));
  const automatic: CriterionObservation[] = [];
  const analyses = await deps.transcripts.getAnalyses(tenantId, calls.map((c) => c.id));
  for (const call of calls) {
    const analysis = analyses.get(call.id);
    if (!analysis || call.agentId === null) continue;
    const summary = summarizeAnalysisForQuality(analysis, { callDurationS: call.durationS });
    const flags = new Set<string>(analysis.flags.map((f) => f.code));
    for (const id of wanted) {
      if (covered.has(`${call.id}\u0000${id}`)) continue;
      if (id.startsWith(FLAG_PREFIX)) {
        const pass = !flags.has(id.slice(FLAG_PREFIX.length));
        automatic.push({ agentId: call.agentId, callId: call.id, startedAt: call.startedAt, criterionId: id, pass, score: pass ? 1 : 0 });
        continue;
      }
      const criterion = criteria.get(id);
      if (!criterion || criterion.kind !== 'automatic') continue;
      let decided;
      try {
        decided = decideAutomaticCriterion(criterion, summary);
      } catch (error) {
        // Undecidable on this call and N/A not allowed: no observation rather than a made-up one.
        if (error instanceof CallsightError && error.code === 'VALIDATION_FAILED') continue;
        throw error;
      }
      if (decided.value === 'na') continue;
      const max = criterion.scale.kind === 'points' ? criterion.scale.max : 1;
      const ratio = decided.value === 'pass' ? 1 : decided.value === 'fail' ? 0 : (decided.value as number) / max;
      automatic.push({ agentId: call.agentId, callId: call.id, startedAt: call.startedAt, criterionId: id, pass: ratio >= 1, score: ratio });
    }
  }
  return { observations: [...human, ...automatic], human: human.length, automatic: automatic.length };
}
