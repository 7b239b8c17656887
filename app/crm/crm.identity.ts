import type { ProviderAccountRow, ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import { parseZendeskIdentitySettings, type ZendeskIdentitySettings } from '../../core/crm/zendesk-identity';
import type { Actor } from '../shared/actor';
import { allow, deny, type Decision } from '../shared/use-case';
import { zendeskInstallationNotFound } from './crm.ports';

/** A Zendesk app installation of the actor's tenant with its role mapping as stored. */
export interface ZendeskInstallation {
  readonly account: ProviderAccountRow;
  readonly identity: ZendeskIdentitySettings;
}

/**
 * Finds the installation of `subdomain` (any case) if it belongs to the actor's tenant; another tenant's
 * installation answers exactly as a missing one (NOT_FOUND), so that no tenant learns of another's.
 */
export async function authorizeInstallation(
  accounts: Pick<ProviderAccountStore, 'find'>,
  actor: Actor,
  subdomain: string,
): Promise<Decision<ZendeskInstallation>> {
  const key = subdomain.toLowerCase();
  const account = await accounts.find('zendesk', key);
  if (!account || account.tenantId !== actor.tenantId) return deny('not_found_or_other_tenant', zendeskInstallationNotFound(key));
  return allow({ account, identity: parseZendeskIdentitySettings(account.settings) });
}
