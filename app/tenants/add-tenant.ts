import { z } from 'zod';
import type { Tenant } from '../../core/recordings/call';
import { DEFAULT_PHONE_REGION } from '../../core/recordings/phone';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import { CallsightError } from '../../core/shared/errors';
import { isSafeId } from '../../core/shared/ids';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { provisionTenant, type ProvisionPorts, type TenantKeys } from './tenants.ports';

/** Industry presets a tenant may start from (core/retention presets, analysis lexicons). */
export const TENANT_INDUSTRIES = ['general', 'finance', 'ecommerce', 'education', 'medical'] as const satisfies readonly Tenant['industry'][];

const secret = z.string().min(16, 'is shorter than 16 characters; use a long random secret').max(4096);

/**
 * A tenant to create (or keep, when it exists) and the provider accounts whose requests belong to it: a
 * Twilio Account SID with its auth token (the Zendesk app registers with `callsight zendesk connect`, signed URLs). Secrets are sealed under the
 * tenant key and never echoed in errors.
 */
export const addTenantInput = z
  .object({
    name: z.string().min(1).max(200).optional(),
    region: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
      .default(DEFAULT_PHONE_REGION)
      .transform((v) => v.toUpperCase()),
    industry: z.enum(TENANT_INDUSTRIES).default('general'),
    twilio: z
      .object({
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC + 32 hex)'),
        authToken: secret,
      })
      .strict()
      .optional(),
  })
  .strict();
export type AddTenantRequest = z.input<typeof addTenantInput>;

interface AddTenantDeps extends ProvisionPorts {
  readonly keys: Pick<TenantKeys, 'ensureTenant' | 'sealSecret'>;
  readonly accounts: Pick<ProviderAccountStore, 'save'>;
}

/** The tenant as it now is, and which provider accounts were linked to it. */
export interface AddedTenant {
  readonly tenant: Tenant;
  readonly twilioLinked: boolean;
}

/**
 * Creates the actor's tenant with its keys (`callsight tenant add <id>`), idempotently, and links the provider
 * accounts given, replacing an earlier link of the same account. Everything is validated before anything is
 * written. Only the system adds tenants. Audited as `change_settings` with reason `tenant_add`.
 */
export const addTenant = defineUseCase({
  name: 'tenants.add-tenant',
  action: 'change_settings',
  permission: 'system',
  input: addTenantInput,
  invalidInput: 'Invalid tenant',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: AddTenantDeps; actor: Actor; input: z.output<typeof addTenantInput> }): Promise<AddedTenant> {
    const id = actor.tenantId;
    if (!isSafeId(id)) throw new CallsightError('VALIDATION_FAILED', 'Invalid tenant: id: is not a valid id (1 to 128 letters, digits, "_" or "-")');
    const tenant = await provisionTenant(deps, { id, name: input.name ?? id, defaultRegion: input.region, industry: input.industry });
    const now = deps.clock.now();
    if (input.twilio) {
      await deps.accounts.save(
        { provider: 'twilio', accountId: input.twilio.accountSid, tenantId: id, sealedSecret: deps.keys.sealSecret(id, 'twilio', input.twilio.authToken), settings: {} },
        now,
      );
    }
    return { tenant, twilioLinked: input.twilio !== undefined };
  },
  audited: (output) => ({ reason: 'tenant_add', details: { twilio: output.twilioLinked } }),
});
