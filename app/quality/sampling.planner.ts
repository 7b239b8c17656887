import type { z } from 'zod';
import type { samplePlanRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { collectSampleInput, defaultSampleSeed } from '../../core/sampling/sample-input';
import { planSample, type SamplePlan, type SampleReviewerInput } from '../../core/sampling/sample-plan';
import { CallsightError } from '../../core/shared/errors';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';

/** The plan and the agents sampled as new for lack of an agent record. */
export type DraftedSamplePlan = SamplePlan & { readonly agentsAssumedNew: readonly string[] };

/** The request of a plan without `replace` (how it is stored is plan-sample's concern). */
export type SamplePlanSettings = Omit<z.output<typeof samplePlanRequestSchema>, 'replace'>;

/** What planning reads: the month's calls and agents, screening risk and the roster. */
export type DraftSampleDeps = {
  readonly calls: Pick<CallRepository, 'listCalls' | 'listAgents'>;
  readonly transcripts: Pick<TranscriptStore, 'screening'>;
  readonly store: Pick<QualityStore, 'listReviewers'>;
};

/**
 * Plans a month's sample the one way both `POST /api/v1/sampling/plans` and `callsight sample plan` do: the
 * month's calls with their screening risk, the reviewers given or else the roster (VALIDATION_FAILED when there
 * are none), the planner's defaults for every omitted setting, and the period's default seed. Writes nothing.
 */
export async function draftSamplePlan(deps: DraftSampleDeps, tenantId: string, settings: SamplePlanSettings): Promise<DraftedSamplePlan> {
  const reviewers: SampleReviewerInput[] =
    settings.reviewers?.map((r) => ({ id: r.id, ...(r.agentId ? { agentId: r.agentId } : {}) })) ?? (await deps.store.listReviewers(tenantId));
  if (reviewers.length === 0) {
    throw new CallsightError('VALIDATION_FAILED', 'no reviewers: pass "reviewers" or set the roster with PUT /api/v1/sampling/reviewers');
  }
  const input = await collectSampleInput({ calls: deps.calls, screening: (t, ids) => deps.transcripts.screening(t, ids) }, tenantId, settings.period);
  const plan = planSample({
    period: settings.period,
    calls: input.calls,
    agents: input.agents,
    reviewers,
    ...(settings.quotas ? { quotas: settings.quotas } : {}),
    ...(settings.riskFirst !== undefined ? { riskFirst: settings.riskFirst } : {}),
    ...(settings.controlShare !== undefined ? { controlShare: settings.controlShare } : {}),
    ...(settings.doubleScoreShare !== undefined ? { doubleScoreShare: settings.doubleScoreShare } : {}),
    ...(settings.minRiskScore !== undefined ? { minRiskScore: settings.minRiskScore } : {}),
    seed: settings.seed ?? defaultSampleSeed(settings.period),
  });
  return { ...plan, agentsAssumedNew: input.agentsAssumedNew };
}
