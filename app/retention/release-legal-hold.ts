import { z } from 'zod';
import type { LegalHold } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { isSafeId } from '../../core/shared/ids';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { actorId, legalHoldFacts, legalHoldView, type LegalHoldView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'getHold' | 'releaseHold'>;
  readonly clock: Clock;
}

const releaseInput = z.object({ holdId: z.string() }).strict();
type ReleaseInput = z.infer<typeof releaseInput>;

const noSuchHold = () => new CallsightError('NOT_FOUND', 'No legal hold with this id');

/**
 * Releases a legal hold of the actor's tenant; the next sweep may act on its calls. NOT_FOUND when there is no such
 * hold (an id that cannot be a hold id included), CONFLICT when it was already released. Admins only.
 */
export const releaseLegalHold = defineUseCase({
  name: 'retention.release-legal-hold',
  action: 'release_legal_hold',
  permission: 'change_settings',
  input: releaseInput,
  target: (input) => (isSafeId(input.holdId) ? `legal_hold:${input.holdId}` : null),
  async authorize({ deps, actor, input }: UseCaseContext<Deps, ReleaseInput>) {
    const hold = isSafeId(input.holdId) ? await deps.store.getHold(actor.tenantId, input.holdId) : null;
    return hold ? allow<LegalHold>(hold) : deny('not_found', noSuchHold());
  },
  async run({ deps, actor, subject }): Promise<LegalHoldView> {
    const now = deps.clock.now();
    if (!(await deps.store.releaseHold(actor.tenantId, subject.id, actorId(actor), now.toISOString()))) {
      throw new CallsightError('CONFLICT', 'This legal hold was already released');
    }
    return legalHoldView((await deps.store.getHold(actor.tenantId, subject.id)) ?? subject, actor, now);
  },
  audited: (hold) => ({ details: legalHoldFacts(hold) }),
});
