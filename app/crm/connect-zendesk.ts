import { z } from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import { findAppLinkProblem } from '../../core/crm/record-call.payload';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { requireTenant } from '../tenants/index';
import {
  appLinkFor,
  ZENDESK_API_TOKEN_PURPOSE,
  zendeskConnectionSettingsSchema,
  zendeskConnectionSpec,
  type SecretSealer,
  type ZendeskConnectionChecker,
} from './crm.ports';

/** The ports of connectZendesk. */
export interface ConnectZendeskDeps {
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly connections: Pick<CrmConnectionStore, 'save'>;
  readonly keys: Pick<SecretSealer, 'sealSecret'>;
  readonly zendesk: ZendeskConnectionChecker;
  readonly clock: Clock;
}

/** A Zendesk API connection as an operator gives it (`callsight tenant zendesk-connect`). */
export const connectZendeskInput = z.object({
  subdomain: z.string().min(1).max(63),
  email: z.string().max(254),
  /** Write-only: stored sealed with the tenant key, never returned, logged or audited. */
  apiToken: z.string().min(1).max(512),
  baseUrl: z.string().optional(),
  customObjectKey: z.string().optional(),
  notes: z.object({ enabled: z.boolean(), locale: z.enum(['en', 'zh-CN']).optional() }),
  /** Older connections' link base; checked, but records link to the app's nav bar location (`appName`). */
  appLinkBase: z.string().optional(),
  /** The Callsight app's installation name in Zendesk (default `callsight`): its nav bar route opens a call. */
  appName: z.string().optional(),
});
export type ConnectZendeskRequest = z.input<typeof connectZendeskInput>;

/** The connection as stored, without its token. */
export interface ZendeskConnected {
  readonly subdomain: string;
  readonly notes: boolean;
}

/**
 * Validates and stores the actor's tenant's Zendesk API connection (the API token sealed with the tenant key),
 * replacing an earlier one. From the next stored call on, each call of the tenant is queued for Zendesk in the
 * call's own transaction. VALIDATION_FAILED names the bad setting, never its value, and changes nothing;
 * NOT_FOUND when the tenant does not exist. Admins and the operator.
 */
export const connectZendesk = defineUseCase({
  name: 'crm.connect-zendesk',
  action: 'change_settings',
  permission: 'change_settings',
  input: connectZendeskInput,
  invalidInput: 'Invalid Zendesk connection',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: ConnectZendeskDeps; actor: Actor; input: z.infer<typeof connectZendeskInput> }): Promise<ZendeskConnected> {
    const { tenantId } = actor;
    await requireTenant(deps.calls, tenantId);
    const subdomain = input.subdomain.toLowerCase();
    const parsed = zendeskConnectionSettingsSchema.safeParse({
      email: input.email,
      ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
      ...(input.customObjectKey ? { customObjectKey: input.customObjectKey } : {}),
      notes: { enabled: input.notes.enabled, locale: input.notes.locale ?? 'en' },
      ...(input.appLinkBase !== undefined ? { appLinkBase: input.appLinkBase } : {}),
      ...(input.appName !== undefined ? { appName: input.appName } : {}),
    });
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => issue.path.join('.') || 'connection').join(', ');
      throw new CallsightError('VALIDATION_FAILED', `invalid Zendesk connection: ${where} is not valid`);
    }
    const settings = parsed.data;
    if (settings.appLinkBase !== undefined) {
      const problem = findAppLinkProblem(appLinkFor(settings.appLinkBase, 'c_example'));
      if (problem !== null) throw new CallsightError('VALIDATION_FAILED', `app link base ${problem}`);
    }
    deps.zendesk.checkZendeskConnection(zendeskConnectionSpec(subdomain, settings, input.apiToken));
    await deps.connections.save(
      { tenantId, crm: 'zendesk', accountId: subdomain, sealedSecret: deps.keys.sealSecret(tenantId, ZENDESK_API_TOKEN_PURPOSE, input.apiToken), settings },
      deps.clock.now(),
    );
    return { subdomain, notes: settings.notes.enabled };
  },
  audited: (output) => ({ reason: 'zendesk_connect', details: { subdomain: output.subdomain, notes: output.notes } }),
});
