import { z } from 'zod';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { requireTenant } from '../tenants/index';
import {
  SALESFORCE_ORG_ID,
  SALESFORCE_PRIVATE_KEY_PURPOSE,
  type SalesforceConnectionChecker,
  type SalesforceConnectionSpec,
  type SecretSealer,
} from './crm.ports';

/** The ports of connectSalesforce. */
export interface ConnectSalesforceDeps {
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly connections: Pick<CrmConnectionStore, 'save'>;
  readonly keys: Pick<SecretSealer, 'sealSecret'>;
  readonly salesforce: SalesforceConnectionChecker;
  readonly clock: Clock;
}

/** A Salesforce API connection as an operator gives it (`callsight salesforce connect`): the JWT bearer flow's parts. */
export const connectSalesforceInput = z.object({
  orgId: z.string().regex(SALESFORCE_ORG_ID, 'must be a Salesforce org id (00D...)'),
  loginUrl: z.string().max(2048).default('https://login.salesforce.com'),
  consumerKey: z.string().min(1).max(256),
  username: z.string().min(1).max(254),
  /** Write-only: PKCS#8 PEM, stored sealed with the tenant key, never returned, logged or audited. */
  privateKeyPem: z.string().min(1).max(16_384),
  apiVersion: z.string().max(8).optional(),
  instanceUrl: z.string().max(2048).optional(),
  tagFields: z.array(z.string().max(128)).max(20).optional(),
});
export type ConnectSalesforceRequest = z.input<typeof connectSalesforceInput>;

/** The connection as stored, without its key. */
export interface SalesforceConnected {
  readonly orgId: string;
  readonly username: string;
  readonly tagFields: number;
}

/**
 * Validates and stores the actor's tenant's Salesforce API connection (the JWT signing key sealed with the tenant
 * key, the org id as account), replacing an earlier one. From the next stored call on, each call of the tenant is
 * queued for Salesforce in the call's own transaction, and follows up as it changes. VALIDATION_FAILED names the
 * bad setting, never its value, and changes nothing; NOT_FOUND when the tenant does not exist. Admins and the operator.
 */
export const connectSalesforce = defineUseCase({
  name: 'crm.connect-salesforce',
  action: 'change_settings',
  permission: 'change_settings',
  input: connectSalesforceInput,
  invalidInput: 'Invalid Salesforce connection',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: ConnectSalesforceDeps; actor: Actor; input: z.infer<typeof connectSalesforceInput> }): Promise<SalesforceConnected> {
    const { tenantId } = actor;
    await requireTenant(deps.calls, tenantId);
    const spec: SalesforceConnectionSpec = {
      orgId: input.orgId,
      settings: {
        loginUrl: input.loginUrl.replace(/\/+$/, ''),
        consumerKey: input.consumerKey,
        username: input.username,
        ...(input.apiVersion ? { apiVersion: input.apiVersion } : {}),
        ...(input.instanceUrl ? { instanceUrl: input.instanceUrl.replace(/\/+$/, '') } : {}),
        ...(input.tagFields && input.tagFields.length > 0 ? { tagFields: input.tagFields } : {}),
      },
      privateKeyPem: input.privateKeyPem,
    };
    deps.salesforce.checkSalesforceConnection(spec);
    await deps.connections.save(
      {
        tenantId,
        crm: 'salesforce',
        accountId: input.orgId,
        sealedSecret: deps.keys.sealSecret(tenantId, SALESFORCE_PRIVATE_KEY_PURPOSE, input.privateKeyPem),
        settings: spec.settings,
      },
      deps.clock.now(),
    );
    return { orgId: input.orgId, username: input.username, tagFields: input.tagFields?.length ?? 0 };
  },
  audited: (output) => ({ reason: 'salesforce_connect', details: { orgId: output.orgId, tagFields: output.tagFields } }),
});
