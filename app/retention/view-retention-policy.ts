import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { loadPolicyView, type PolicyView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'getPolicy'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
}

/** The retention policy in force for the actor's tenant: saved, or its industry's preset. Admins and auditors. */
export const viewRetentionPolicy = defineUseCase({
  name: 'retention.view-policy',
  action: 'view_settings',
  permission: 'view_audit',
  target: () => 'settings:retention',
  run: ({ deps, actor }: UseCaseContext<Deps, unknown>): Promise<PolicyView> =>
    loadPolicyView(deps, actor.tenantId),
});
