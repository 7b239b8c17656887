import * as z from 'zod/mini';
import { samplePlanRequestSchema } from '../../core/api/quality.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { draftSamplePlan, type DraftedSamplePlan, type DraftSampleDeps } from './sampling.planner';

const inputSchema = z.omit(samplePlanRequestSchema, { replace: true });
type Input = z.output<typeof inputSchema>;

/**
 * `callsight sample plan`: the plan POST /api/v1/sampling/plans would store for the same settings (the same
 * validation, defaults, roster and seed, so the same plan and the same errors), without storing it.
 */
export const previewSamplePlan = defineUseCase({
  name: 'quality.preview-sample-plan',
  action: 'plan_sample',
  permission: 'plan_sample',
  input: inputSchema,
  invalidInput: 'Invalid sampling plan',
  target: (i) => `sampling:${i.period}`,
  run: ({ deps, actor, input }: UseCaseContext<DraftSampleDeps, Input>): Promise<DraftedSamplePlan> => draftSamplePlan(deps, actor.tenantId, input),
  audited: (plan) => ({ reason: 'preview', details: { calls: plan.totals.callsInPeriod, sampled: plan.totals.sampled, fingerprint: plan.fingerprint } }),
});
