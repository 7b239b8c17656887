import type { z } from 'zod';
import { samplePlanRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorOf } from './quality.access';
import { nowIso } from './quality.ports';
import { draftSamplePlan, type DraftedSamplePlan, type DraftSampleDeps } from './sampling.planner';

type Deps = DraftSampleDeps & { readonly store: Pick<QualityStore, 'savePlan'>; readonly clock: Clock };
type Input = z.output<typeof samplePlanRequestSchema>;

/**
 * POST /api/v1/sampling/plans: plans the month (draftSamplePlan) and stores it with its review assignments,
 * atomically; CONFLICT when the month has a plan and `replace` is not set. The same input and seed give the same plan.
 */
export const planSample = defineUseCase({
  name: 'quality.plan-sample',
  action: 'plan_sample',
  permission: 'plan_sample',
  input: samplePlanRequestSchema,
  invalidInput: 'Invalid sampling plan',
  target: (i) => `sampling:${i.period}`,
  async run({ deps, actor, input: { replace, ...settings } }: UseCaseContext<Deps, Input>): Promise<DraftedSamplePlan> {
    const plan = await draftSamplePlan(deps, actor.tenantId, settings);
    const { agentsAssumedNew: _assumed, ...stored } = plan;
    await deps.store.savePlan(actor.tenantId, stored, authorOf(actor), nowIso(deps), replace);
    return plan;
  },
  audited: (plan, input) => ({
    ...(input.replace ? { reason: 'replace' } : {}),
    details: { sampled: plan.totals.sampled, doubleScored: plan.totals.doubleScored, fingerprint: plan.fingerprint },
  }),
});
