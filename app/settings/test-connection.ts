import { connectionParamsSchema, type ConnectionKind, type ConnectionStatusBody } from '../../core/api/admin.api';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import type { ConnectionProbes } from './connection.ports';

/** The ports of testConnection. */
export interface TestConnectionDeps {
  readonly probes: ConnectionProbes;
  readonly clock: Clock;
}

/**
 * Runs one cheap authenticated call to an outside service with the tenant's stored credentials and answers
 * `ok`, `error` with the adapter's stable code, or `not_configured`; never a credential. The outcome and its code
 * go to the audit trail. VALIDATION_FAILED for an unknown kind. Admins only.
 */
export const testConnection = defineUseCase({
  name: 'settings.test-connection',
  action: 'test_connection',
  permission: 'change_settings',
  forbidden: 'Only admins may test the connections',
  input: connectionParamsSchema,
  invalidInput: 'Unknown connection',
  target: (input) => `connection:${input.kind}`,
  async run({ deps, actor, input }: UseCaseContext<TestConnectionDeps, { kind: ConnectionKind }>): Promise<ConnectionStatusBody> {
    const result = await deps.probes[input.kind].test(actor.tenantId);
    return { kind: input.kind, ...result, checkedAt: deps.clock.now().toISOString() };
  },
  audited: (status) => ({ reason: status.status, details: { code: status.code } }),
});
