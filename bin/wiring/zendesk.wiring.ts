import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { createZendeskCrmAdapter, resolveZendeskConnection, type ZendeskConnection } from '../../adapters/crm/zendesk';
import { zendeskSessionRoutes, DEFAULT_ZENDESK_ORIGINS } from '../../adapters/http/routes/zendesk-session.routes';
import type { HubStorage } from '../storage';
import type { CrmCallRecord } from '../../core/crm/crm-adapter.port';
import { createExponentialBackoff, drainOutbox, type BackoffPolicy, type DrainReport } from '../../core/crm/crm-sync';
import type { Clock } from '../../core/shared/clock.port';
import { findAppLinkProblem, RECORD_CALL_KIND, type RecordCallPayload } from '../../core/crm/record-call.payload';
import { parseZendeskIdentitySettings, type ZendeskIdentitySettings } from '../../core/crm/zendesk-identity';
import type { Call } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** Lifetime of a hub session opened from Zendesk; the widget asks for a new one after a 401. */
export const ZENDESK_SESSION_TTL_S = 600;
/** How often the outbox is drained while the hub serves with workers. */
export const CRM_DRAIN_INTERVAL_MS = 5_000;
/** Purpose under which the Zendesk API token is sealed with the tenant key (the app shared secret uses `zendesk`). */
const API_TOKEN_PURPOSE = 'zendesk-api-token';

const connectionSettingsSchema = z
  .object({
    email: z.string().min(3).max(254),
    baseUrl: z.url().optional(),
    customObjectKey: z.string().min(1).max(64).optional(),
    notes: z.object({ enabled: z.boolean(), locale: z.enum(['en', 'zh-CN']).default('en') }).strict(),
    /** Absolute URL; the call id is appended. Opens the app, never audio (checked with findAppLinkProblem). */
    appLinkBase: z.url(),
  })
  .strict();

export type ZendeskConnectionSettings = z.infer<typeof connectionSettingsSchema>;

export interface ZendeskConnectInput {
  readonly tenantId: string;
  readonly subdomain: string;
  readonly email: string;
  readonly apiToken: string;
  readonly baseUrl?: string;
  readonly customObjectKey?: string;
  readonly notes: { readonly enabled: boolean; readonly locale?: 'en' | 'zh-CN' };
  readonly appLinkBase: string;
}

/**
 * Validates and stores a tenant's Zendesk API connection (the API token sealed with the tenant key). From the
 * next stored call on, each call of that tenant is queued for Zendesk in the call's own transaction.
 * Throws VALIDATION_FAILED naming the bad setting, never its value.
 */
export async function saveZendeskConnection(hub: Hub, input: ZendeskConnectInput): Promise<void> {
  if (!(await hub.calls.getTenant(input.tenantId))) throw new CallsightError('NOT_FOUND', `No tenant "${input.tenantId}": run \`callsight tenant add\` first`);
  const subdomain = input.subdomain.toLowerCase();
  const settings = connectionSettingsSchema.parse({
    email: input.email,
    ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
    ...(input.customObjectKey ? { customObjectKey: input.customObjectKey } : {}),
    notes: { enabled: input.notes.enabled, locale: input.notes.locale ?? 'en' },
    appLinkBase: input.appLinkBase,
  });
  const problem = findAppLinkProblem(appLinkFor(settings.appLinkBase, 'c_example'));
  if (problem !== null) throw new CallsightError('VALIDATION_FAILED', `app link base ${problem}`);
  resolveZendeskConnection(toConnection(subdomain, settings, input.apiToken));
  await hub.storage.connections.save(
    { tenantId: input.tenantId, crm: 'zendesk', accountId: subdomain, sealedSecret: hub.keys.sealSecret(input.tenantId, API_TOKEN_PURPOSE, input.apiToken), settings },
    hub.clock.now(),
  );
}

/** Reads and checks the role mapping of a Zendesk installation (provider account), for the CLI. */
export async function readZendeskIdentity(hub: Hub, subdomain: string): Promise<{ tenantId: string; identity: ZendeskIdentitySettings }> {
  const account = await hub.accounts.find('zendesk', subdomain.toLowerCase());
  if (!account) throw new CallsightError('NOT_FOUND', `No Zendesk installation "${subdomain}": run \`callsight tenant add <id> --zendesk ${subdomain} --secret-file <file>\``);
  return { tenantId: account.tenantId, identity: parseZendeskIdentitySettings(account.settings) };
}

/** Validates and stores the role mapping of a Zendesk installation, keeping its shared secret and other settings. */
export async function saveZendeskIdentity(hub: Hub, subdomain: string, identity: unknown): Promise<ZendeskIdentitySettings> {
  const account = await hub.accounts.find('zendesk', subdomain.toLowerCase());
  if (!account) throw new CallsightError('NOT_FOUND', `No Zendesk installation "${subdomain}"`);
  const parsed = parseZendeskIdentitySettings(identity);
  await hub.accounts.save({ ...account, settings: { ...account.settings, roles: parsed.roles, users: parsed.users } }, hub.clock.now());
  return parsed;
}

function appLinkFor(base: string, callId: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(callId)}`;
}

function toConnection(subdomain: string, settings: ZendeskConnectionSettings, apiToken: string): ZendeskConnection {
  return {
    subdomain,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    auth: { kind: 'api_token', email: settings.email, apiToken },
    ...(settings.customObjectKey ? { customObjectKey: settings.customObjectKey } : {}),
    ticketNotes: { enabled: settings.notes.enabled, locale: settings.notes.locale },
  };
}

export interface CrmSync {
  readonly outbox: HubStorage['outbox'];
  /** One drain pass over due messages; concurrent calls share the pass under way. */
  drainOnce(): Promise<DrainReport>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/**
 * The outbox drain for the hub's database with the Zendesk adapter: 10 failed deliveries at most, backoff
 * from 30 s doubling to 1 h with jitter, rate limits honoured per tenant. Registers nothing on the hub, so
 * tests may create one (with their own clock and backoff) to drive a drain by hand.
 */
export function createCrmSync(
  hub: Hub,
  options: { readonly clock?: Clock; readonly backoff?: BackoffPolicy; readonly log?: (line: string) => void } = {},
): CrmSync {
  const clock = options.clock ?? hub.clock;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outbox = hub.storage.outbox;
  const connections = hub.storage.connections;
  const zendesk = createZendeskCrmAdapter({
    clock,
    resolveConnection: async (tenantId) => {
      const row = await connections.get(tenantId, 'zendesk');
      if (row === null) return null;
      const settings = connectionSettingsSchema.safeParse(row.settings);
      if (!settings.success) {
        throw new CallsightError('VALIDATION_FAILED', 'The stored Zendesk connection is invalid: run `callsight tenant zendesk-connect` again');
      }
      return toConnection(row.accountId, settings.data, hub.keys.openSecret(tenantId, API_TOKEN_PURPOSE, row.sealedSecret));
    },
  });
  const backoff = options.backoff ?? createExponentialBackoff({ baseMs: 30_000, maxMs: 3_600_000, random: { next: () => randomInt(0, 2 ** 32) / 2 ** 32 } });
  let running: Promise<DrainReport> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const drainOnce = () => {
    running ??= drainOutbox({
      store: outbox,
      adapters: { zendesk },
      clock,
      maxAttempts: 10,
      backoff,
      onFailure: ({ messageId, decision, code }) => {
        // Codes only: adapter errors may describe the request, and payloads hold phone numbers.
        log(`crm sync: message ${messageId} ${decision} (${code})`);
      },
    }).finally(() => {
      running = null;
    });
    return running;
  };

  return {
    outbox,
    drainOnce,
    start(intervalMs = CRM_DRAIN_INTERVAL_MS) {
      if (timer !== null) return;
      timer = setInterval(() => {
        drainOnce().catch((error: unknown) => log(`crm sync: drain failed (${(error as { code?: string }).code ?? 'INTERNAL'})`));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

/** The `crm.record_call` message for a newly stored call, or null when it is not synced (misdials, IVR-only). */
export function buildRecordCallPayload(call: Call, agentName: string | null, appLinkBase: string): RecordCallPayload | null {
  if (call.status !== 'stored') return null;
  const record: CrmCallRecord = {
    hubCallId: call.id,
    startedAt: call.startedAt,
    durationS: Math.min(86_400, Math.max(0, call.durationS)),
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

/**
 * Zendesk (issue 8): the session exchange for the Zendesk app (`POST /api/v1/session/zendesk`) with CORS for
 * the app's iframe origins on /api/v1, and the CRM sync: each stored call of a tenant with a Zendesk
 * connection is queued (`crm.record_call`) in the call's transaction and delivered by a periodic drain.
 *
 * CORS origins: `CORS_ALLOWED_ORIGINS` (comma-separated, `https://*.suffix` allowed) replaces the default
 * Zendesk app origin `https://*.apps.zdusercontent.com`.
 */
export const zendeskCapability: CapabilityFactory = (hub: Hub): Capability => {
  const sync = createCrmSync(hub);
  const connections = hub.storage.connections;
  const configuredOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  const allowedOrigins = configuredOrigins.length > 0 ? configuredOrigins : DEFAULT_ZENDESK_ORIGINS;

  hub.onCallStored(async (call) => {
    const connection = await connections.get(call.tenantId, 'zendesk');
    if (connection === null) return {};
    const settings = connectionSettingsSchema.safeParse(connection.settings);
    // A connection stored by saveZendeskConnection always parses; a damaged one must not block the call's ingest
    // (its messages dead-letter at delivery, visible for an operator to requeue once the connection is fixed).
    const appLinkBase = settings.success ? settings.data.appLinkBase : (hub.config.publicUrl ?? 'http://localhost');
    const name = call.agentId === null ? null : ((await hub.calls.getAgent(call.tenantId, call.agentId))?.name ?? null);
    const payload = buildRecordCallPayload(call, name, appLinkBase);
    if (payload === null) return {};
    return { outbox: [{ id: hub.ids.newId('obx'), tenantId: call.tenantId, kind: RECORD_CALL_KIND, payload }] };
  });

  return {
    name: 'zendesk',
    plugins: [
      zendeskSessionRoutes({
        clock: hub.clock,
        sessionTtlS: ZENDESK_SESSION_TTL_S,
        allowedOrigins,
        issueToken: (input) => hub.tokens.issue(input),
        async findInstallation(subdomain) {
          const account = await hub.accounts.find('zendesk', subdomain);
          if (!account) return null;
          return {
            tenantId: account.tenantId,
            sharedSecret: hub.keys.openSecret(account.tenantId, 'zendesk', account.sealedSecret),
            settings: account.settings,
          };
        },
      }),
    ],
    start: () => sync.start(),
    stop: () => sync.stop(),
  };
};
