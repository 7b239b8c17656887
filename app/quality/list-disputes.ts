import type { z } from 'zod';
import { listDisputesQuerySchema } from '../../core/api/quality.api';
import type { Dispute } from '../../core/quality/dispute';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { isSystemActor } from '../shared/actor';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { conditionOf } from './quality.access';
import { disputeAgentIds } from './quality.loaders';

type Deps = { readonly store: Pick<QualityStore, 'listDisputes'>; readonly calls: Pick<CallRepository, 'listAgents'> };
type Input = z.output<typeof listDisputesQuerySchema>;

/**
 * GET /api/v1/disputes: agents read their own disputes, managers and admins those they may resolve; other roles
 * (QA) get FORBIDDEN. The role check reads `view_evaluations` (disputes are about evaluations); `authorize` narrows it.
 */
export const listDisputes = defineUseCase({
  name: 'quality.list-disputes',
  action: 'view_disputes',
  permission: 'view_evaluations',
  input: listDisputesQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'disputes',
  async authorize({ deps, actor }: UseCaseContext<Deps, Input>) {
    if (!isSystemActor(actor) && conditionOf(actor, 'dispute') === 'none' && conditionOf(actor, 'resolve_dispute') === 'none') {
      return deny('role_not_permitted', new CallsightError('FORBIDDEN', `Your role (${actor.role}) may not read disputes`));
    }
    return allow(await disputeAgentIds(deps, actor));
  },
  async run({ deps, actor, input, subject: agentIds }: UseCaseContext<Deps, Input> & { subject: string[] | null }): Promise<{ items: Dispute[] }> {
    const items = await deps.store.listDisputes(actor.tenantId, { ...(input.status ? { status: input.status } : {}), ...(agentIds ? { agentIds } : {}) });
    return { items };
  },
  audited: (out) => ({ details: { returned: out.items.length } }),
});
