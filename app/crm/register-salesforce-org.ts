import { z } from 'zod';
import { salesforceOrgKey } from '../../core/crm/salesforce-identity';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { requireTenant } from '../tenants/index';
import { SALESFORCE_ORG_ID, type SecretSealer } from './crm.ports';

/** Purpose under which an org's certificate is sealed on its provider account (it is public; sealing keeps one home for it). */
export const SALESFORCE_CERTIFICATE_PURPOSE = 'salesforce-certificate';

/** Reads an org's X.509 certificate (adapters/crm/salesforce readSalesforceCertificate); VALIDATION_FAILED when unusable. */
export interface SalesforceCertificateReader {
  readSalesforceCertificate(pem: string, now: Date): { readonly publicKeyPem: string; readonly sha256: string; readonly notAfter: string };
}

/** The ports of registerSalesforceOrg. */
export interface RegisterSalesforceOrgDeps {
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly accounts: Pick<ProviderAccountStore, 'find' | 'save'>;
  readonly keys: Pick<SecretSealer, 'sealSecret'>;
  readonly certificates: SalesforceCertificateReader;
  readonly clock: Clock;
}

/** An org whose users may open hub sessions (`callsight tenant add <id> --salesforce-org 00D... --cert-file F`). */
export const registerSalesforceOrgInput = z.object({
  orgId: z.string().regex(SALESFORCE_ORG_ID, 'must be a Salesforce org id (00D...)'),
  certificatePem: z.string().min(1).max(16_384),
  /** The org's login URL (My Domain), kept for the admin's reference. */
  loginUrl: z.url().optional(),
  /** The `aud` the org's assertions name (default: the hub's PUBLIC_URL). */
  audience: z.string().min(1).max(2048).optional(),
});
export type RegisterSalesforceOrgRequest = z.input<typeof registerSalesforceOrgInput>;

/** The org as registered. */
export interface SalesforceOrgRegistered {
  readonly orgId: string;
  readonly certificateSha256: string;
  readonly notAfter: string;
}

/** The settings of a registered org as stored on its provider account (`salesforce`, the 15-character org id). */
export const salesforceOrgSettingsSchema = z.object({
  orgId: z.string().regex(SALESFORCE_ORG_ID),
  publicKeyPem: z.string().min(1),
  certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  notAfter: z.string(),
  loginUrl: z.string().optional(),
  audience: z.string().optional(),
});
export type SalesforceOrgSettings = z.infer<typeof salesforceOrgSettingsSchema>;

/**
 * Registers a Salesforce org for the actor's tenant with the certificate its Apex signs session assertions with,
 * replacing the org's earlier certificate. CONFLICT when the org belongs to another tenant (an org is one tenant);
 * VALIDATION_FAILED for a certificate that is not an RSA X.509 of 2048 bits or more, or has expired; nothing is
 * written then. Admins and the operator.
 */
export const registerSalesforceOrg = defineUseCase({
  name: 'crm.register-salesforce-org',
  action: 'change_settings',
  permission: 'change_settings',
  input: registerSalesforceOrgInput,
  invalidInput: 'Invalid Salesforce org',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: RegisterSalesforceOrgDeps; actor: Actor; input: z.infer<typeof registerSalesforceOrgInput> }): Promise<SalesforceOrgRegistered> {
    const { tenantId } = actor;
    await requireTenant(deps.calls, tenantId);
    const now = deps.clock.now();
    const certificate = deps.certificates.readSalesforceCertificate(input.certificatePem, now);
    const key = salesforceOrgKey(input.orgId);
    const existing = await deps.accounts.find('salesforce', key);
    if (existing && existing.tenantId !== tenantId) {
      throw new CallsightError('CONFLICT', `Salesforce org ${key} is registered for another tenant; remove it there first`);
    }
    const settings: SalesforceOrgSettings = {
      orgId: input.orgId,
      publicKeyPem: certificate.publicKeyPem,
      certificateSha256: certificate.sha256,
      notAfter: certificate.notAfter,
      ...(input.loginUrl ? { loginUrl: input.loginUrl } : {}),
      ...(input.audience ? { audience: input.audience } : {}),
    };
    await deps.accounts.save(
      { provider: 'salesforce', accountId: key, tenantId, sealedSecret: deps.keys.sealSecret(tenantId, SALESFORCE_CERTIFICATE_PURPOSE, input.certificatePem), settings },
      now,
    );
    return { orgId: key, certificateSha256: certificate.sha256, notAfter: certificate.notAfter };
  },
  audited: (output) => ({ reason: 'salesforce_org', details: { orgId: output.orgId, certificateSha256: output.certificateSha256 } }),
});
