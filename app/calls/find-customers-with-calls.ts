import { z } from 'zod';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { phoneFilter } from '../../core/recordings/phone';
import { callScope } from './calls.access';
import type { CallsPorts } from './calls.ports';

const findCustomersInput = z
  .object({
    customers: z.array(z.object({ phone: z.string().min(1).max(64), name: z.string().max(200) })).max(500),
  })
  .strict();
type FindCustomersInput = z.output<typeof findCustomersInput>;

/**
 * Of the given customers, those with at least one call the actor reaches, in the order given (the demo's
 * customer picker offers only customers there is something to show for). Phones are read in the tenant's
 * default region; VALIDATION_FAILED for one that is not a number. The audit event records counts only.
 */
export const findCustomersWithCalls = defineUseCase({
  name: 'calls.find-customers-with-calls',
  action: 'list',
  permission: 'list',
  input: findCustomersInput,
  invalidInput: 'Invalid customer list',
  async run({ deps, actor, input }: { deps: Pick<CallsPorts, 'calls'>; actor: Actor; input: FindCustomersInput }) {
    const scope = callScope(actor, 'list');
    const tenant = await deps.calls.getTenant(actor.tenantId);
    const found: { phone: string; name: string }[] = [];
    for (const customer of input.customers) {
      const customerPhone = phoneFilter(customer.phone, tenant);
      const page = await deps.calls.listCalls(actor.tenantId, { customerPhone }, scope, { limit: 1 });
      if (page.items.length > 0) found.push({ phone: customer.phone, name: customer.name });
    }
    return found;
  },
  audited: (output, input) => ({ details: { customers: input.customers.length, withCalls: output.length } }),
});
