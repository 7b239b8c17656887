import { CONNECTION_KINDS, type ConnectionListBody } from '../../core/api/admin.api';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import type { ConnectionProbes } from './connection.ports';

/** The ports of listConnections. */
export interface ListConnectionsDeps {
  readonly probes: ConnectionProbes;
  readonly clock: Clock;
}

/**
 * Whether each outside service (Zendesk, Salesforce, Twilio, the transcription provider) is configured for the
 * actor's tenant, read from stored settings only: no outside call, no secret in the answer. Admins only.
 */
export const listConnections = defineUseCase({
  name: 'settings.list-connections',
  action: 'view_settings',
  permission: 'change_settings',
  forbidden: 'Only admins may see the connection settings',
  target: () => 'settings:connections',
  async run({ deps, actor }: UseCaseContext<ListConnectionsDeps, unknown>): Promise<ConnectionListBody> {
    const checkedAt = deps.clock.now().toISOString();
    const items = [];
    for (const kind of CONNECTION_KINDS) items.push({ kind, ...(await deps.probes[kind].configured(actor.tenantId)), checkedAt });
    return { items };
  },
  audited: (list) => ({ details: { configured: list.items.filter((item) => item.status !== 'not_configured').length } }),
});
