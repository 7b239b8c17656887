import { z } from 'zod';
import type { ZendeskIdentitySettings } from '../../core/crm/zendesk-identity';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { authorizeInstallation } from './crm.identity';

/** The ports of getZendeskRoles. */
export interface GetZendeskRolesDeps {
  readonly accounts: Pick<ProviderAccountStore, 'find'>;
}

/** Which Zendesk installation: its subdomain (`acme` for acme.zendesk.com). */
export const zendeskInstallationInput = z.object({ subdomain: z.string().min(1).max(63) });

/**
 * Reads how the users and roles of a Zendesk installation of the actor's tenant map to Callsight rights.
 * NOT_FOUND for an installation this tenant does not have. Admins and the operator.
 */
export const getZendeskRoles = defineUseCase({
  name: 'crm.get-zendesk-roles',
  action: 'view_settings',
  permission: 'change_settings',
  input: zendeskInstallationInput,
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  authorize: ({ deps, actor, input }: { deps: GetZendeskRolesDeps; actor: Actor; input: { subdomain: string } }) =>
    authorizeInstallation(deps.accounts, actor, input.subdomain),
  run: ({ subject }): ZendeskIdentitySettings => subject.identity,
  audited: () => ({ reason: 'zendesk_roles' }),
});
