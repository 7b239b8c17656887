import { z } from 'zod';
import { periodSchema } from '../../core/api/quality.api';
import type { QualityStore, StoredSamplePlan } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { agentIdsOf, conditionOf } from './quality.access';
import { viewPlan, type PlanView } from './quality.views';

type Deps = { readonly store: Pick<QualityStore, 'getPlan'>; readonly calls: Pick<CallRepository, 'listAgents'> };
const inputSchema = z.object({ period: periodSchema }).strict();
type Input = z.output<typeof inputSchema>;

/**
 * GET /api/v1/sampling/plans/:period: the stored plan cut to the reader (admins all, managers their teams'
 * agents, reviewers their own assignments); NOT_FOUND before the month is planned.
 */
export const getSamplePlan = defineUseCase({
  name: 'quality.get-sample-plan',
  action: 'view_sample',
  permission: 'view_sample',
  input: inputSchema,
  invalidInput: 'Invalid sampling period',
  target: (i) => `sampling:${i.period}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    const stored = await deps.store.getPlan(actor.tenantId, input.period);
    if (!stored) return deny('not_found', new CallsightError('NOT_FOUND', `No sampling plan for ${input.period} yet; POST /api/v1/sampling/plans makes one`));
    return allow(stored);
  },
  async run({ deps, actor, subject: stored }: UseCaseContext<Deps, Input> & { subject: StoredSamplePlan }): Promise<PlanView & { createdAt: string; createdBy: string }> {
    const agentIds = conditionOf(actor, 'view_sample') === 'team' ? agentIdsOf(actor, 'view_sample', await deps.calls.listAgents(actor.tenantId)) : null;
    return { ...viewPlan(stored.plan, actor, agentIds), createdAt: stored.createdAt, createdBy: stored.createdBy };
  },
  audited: (view) => ({ details: { returned: view.items.length } }),
});
