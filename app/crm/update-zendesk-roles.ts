import { z } from 'zod';
import { parseZendeskIdentitySettings, type ZendeskIdentitySettings } from '../../core/crm/zendesk-identity';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Clock } from '../../core/shared/clock.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { authorizeInstallation, type ZendeskInstallation } from './crm.identity';

/** The ports of updateZendeskRoles. */
export interface UpdateZendeskRolesDeps {
  readonly accounts: Pick<ProviderAccountStore, 'find' | 'save'>;
  readonly clock: Clock;
}

/**
 * A change of a Zendesk installation's role mapping: `replace` (a whole mapping) or the current one as the base,
 * then `roles` set (Zendesk role name to a Callsight role or `none`), `users` granted and `removeUsers` removed.
 */
export const updateZendeskRolesInput = z.object({
  subdomain: z.string().min(1).max(63),
  replace: z.unknown().optional(),
  roles: z.record(z.string(), z.string()).default({}),
  users: z.record(z.string(), z.unknown()).default({}),
  removeUsers: z.array(z.string()).default([]),
});
export type UpdateZendeskRolesRequest = z.input<typeof updateZendeskRolesInput>;
type UpdateInput = z.infer<typeof updateZendeskRolesInput>;

/**
 * Changes how a Zendesk installation's users and roles map to Callsight rights, keeping its shared secret and
 * other settings, and returns the mapping as stored. A grant the hub could not honour (an agent without agentId,
 * an unknown role) is VALIDATION_FAILED naming the entry, and changes nothing. The next session exchange uses the
 * new mapping. NOT_FOUND for an installation this tenant does not have. Admins and the operator.
 */
export const updateZendeskRoles = defineUseCase({
  name: 'crm.update-zendesk-roles',
  action: 'change_settings',
  permission: 'change_settings',
  input: updateZendeskRolesInput,
  invalidInput: 'Invalid Zendesk role mapping',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  authorize: ({ deps, actor, input }: { deps: UpdateZendeskRolesDeps; actor: Actor; input: UpdateInput }) =>
    authorizeInstallation(deps.accounts, actor, input.subdomain),
  async run({ deps, input, subject }: { deps: UpdateZendeskRolesDeps; input: UpdateInput; subject: ZendeskInstallation }): Promise<ZendeskIdentitySettings> {
    const base: Partial<ZendeskIdentitySettings> =
      input.replace === undefined ? subject.identity : typeof input.replace === 'object' && input.replace !== null ? input.replace : {};
    const roles: Record<string, unknown> = { ...(base.roles ?? {}), ...input.roles };
    const users: Record<string, unknown> = { ...(base.users ?? {}), ...input.users };
    for (const id of input.removeUsers) delete users[id];
    const parsed = parseZendeskIdentitySettings({ roles, users });
    const { account } = subject;
    await deps.accounts.save({ ...account, settings: { ...account.settings, roles: parsed.roles, users: parsed.users } }, deps.clock.now());
    return parsed;
  },
  audited: (output) => ({ reason: 'zendesk_roles', details: { users: Object.keys(output.users).length, roles: Object.keys(output.roles).length } }),
});
