import type { CallRepository } from '../../core/recordings/call-repository.port';
import { isCallsightError } from '../../core/shared/errors';
import { systemActor, type Actor } from '../shared/actor';
import type { UseCase } from '../shared/use-case';

/** One tenant's failure in a loop over tenants: its error code (INTERNAL for an unexpected error). */
export interface TenantFailure {
  readonly tenantId: string;
  readonly code: string;
  readonly message: string;
  /** The error itself, for the caller's log (an unexpected error's message may not be shown to users). */
  readonly error: unknown;
}

/**
 * Runs a use-case for each tenant of the hub in turn, as the system actor `actorId` of that tenant (so each tenant's
 * audit chain gets its own event), stopping before the next tenant once `signal` is aborted. A tenant whose run
 * fails does not stop the others: its failure is returned (and already in its audit chain). The scheduled sweep
 * and `callsight retention plan|run` without `--tenant` share this loop.
 */
export async function forEveryTenant<In, O>(
  deps: { readonly calls: Pick<CallRepository, 'listTenants'> },
  useCase: UseCase<In, O>,
  actorId: string,
  input: In,
  control: { readonly signal?: AbortSignal; readonly onTenant?: (tenantId: string) => void } = {},
): Promise<{ readonly results: O[]; readonly failures: TenantFailure[] }> {
  const results: O[] = [];
  const failures: TenantFailure[] = [];
  for (const tenant of await deps.calls.listTenants()) {
    if (control.signal?.aborted) break;
    control.onTenant?.(tenant.id);
    const actor: Actor = systemActor(tenant.id, actorId);
    try {
      results.push(await useCase(actor, input));
    } catch (error) {
      failures.push({
        tenantId: tenant.id,
        code: isCallsightError(error) ? error.code : 'INTERNAL',
        message: isCallsightError(error) ? error.message : 'Unexpected error; see the hub log',
        error,
      });
    }
  }
  return { results, failures };
}
