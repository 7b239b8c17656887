import { z } from 'zod';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import { CallsightError } from '../../core/shared/errors';
import type { SecretSealer } from '../analysis/index';

export type { SecretSealer };

/** Purpose under which a tenant's Salesforce JWT signing key is sealed (the adapter's SALESFORCE_PRIVATE_KEY_PURPOSE). */
export const SALESFORCE_PRIVATE_KEY_PURPOSE = 'salesforce-jwt-key';
/** A Salesforce org id: `00D` and 12 (15-character form) or 15 (18-character form) letters and digits. */
export const SALESFORCE_ORG_ID = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** A tenant's Salesforce connection with its key opened: plain settings as stored, for the adapter to parse. */
export interface SalesforceConnectionSpec {
  readonly orgId: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly privateKeyPem: string;
}

/**
 * Checks a Salesforce connection the way the adapter will use it (login URL, consumer key, username, PKCS#8 key,
 * API version, tag fields), throwing VALIDATION_FAILED naming the bad setting, never its value (adapters/crm/salesforce).
 */
export interface SalesforceConnectionChecker {
  checkSalesforceConnection(connection: SalesforceConnectionSpec): void;
}

/** The tenant's Salesforce connection with its key opened, for the adapter at delivery; null when the tenant has none. */
export async function openSalesforceConnection(
  ports: { readonly connections: Pick<CrmConnectionStore, 'get'>; readonly keys: Pick<SecretSealer, 'openSecret'> },
  tenantId: string,
): Promise<SalesforceConnectionSpec | null> {
  const row = await ports.connections.get(tenantId, 'salesforce');
  if (row === null) return null;
  return { orgId: row.accountId, settings: row.settings, privateKeyPem: ports.keys.openSecret(tenantId, SALESFORCE_PRIVATE_KEY_PURPOSE, row.sealedSecret) };
}

/** Purpose under which a tenant's Zendesk API token is sealed (the app's shared secret uses `zendesk`). */
export const ZENDESK_API_TOKEN_PURPOSE = 'zendesk-api-token';
/** Purpose under which a Zendesk app installation's shared secret is sealed (`callsight tenant add --zendesk`). */
export const ZENDESK_SHARED_SECRET_PURPOSE = 'zendesk';

/** A tenant's Zendesk API connection settings as stored (the API token is sealed apart). */
export const zendeskConnectionSettingsSchema = z
  .object({
    email: z.string().min(3).max(254),
    baseUrl: z.url().optional(),
    customObjectKey: z.string().min(1).max(64).optional(),
    notes: z.object({ enabled: z.boolean(), locale: z.enum(['en', 'zh-CN']).default('en') }).strict(),
    /**
     * Absolute URL checked with findAppLinkProblem; kept for older connections. Links on Zendesk records open the
     * app's nav bar location instead (crm.records.ts zendeskCallLink), never a hub page.
     */
    appLinkBase: z.url().optional(),
    /** The app's installation name, whose nav bar route opens a call (default `callsight`). */
    appName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/).optional(),
  })
  .strict();
export type ZendeskConnectionSettings = z.infer<typeof zendeskConnectionSettingsSchema>;

/** A tenant's Zendesk connection with its API token opened, as the Zendesk adapter takes it. */
export interface ZendeskConnectionSpec {
  readonly subdomain: string;
  readonly baseUrl?: string;
  readonly email: string;
  readonly apiToken: string;
  readonly customObjectKey?: string;
  readonly notes: { readonly enabled: boolean; readonly locale: 'en' | 'zh-CN' };
}

/**
 * Checks a connection the way the Zendesk adapter will use it (subdomain, https base URL, email, token), throwing
 * VALIDATION_FAILED naming the bad setting, never its value (adapters/crm/zendesk).
 */
export interface ZendeskConnectionChecker {
  checkZendeskConnection(connection: ZendeskConnectionSpec): void;
}

/** The connection spec of stored settings and an opened token. */
export function zendeskConnectionSpec(subdomain: string, settings: ZendeskConnectionSettings, apiToken: string): ZendeskConnectionSpec {
  return {
    subdomain,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    email: settings.email,
    apiToken,
    ...(settings.customObjectKey ? { customObjectKey: settings.customObjectKey } : {}),
    notes: { enabled: settings.notes.enabled, locale: settings.notes.locale },
  };
}

/**
 * The tenant's Zendesk connection with its token opened, for the adapter at delivery; null when the tenant has
 * none. A stored connection that no longer parses is VALIDATION_FAILED saying how to fix it (its messages then
 * dead-letter, visible for an operator to requeue).
 */
export async function openZendeskConnection(
  ports: { readonly connections: Pick<CrmConnectionStore, 'get'>; readonly keys: Pick<SecretSealer, 'openSecret'> },
  tenantId: string,
): Promise<ZendeskConnectionSpec | null> {
  const row = await ports.connections.get(tenantId, 'zendesk');
  if (row === null) return null;
  const settings = zendeskConnectionSettingsSchema.safeParse(row.settings);
  if (!settings.success) {
    throw new CallsightError('VALIDATION_FAILED', 'The stored Zendesk connection is invalid: run `callsight tenant zendesk-connect` again');
  }
  return zendeskConnectionSpec(row.accountId, settings.data, ports.keys.openSecret(tenantId, ZENDESK_API_TOKEN_PURPOSE, row.sealedSecret));
}

/** The link put on a CRM record for a call: the app link base with the call id appended. */
export function appLinkFor(base: string, callId: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(callId)}`;
}

/** NOT_FOUND for a Zendesk subdomain this hub has no installation of, saying how to add one. */
export function zendeskInstallationNotFound(subdomain: string): CallsightError {
  const shown = /^[a-z0-9-]{1,63}$/.test(subdomain) ? subdomain : '<subdomain>';
  return new CallsightError(
    'NOT_FOUND',
    `No Zendesk installation "${shown}": run \`callsight tenant add <id> --zendesk ${shown} --secret-file <file>\``,
  );
}

/**
 * The tenant a Zendesk app installation (subdomain, any case) belongs to, for commands that name the
 * installation rather than the tenant; NOT_FOUND when this hub has none.
 */
export async function findZendeskInstallationTenant(accounts: Pick<ProviderAccountStore, 'find'>, subdomain: string): Promise<string> {
  const account = await accounts.find('zendesk', subdomain.toLowerCase());
  if (!account) throw zendeskInstallationNotFound(subdomain.toLowerCase());
  return account.tenantId;
}
