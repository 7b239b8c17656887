import { z } from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { requireTenant } from '../tenants/index';
import { ZENDESK_SHARED_SECRET_PURPOSE, type SecretSealer } from './crm.ports';
import {
  ZENDESK_APP_SETTINGS_KEY,
  zendeskInstallationIdSchema,
  type ZendeskAppRegistration,
  type ZendeskPublicKeyChecker,
} from './zendesk-app.ports';

/** The ports of registerZendeskApp. */
export interface RegisterZendeskAppDeps {
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly accounts: Pick<ProviderAccountStore, 'find' | 'save'>;
  readonly keys: Pick<SecretSealer, 'sealSecret'>;
  readonly publicKeys: ZendeskPublicKeyChecker;
  readonly clock: Clock;
}

/** A Zendesk app installation as the operator gives it (`callsight zendesk connect`). */
export const registerZendeskAppInput = z.object({
  subdomain: z
    .string()
    .min(1)
    .max(63)
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a Zendesk subdomain such as acme')),
  installationId: zendeskInstallationIdSchema,
  publicKey: z.string().min(1).max(8192),
});
export type RegisterZendeskAppRequest = z.input<typeof registerZendeskAppInput>;

/** What was registered (never the key itself). */
export interface ZendeskAppRegistered {
  readonly subdomain: string;
  readonly installationId: string;
  /** True when the account was new on this hub. */
  readonly created: boolean;
}

/**
 * Registers the Zendesk app installation of `subdomain` for the actor's tenant: Zendesk's public key for the app
 * (RSA, PEM) and the installation id, against which the hub checks the ZAF JWT of every signed page request
 * (`POST /zendesk/app`). Creates the Zendesk account on the hub when it has none, or replaces the registration of
 * the tenant's existing one, keeping its role mapping. CONFLICT, with nothing changed, when the subdomain belongs
 * to another tenant; VALIDATION_FAILED naming the bad option (never the key) for a key that is not an RSA public
 * key; NOT_FOUND when the tenant does not exist. Admins and the operator.
 */
export const registerZendeskApp = defineUseCase({
  name: 'crm.register-zendesk-app',
  action: 'change_settings',
  permission: 'change_settings',
  input: registerZendeskAppInput,
  invalidInput: 'Invalid Zendesk app registration',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: RegisterZendeskAppDeps; actor: Actor; input: z.infer<typeof registerZendeskAppInput> }): Promise<ZendeskAppRegistered> {
    const { tenantId } = actor;
    await requireTenant(deps.calls, tenantId);
    const publicKey = deps.publicKeys.checkZendeskPublicKey(input.publicKey);
    const registration: ZendeskAppRegistration = { installationId: input.installationId, publicKey };
    const existing = await deps.accounts.find('zendesk', input.subdomain);
    if (existing && existing.tenantId !== tenantId) {
      throw new CallsightError('CONFLICT', `The Zendesk account "${input.subdomain}" belongs to another tenant on this hub`);
    }
    await deps.accounts.save(
      {
        provider: 'zendesk',
        accountId: input.subdomain,
        tenantId,
        // Signed URLs need no shared secret; the row still holds a sealed value, which nothing opens for identity.
        sealedSecret: existing?.sealedSecret ?? deps.keys.sealSecret(tenantId, ZENDESK_SHARED_SECRET_PURPOSE, 'signed-urls'),
        settings: { ...(existing?.settings ?? {}), [ZENDESK_APP_SETTINGS_KEY]: registration },
      },
      deps.clock.now(),
    );
    return { subdomain: input.subdomain, installationId: input.installationId, created: existing === null || existing === undefined };
  },
  audited: (output) => ({ reason: 'zendesk_app_registered', details: { subdomain: output.subdomain, installationId: output.installationId, created: output.created } }),
});
