import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock } from '../../core/shared/clock.port';
import type { Page } from '../../core/api/common.api';
import { legalHoldsQuerySchema, type LegalHoldsQuery } from '../../core/api/retention.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { legalHoldView, type LegalHoldView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'listHolds'>;
  readonly clock: Clock;
}

/**
 * The legal holds of the actor's tenant, newest first, keyset-paged (`active=true`: only those in force now).
 * Phone numbers are masked for everyone but admins. Admins and auditors.
 */
export const listLegalHolds = defineUseCase({
  name: 'retention.list-legal-holds',
  action: 'list_legal_holds',
  permission: 'view_audit',
  input: legalHoldsQuerySchema,
  invalidInput: 'Invalid query',
  async run({ deps, actor, input }: UseCaseContext<Deps, LegalHoldsQuery>): Promise<Page<LegalHoldView>> {
    const now = deps.clock.now();
    const page = await deps.store.listHolds(actor.tenantId, {
      limit: input.limit,
      ...(input.active === 'true' ? { activeAt: now.toISOString() } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
    });
    return { items: page.items.map((hold) => legalHoldView(hold, actor, now)), nextCursor: page.nextCursor };
  },
  audited: (page) => ({ details: { returned: page.items.length } }),
});
