import type { CallRepository } from '../../core/recordings/call-repository.port';
import { phoneFilter } from '../../core/recordings/phone';
import { parseLegalHold } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import { placeLegalHoldBodySchema, type PlaceLegalHoldBody } from '../../core/api/retention.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { requireTenant } from './retention.ports';
import { actorId, legalHoldFacts, legalHoldView, type LegalHoldView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'insertHold'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Places a legal hold on the actor's tenant: by call ids, customer (phone in any common form, read with the
 * tenant's region, or CRM id), agent or filter (rule criteria), with a reason and an optional expiry. The author is
 * the actor. No cap on the number of holds. VALIDATION_FAILED (`Legal hold rejected: ...`) naming each problem,
 * never echoing the phone. Admins only.
 */
export const placeLegalHold = defineUseCase({
  name: 'retention.place-legal-hold',
  action: 'place_legal_hold',
  permission: 'change_settings',
  input: placeLegalHoldBodySchema,
  invalidInput: 'Legal hold rejected',
  async run({ deps, actor, input }: UseCaseContext<Deps, PlaceLegalHoldBody>): Promise<LegalHoldView> {
    const tenant = await requireTenant(deps.calls, actor.tenantId);
    let by: unknown = input.by;
    if (input.by.kind === 'customer' && input.by.phone !== undefined) {
      let phone: string;
      try {
        phone = phoneFilter(input.by.phone, tenant, 'by.phone');
      } catch (error) {
        if (!isCallsightError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        throw new CallsightError('VALIDATION_FAILED', 'Legal hold rejected: by.phone: not a valid phone number.', { cause: error });
      }
      by = { ...input.by, phone };
    }
    const now = deps.clock.now();
    const hold = parseLegalHold({
      id: deps.ids.newId('hold'),
      tenantId: tenant.id,
      by,
      reason: input.reason,
      author: actorId(actor),
      createdAt: now.toISOString(),
      ...(input.expiresAt != null ? { expiresAt: input.expiresAt } : {}),
    });
    await deps.store.insertHold(hold);
    return legalHoldView(hold, actor, now);
  },
  audited: (hold) => ({ target: `legal_hold:${hold.id}`, details: legalHoldFacts(hold) }),
});
