import { randomInt } from 'node:crypto';
import {
  createCrmUseCases,
  CRM_DRAIN_INTERVAL_MS,
  crmBackoff,
  drainCrmOutbox,
  openZendeskConnection,
  recordCallMessagesFor,
  ZENDESK_SHARED_SECRET_PURPOSE,
  type CrmUseCasePorts,
  type CrmUseCases,
  type ZendeskConnectionSpec,
} from '../../app/crm/index';
import { createZendeskCrmAdapter, resolveZendeskConnection, type ZendeskConnection } from '../../adapters/crm/zendesk';
import { zendeskSessionRoutes, DEFAULT_ZENDESK_ORIGINS } from '../../adapters/http/routes/zendesk-session.routes';
import type { BackoffPolicy, DrainReport } from '../../core/crm/crm-sync';
import type { Clock } from '../../core/shared/clock.port';
import type { HubStorage } from '../storage';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

export { CRM_DRAIN_INTERVAL_MS };

/** The Zendesk adapter's view of a connection spec from app/crm. */
function toZendeskConnection(spec: ZendeskConnectionSpec): ZendeskConnection {
  return {
    subdomain: spec.subdomain,
    ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
    auth: { kind: 'api_token', email: spec.email, apiToken: spec.apiToken },
    ...(spec.customObjectKey ? { customObjectKey: spec.customObjectKey } : {}),
    ticketNotes: { enabled: spec.notes.enabled, locale: spec.notes.locale },
  };
}

/** The CRM ports of a hub: its stores, keys, token service and the Zendesk adapter's connection check. */
export function crmPorts(hub: Hub): CrmUseCasePorts {
  return {
    calls: hub.calls,
    accounts: hub.accounts,
    connections: hub.storage.connections,
    keys: hub.keys,
    tokens: hub.tokens,
    clock: hub.clock,
    zendesk: { checkZendeskConnection: (spec) => void resolveZendeskConnection(toZendeskConnection(spec)) },
  };
}

/** The CRM use-cases bound to a hub's ports (also for the CLI and tests). */
export function crmUseCasesOf(hub: Hub): CrmUseCases {
  return createCrmUseCases({ ...crmPorts(hub), audit: (entry) => hub.audit(entry) });
}

export interface CrmSync {
  readonly outbox: HubStorage['outbox'];
  /** One drain pass over due messages; concurrent calls share the pass under way. */
  drainOnce(): Promise<DrainReport>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/**
 * The outbox drain (app/crm drainCrmOutbox) on the hub's database with the Zendesk adapter, on a timer.
 * Registers nothing on the hub, so tests may create one (with their own clock and backoff) to drive a drain by hand.
 */
export function createCrmSync(
  hub: Hub,
  options: { readonly clock?: Clock; readonly backoff?: BackoffPolicy; readonly log?: (line: string) => void } = {},
): CrmSync {
  const clock = options.clock ?? hub.clock;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outbox = hub.storage.outbox;
  const zendesk = createZendeskCrmAdapter({
    clock,
    resolveConnection: async (tenantId) => {
      const spec = await openZendeskConnection({ connections: hub.storage.connections, keys: hub.keys }, tenantId);
      return spec === null ? null : toZendeskConnection(spec);
    },
  });
  const backoff = options.backoff ?? crmBackoff({ next: () => randomInt(0, 2 ** 32) / 2 ** 32 });
  let running: Promise<DrainReport> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const drainOnce = () => {
    running ??= drainCrmOutbox({ outbox, adapters: { zendesk }, clock, backoff, log }).finally(() => {
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

/**
 * Zendesk (app/crm): the session exchange for the Zendesk app (`POST /api/v1/session/zendesk`) with CORS for
 * the app's iframe origins on /api/v1, and the CRM sync: each stored call of a tenant with a Zendesk
 * connection is queued (`crm.record_call`) in the call's transaction and delivered by a periodic drain.
 *
 * CORS origins: `CORS_ALLOWED_ORIGINS` (comma-separated, `https://*.suffix` allowed) replaces the default
 * Zendesk app origin `https://*.apps.zdusercontent.com`.
 */
export const zendeskCapability: CapabilityFactory = (hub: Hub): Capability => {
  const sync = createCrmSync(hub);
  const crm = crmUseCasesOf(hub);
  const configuredOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  const followUpPorts = {
    connections: hub.storage.connections,
    calls: hub.calls,
    ids: hub.ids,
    fallbackAppLinkBase: hub.config.publicUrl ?? 'http://localhost',
  };

  hub.onCallStored(async (call) => ({ outbox: await recordCallMessagesFor(followUpPorts, call) }));

  return {
    name: 'zendesk',
    plugins: [
      zendeskSessionRoutes({
        clock: hub.clock,
        allowedOrigins: configuredOrigins.length > 0 ? configuredOrigins : DEFAULT_ZENDESK_ORIGINS,
        exchange: crm.exchangeZendeskSession,
        async findInstallation(subdomain) {
          const account = await hub.accounts.find('zendesk', subdomain);
          if (!account) return null;
          return { tenantId: account.tenantId, sharedSecret: hub.keys.openSecret(account.tenantId, ZENDESK_SHARED_SECRET_PURPOSE, account.sealedSecret) };
        },
      }),
    ],
    start: () => sync.start(),
    stop: () => sync.stop(),
  };
};
