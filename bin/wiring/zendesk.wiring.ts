import { randomInt } from 'node:crypto';
import {
  attachCrmFollowUps,
  backfillSalesforce,
  createCrmUseCases,
  createSalesforceAssertionLedger,
  SALESFORCE_ASSERTION_SPENT_JOB,
  salesforceOrgSettingsSchema,
  CRM_DRAIN_INTERVAL_MS,
  crmBackoff,
  drainCrmOutbox,
  keepCustomerTags,
  openSalesforceConnection,
  openZendeskConnection,
  queueCrmUpdate,
  recordCallMessagesFor,
  refreshCallRecords,
  ZENDESK_SHARED_SECRET_PURPOSE,
  type BackfillProgress,
  type CrmFollowUpPorts,
  type CrmUseCasePorts,
  type CrmUseCases,
  type SalesforceBackfilled,
  type BackfillSalesforceRequest,
  type SalesforceConnectionSpec,
  type ZendeskConnectionSpec,
} from '../../app/crm/index';
import { transcriptionJobsFor } from '../../app/analysis/index';
import { createZendeskCrmAdapter, resolveZendeskConnection, type ZendeskConnection } from '../../adapters/crm/zendesk';
import {
  createSalesforceCrmAdapter,
  peekSalesforceIssuer,
  readSalesforceCertificate,
  resolveSalesforceConnection,
  verifySalesforceAssertion,
  salesforceConnectionSettingsSchema,
  toSalesforceConnection,
  type BulkOptions,
  type SalesforceConnection,
} from '../../adapters/crm/salesforce';
import { CallsightError } from '../../core/shared/errors';
import { analysisPorts } from './analysis.wiring';
import { zendeskSessionRoutes, DEFAULT_ZENDESK_ORIGINS } from '../../adapters/http/routes/zendesk-session.routes';
import { salesforceSessionRoutes } from '../../adapters/http/routes/salesforce-session.routes';
import { salesforceOrgKey } from '../../core/crm/salesforce-identity';
import type { BackoffPolicy, DrainReport } from '../../core/crm/crm-sync';
import type { Clock } from '../../core/shared/clock.port';
import type { Actor } from '../../app/shared/actor';
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

/** The Salesforce adapter's view of a stored connection; VALIDATION_FAILED when the stored settings no longer parse. */
function toAdapterSalesforceConnection(spec: SalesforceConnectionSpec): SalesforceConnection {
  const settings = salesforceConnectionSettingsSchema.safeParse(spec.settings);
  if (!settings.success) {
    const where = settings.error.issues.map((issue) => issue.path.join('.') || 'connection').join(', ');
    throw new CallsightError('VALIDATION_FAILED', `invalid Salesforce connection: ${where} is not valid; run \`callsight salesforce connect\` again`);
  }
  return toSalesforceConnection(settings.data, spec.privateKeyPem);
}

/** The CRM ports of a hub: its stores, keys, token service and the adapters' connection checks. */
export function crmPorts(hub: Hub): CrmUseCasePorts {
  return {
    calls: hub.calls,
    accounts: hub.accounts,
    connections: hub.storage.connections,
    keys: hub.keys,
    tokens: hub.tokens,
    clock: hub.clock,
    zendesk: { checkZendeskConnection: (spec) => void resolveZendeskConnection(toZendeskConnection(spec)) },
    salesforce: { checkSalesforceConnection: (spec) => void resolveSalesforceConnection(toAdapterSalesforceConnection(spec)) },
    certificates: { readSalesforceCertificate },
    assertions: createSalesforceAssertionLedger(hub.jobQueue, hub.ids),
  };
}

/** The audience Salesforce assertions must name by default: SALESFORCE_JWT_AUDIENCE, else the hub's PUBLIC_URL origin. */
export function salesforceAudience(hub: Hub): string {
  const configured = process.env.SALESFORCE_JWT_AUDIENCE?.trim();
  if (configured) return configured;
  return hub.config.publicUrl ? new URL(hub.config.publicUrl).origin : 'urn:callsight:hub';
}

/** What building and queueing a call's CRM records reads and writes on a hub (app/crm crm.records.ts). */
export function crmFollowUpPorts(hub: Hub): CrmFollowUpPorts {
  const analysis = analysisPorts(hub);
  return {
    calls: hub.calls,
    transcripts: hub.transcripts,
    quality: hub.storage.quality,
    connections: hub.storage.connections,
    transcriptionExpected: async (call) => (await transcriptionJobsFor(analysis, call)).length > 0,
    outbox: hub.storage.outbox,
    ids: hub.ids,
    clock: hub.clock,
    reviewerName: async () => null,
  };
}

/** The CRM use-cases bound to a hub's ports (also for the CLI and tests). */
export function crmUseCasesOf(hub: Hub): CrmUseCases {
  return createCrmUseCases({ ...crmPorts(hub), audit: (entry) => hub.audit(entry) });
}

/** The Salesforce adapter of a hub, reading the tenant's stored connection. */
function salesforceAdapterOf(hub: Hub, clock: Clock) {
  return createSalesforceCrmAdapter({
    clock,
    resolveConnection: async (tenantId) => {
      const spec = await openSalesforceConnection({ connections: hub.storage.connections, keys: hub.keys }, tenantId);
      return spec === null ? null : toAdapterSalesforceConnection(spec);
    },
  });
}

/**
 * The Bulk API 2.0 backfill (app/crm backfillSalesforce) bound to a hub: its stores, the Salesforce adapter's
 * `backfillCalls`, and `onProgress` told after each Bulk job. `bulk` tunes the adapter's polling (tests, benchmarks).
 */
export function salesforceBackfillOf(
  hub: Hub,
  options: { readonly onProgress?: BackfillProgress; readonly chunkSize?: number; readonly bulk?: BulkOptions } = {},
): (actor: Actor, input: BackfillSalesforceRequest) => Promise<SalesforceBackfilled> {
  const adapter = salesforceAdapterOf(hub, hub.clock);
  const { calls: _calls, outbox: _outbox, ids: _ids, clock: _clock, reviewerName: _reviewer, ...sources } = crmFollowUpPorts(hub);
  return backfillSalesforce.bind({
    calls: hub.calls,
    sources,
    salesforce: { backfillCalls: (tenantId, records) => adapter.backfillCalls(tenantId, records, options.bulk) },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    audit: (entry) => hub.audit(entry),
  });
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
  const salesforce = salesforceAdapterOf(hub, clock);
  const sources = crmFollowUpPorts(hub);
  const backoff = options.backoff ?? crmBackoff({ next: () => randomInt(0, 2 ** 32) / 2 ** 32 });
  let running: Promise<DrainReport> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const drainOnce = () => {
    running ??= drainCrmOutbox({
      outbox,
      adapters: { zendesk, salesforce },
      clock,
      backoff,
      log,
      refreshCalls: (tenantId, crm, calls) => refreshCallRecords(sources, tenantId, crm, calls),
      onDelivered: async (delivery) => {
        // The delivery itself is recorded already; a failure to keep its tags is reported and retried by the call's
        // next delivery, without holding up the other lanes of the pass.
        await keepCustomerTags(hub.calls, delivery).catch((error: unknown) => {
          log(`crm sync: customer tags of a ${delivery.crm} delivery not kept (${(error as { code?: string }).code ?? 'INTERNAL'})`);
        });
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

/**
 * Zendesk and Salesforce (app/crm): the session exchange for the Zendesk app (`POST /api/v1/session/zendesk`) with
 * CORS for the app's iframe origins on /api/v1, and the CRM sync: each stored call of a tenant with a Zendesk or
 * Salesforce connection is queued (`crm.record_call`) in the call's transaction, queued again when its analysis,
 * score or recording changes (the follow-up attached to the hub's stores, app/crm notifyCrmFollowUp), and delivered
 * by a periodic drain with the call's state at delivery (Salesforce in batches).
 *
 * CORS origins: `CORS_ALLOWED_ORIGINS` (comma-separated, `https://*.suffix` allowed) replaces the default
 * Zendesk app origin `https://*.apps.zdusercontent.com`.
 */
export const zendeskCapability: CapabilityFactory = (hub: Hub): Capability => {
  const sync = createCrmSync(hub);
  const crm = crmUseCasesOf(hub);
  const configuredOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  const followUpPorts = crmFollowUpPorts(hub);

  hub.onCallStored(async (call) => ({ outbox: await recordCallMessagesFor(followUpPorts, call) }));
  attachCrmFollowUps([hub.calls, hub.transcripts, hub.storage.quality, hub.storage.retention], {
    callChanged: async (tenantId, callId, reason) => {
      await queueCrmUpdate(followUpPorts, tenantId, callId, reason);
    },
  });

  hub.jobs.register(SALESFORCE_ASSERTION_SPENT_JOB, async () => undefined);
  const audience = salesforceAudience(hub);

  return {
    name: 'zendesk',
    plugins: [
      salesforceSessionRoutes({
        clock: hub.clock,
        peekIssuer: peekSalesforceIssuer,
        verify: verifySalesforceAssertion,
        exchange: crm.exchangeSalesforceSession,
        async findOrg(orgId) {
          const account = await hub.accounts.find('salesforce', salesforceOrgKey(orgId));
          const settings = account === null ? null : salesforceOrgSettingsSchema.safeParse(account.settings);
          if (account === null || settings === null || !settings.success) return null;
          return { tenantId: account.tenantId, orgId: settings.data.orgId, publicKeyPem: settings.data.publicKeyPem, audience: settings.data.audience ?? audience };
        },
      }),
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
