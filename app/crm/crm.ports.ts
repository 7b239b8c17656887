import { z } from 'zod';
import type { Call } from '../../core/recordings/call';
import type { CallRepository, NewOutboxMessage } from '../../core/recordings/call-repository.port';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import type { CrmCallRecord } from '../../core/crm/crm-adapter.port';
import { RECORD_CALL_KIND, type RecordCallPayload } from '../../core/crm/record-call.payload';
import type { IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { DAY_MS } from '../../core/shared/time';
import type { SecretSealer } from '../analysis/index';

export type { SecretSealer };

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
    /** Absolute URL; the call id is appended. Opens the app, never audio (checked with findAppLinkProblem). */
    appLinkBase: z.url(),
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

/** The `crm.record_call` payload for a newly stored call, or null when it is not synced (misdials, IVR-only). */
export function buildRecordCallPayload(call: Call, agentName: string | null, appLinkBase: string): RecordCallPayload | null {
  if (call.status !== 'stored') return null;
  const record: CrmCallRecord = {
    hubCallId: call.id,
    startedAt: call.startedAt,
    durationS: Math.min(DAY_MS / 1000, Math.max(0, call.durationS)),
    direction: call.direction,
    agentName: agentName === null ? null : agentName.slice(0, 128),
    inquiryType: call.inquiryType === null ? null : call.inquiryType.slice(0, 128),
    flags: [],
    risk: 0,
    appLink: appLinkFor(appLinkBase, call.id),
    customerPhone: call.customerPhone,
  };
  return { crm: 'zendesk', call: record };
}

/** The ports recordCallMessagesFor reads. */
export interface RecordCallFollowUpPorts {
  readonly connections: Pick<CrmConnectionStore, 'get'>;
  readonly calls: Pick<CallRepository, 'getAgent'>;
  readonly ids: IdGenerator;
  /** The app link base for a connection whose stored settings no longer parse (the hub's public URL). */
  readonly fallbackAppLinkBase: string;
}

/**
 * The outbox messages for a newly stored call, written in the call's own transaction: one `crm.record_call` when
 * the tenant has a Zendesk connection and the call is synced, none otherwise. A damaged connection never blocks
 * the call's ingest: its message dead-letters at delivery instead, visible for an operator to requeue.
 */
export async function recordCallMessagesFor(ports: RecordCallFollowUpPorts, call: Call): Promise<NewOutboxMessage[]> {
  const connection = await ports.connections.get(call.tenantId, 'zendesk');
  if (connection === null) return [];
  const settings = zendeskConnectionSettingsSchema.safeParse(connection.settings);
  const appLinkBase = settings.success ? settings.data.appLinkBase : ports.fallbackAppLinkBase;
  const name = call.agentId === null ? null : ((await ports.calls.getAgent(call.tenantId, call.agentId))?.name ?? null);
  const payload = buildRecordCallPayload(call, name, appLinkBase);
  if (payload === null) return [];
  return [{ id: ports.ids.newId('obx'), tenantId: call.tenantId, kind: RECORD_CALL_KIND, payload }];
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
