import type { CallRepository } from '../../core/recordings/call-repository.port';
import { buildHoldIndex, compileRetentionPolicy, createRetentionPlanner } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { retentionPlanQuerySchema } from '../../core/api/retention.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { recentThaws, retentionSubject } from './retention.archive';
import type { RetentionSettings } from './retention.ports';
import { loadPolicyView, type RetentionPlanView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'getPolicy' | 'unreleasedHolds' | 'thawedSince' | 'iterateCalls'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly clock: Clock;
  readonly settings: RetentionSettings;
}

type PlanInput = { readonly sample: number };

/**
 * Dry run: what a sweep at the hub clock's now would do to every stored call of the actor's tenant, per action
 * and per rule, with the first `sample` affected calls (0..1000, default 50). Changes nothing. The same input
 * gives the same plan and the same errors from `GET /api/v1/retention/plan` and `callsight retention plan`.
 * Admins and auditors.
 */
export const planRetention = defineUseCase({
  name: 'retention.plan',
  action: 'view_retention_plan',
  permission: 'view_audit',
  input: retentionPlanQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'settings:retention',
  async run({ deps, actor, input }: UseCaseContext<Deps, PlanInput>): Promise<RetentionPlanView> {
    const tenantId = actor.tenantId;
    const view = await loadPolicyView(deps, tenantId);
    const now = deps.clock.now();
    const holds = buildHoldIndex(await deps.store.unreleasedHolds(tenantId), now);
    const planner = createRetentionPlanner(compileRetentionPolicy(view.policy), holds, now, { sampleLimit: input.sample });
    const thawed = await recentThaws(deps, tenantId, now);
    for await (const call of deps.store.iterateCalls(tenantId)) planner.add(retentionSubject(call, thawed));
    return { tenantId, policy: { name: view.policy.name, source: view.source, version: view.version }, ...planner.result() };
  },
  audited: (plan) => ({ details: { total: plan.total, ...plan.counts } }),
});
