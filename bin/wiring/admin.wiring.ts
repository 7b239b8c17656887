import { previewRetentionPolicy, DEFAULT_SWEEP_PAGE_SIZE, DEFAULT_THAW_DAYS } from '../../app/retention';
import { readAnalysisSettings, tryLexicon, type TranscriberSettings } from '../../app/analysis';
import { listConnections, testConnection, type ConnectionProbe, type ConnectionProbes } from '../../app/settings';
import { getZendeskRoles, openSalesforceConnection, openZendeskConnection, searchCrmUsers, updateZendeskRoles, type CrmUserDirectory } from '../../app/crm';
import { checkZendeskAuth, searchZendeskStaff } from '../../adapters/crm/zendesk/zendesk.users';
import type { ZendeskConnection } from '../../adapters/crm/zendesk';
import { resolveSalesforceConnection, salesforceConnectionSettingsSchema, toSalesforceConnection } from '../../adapters/crm/salesforce';
import { createTenantState, SalesforceClient } from '../../adapters/crm/salesforce/salesforce.client';
import { findExecutable, runProcess } from '../../adapters/asr/pocketsphinx/process.runner';
import { SqlSealedSecrets, postgresRunner, sqliteRunner } from '../../adapters/keys/sealed-secrets';
import type { SealedSecretStore } from '../../core/recordings/key-vault.port';
import { twilioAccountFinder } from './recordings.wiring';
import { checkScorecardRevision, previewSamplePlan } from '../../app/quality';
import { adminRoutes } from '../../adapters/http/routes/admin.routes';
import type { CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** One cheap request to an outside service gets this long before it counts as unreachable. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * A probe's HTTP request: the response, or `PROVIDER_UNREACHABLE` when there was none (DNS, refused, timeout).
 * Neither the URL's credentials nor the provider's body ever reach a log or the answer.
 */
async function probeRequest(url: string, headers: Record<string, string>): Promise<Response | 'PROVIDER_UNREACHABLE'> {
  try {
    return await fetch(url, { method: 'GET', headers: { Accept: 'application/json', ...headers }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch {
    return 'PROVIDER_UNREACHABLE';
  }
}

/** The stable code of a refused probe request by its HTTP status. */
function statusCode(status: number): string {
  if (status === 401 || status === 403) return 'PROVIDER_AUTH_FAILED';
  if (status === 429) return 'PROVIDER_RATE_LIMITED';
  return 'UPSTREAM_FAILED';
}

/** An account SID as the admin screen names it: `AC…1234`, enough to tell accounts apart, not to use one. */
function maskSid(sid: string): string {
  return `${sid.slice(0, 2)}…${sid.slice(-4)}`;
}

/** The Twilio account SIDs linked to a tenant (`callsight tenant add --twilio-account`), from the sealed-secret catalogue. */
async function twilioAccountSids(hub: Hub, tenantId: string): Promise<string[]> {
  const refs = (store: SealedSecretStore) => store.listSealed(tenantId).then((rows) => rows.map((row) => row.ref));
  let listed: string[];
  if (hub.storage.sqlite) {
    listed = await refs(new SqlSealedSecrets(sqliteRunner(hub.storage.sqlite)));
  } else {
    if (!hub.config.databaseUrl) return [];
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: hub.config.databaseUrl, max: 1 });
    pool.on('error', () => undefined);
    try {
      listed = await refs(new SqlSealedSecrets(postgresRunner(pool)));
    } finally {
      await pool.end();
    }
  }
  const prefix = 'provider_accounts/twilio/';
  return listed.filter((ref) => ref.startsWith(prefix)).map((ref) => ref.slice(prefix.length));
}

/**
 * Twilio: configured when the tenant has a linked account; tested by fetching each account's Account resource
 * with its SID and auth token (HTTP Basic), `GET /2010-04-01/Accounts/{AccountSid}.json`
 * (https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource). An account that answers but is not
 * `active` (suspended, closed) is an error: its recordings can no longer be fetched.
 */
function twilioProbe(hub: Hub): ConnectionProbe {
  const findAccount = twilioAccountFinder(hub);
  return {
    async configured(tenantId) {
      const sids = await twilioAccountSids(hub, tenantId);
      return sids.length === 0 ? { status: 'not_configured', code: null, target: null } : { status: 'ok', code: null, target: sids.map(maskSid).join(', ') };
    },
    async test(tenantId) {
      const sids = await twilioAccountSids(hub, tenantId);
      if (sids.length === 0) return { status: 'not_configured', code: null, target: null };
      const base = hub.config.twilioApiBaseUrl.replace(/\/+$/, '');
      for (const sid of sids) {
        const account = await findAccount(sid);
        if (account === null || account.tenantId !== tenantId) continue;
        const basic = Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64');
        const response = await probeRequest(`${base}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}.json`, { Authorization: `Basic ${basic}` });
        const failure =
          response === 'PROVIDER_UNREACHABLE'
            ? response
            : !response.ok
              ? response.status === 404
                ? 'TWILIO_ACCOUNT_NOT_FOUND'
                : statusCode(response.status)
              : await response.json().then(
                  (body: { status?: unknown }) => (body.status === 'active' ? null : body.status === 'suspended' ? 'TWILIO_ACCOUNT_SUSPENDED' : body.status === 'closed' ? 'TWILIO_ACCOUNT_CLOSED' : 'UPSTREAM_FAILED'),
                  () => 'UPSTREAM_FAILED',
                );
        if (failure !== null) return { status: 'error', code: failure, target: maskSid(sid) };
      }
      return { status: 'ok', code: null, target: sids.map(maskSid).join(', ') };
    },
  };
}

/**
 * The transcription provider, configured from the tenant's analysis settings. `pocketsphinx` runs on this machine:
 * tested by starting the recogniser binary the transcriber would use (present and loadable; it prints its usage).
 * An OpenAI-compatible endpoint is tested with the models list and the stored key, `GET {baseUrl}/v1/models`
 * (https://platform.openai.com/docs/api-reference/models/list), which costs nothing and needs the key.
 */
function transcriptionProbe(hub: Hub): ConnectionProbe {
  /** The tenant's transcriber with its key opened (sealed under `asr-api-key`, app/analysis), null when transcription is off. */
  const settingsOf = async (tenantId: string): Promise<TranscriberSettings | null> => {
    const saved = await readAnalysisSettings(hub.transcripts, tenantId);
    const transcriber = saved.settings.transcriber as TranscriberSettings | { kind: 'none' } | undefined;
    if (!transcriber || transcriber.kind === 'none') return null;
    const apiKey = saved.sealedApiKey ? hub.keys.openSecret(tenantId, 'asr-api-key', saved.sealedApiKey) : undefined;
    return { ...transcriber, ...(apiKey ? { apiKey } : {}) } as TranscriberSettings;
  };
  const target = (settings: TranscriberSettings) => (settings.kind === 'pocketsphinx' ? 'pocketsphinx' : new URL(settings.baseUrl).host);
  return {
    async configured(tenantId) {
      const settings = await settingsOf(tenantId);
      return settings === null ? { status: 'not_configured', code: null, target: null } : { status: 'ok', code: null, target: target(settings) };
    },
    async test(tenantId) {
      const settings = await settingsOf(tenantId);
      if (settings === null) return { status: 'not_configured', code: null, target: null };
      if (settings.kind === 'pocketsphinx') {
        const binary = findExecutable(['pocketsphinx_continuous', 'pocketsphinx']);
        if (binary === null) return { status: 'error', code: 'ASR_BINARY_MISSING', target: 'pocketsphinx' };
        // Started without audio it prints its usage and exits; 126/127 is the loader's "cannot execute" or a missing library.
        const ran = await runProcess(binary, [], { timeoutMs: PROBE_TIMEOUT_MS, maxOutputBytes: 1024 * 1024 }).catch(() => null);
        const runnable = ran !== null && ran.signal === null && ran.exitCode !== 126 && ran.exitCode !== 127;
        return runnable ? { status: 'ok', code: null, target: 'pocketsphinx' } : { status: 'error', code: 'ASR_BINARY_FAILED', target: 'pocketsphinx' };
      }
      const root = settings.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
      const response = await probeRequest(`${root}/v1/models`, settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {});
      if (response === 'PROVIDER_UNREACHABLE') return { status: 'error', code: response, target: target(settings) };
      return response.ok ? { status: 'ok', code: null, target: target(settings) } : { status: 'error', code: statusCode(response.status), target: target(settings) };
    },
  };
}

/**
 * Salesforce: configured when the tenant has a stored connection (its org id is the target); tested by opening a
 * session with the stored JWT bearer credentials and reading the org's limits, `GET /services/data/vXX.X/limits`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm): one API
 * request, no record read. Failures are the adapter's CRM codes (CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_RATE_LIMITED).
 */
function salesforceProbe(hub: Hub): ConnectionProbe {
  return {
    async configured(tenantId) {
      const row = await hub.storage.connections.get(tenantId, 'salesforce');
      return row === null ? { status: 'not_configured', code: null, target: null } : { status: 'ok', code: null, target: row.accountId };
    },
    async test(tenantId) {
      const spec = await openSalesforceConnection({ connections: hub.storage.connections, keys: hub.keys }, tenantId);
      if (spec === null) return { status: 'not_configured', code: null, target: null };
      const settings = salesforceConnectionSettingsSchema.safeParse(spec.settings);
      if (!settings.success) return { status: 'error', code: 'CONNECTION_INVALID', target: spec.orgId };
      try {
        const connection = resolveSalesforceConnection(toSalesforceConnection(settings.data, spec.privateKeyPem));
        await new SalesforceClient(connection, createTenantState(), hub.clock).request('connection test', { method: 'GET', path: '/limits' });
        return { status: 'ok', code: null, target: spec.orgId };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'VALIDATION_FAILED') return { status: 'error', code: 'CONNECTION_INVALID', target: spec.orgId };
        if (typeof code !== 'string' || !code.startsWith('CRM_')) throw error;
        return { status: 'error', code, target: spec.orgId };
      }
    },
  };
}

/** The tenant's stored Zendesk connection as the adapter takes it; null when it has none. */
async function zendeskConnectionOf(hub: Hub, tenantId: string): Promise<ZendeskConnection | null> {
  const spec = await openZendeskConnection({ connections: hub.storage.connections, keys: hub.keys }, tenantId);
  if (spec === null) return null;
  return { subdomain: spec.subdomain, ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}), auth: { kind: 'api_token', email: spec.email, apiToken: spec.apiToken } };
}

/** Zendesk: configured when the tenant has a stored connection; tested with Show Self through the adapter. */
function zendeskProbe(hub: Hub): ConnectionProbe {
  return {
    async configured(tenantId) {
      const connection = await zendeskConnectionOf(hub, tenantId);
      return connection === null ? { status: 'not_configured', code: null, target: null } : { status: 'ok', code: null, target: connection.subdomain };
    },
    async test(tenantId) {
      const connection = await zendeskConnectionOf(hub, tenantId);
      if (connection === null) return { status: 'not_configured', code: null, target: null };
      try {
        await checkZendeskAuth(connection, hub.clock);
        return { status: 'ok', code: null, target: connection.subdomain };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !code.startsWith('CRM_')) throw error;
        return { status: 'error', code, target: connection.subdomain };
      }
    },
  };
}

function connectionProbes(hub: Hub): ConnectionProbes {
  return { zendesk: zendeskProbe(hub), salesforce: salesforceProbe(hub), twilio: twilioProbe(hub), transcription: transcriptionProbe(hub) };
}

function crmUserDirectory(hub: Hub): CrmUserDirectory {
  return {
    async searchZendeskStaff(tenantId, text) {
      const connection = await zendeskConnectionOf(hub, tenantId);
      return connection === null ? null : searchZendeskStaff(connection, text, hub.clock);
    },
  };
}

/** The admin setup screen's back end: retention preview, lexicon trial, connection status and tests, the CRM user search. */
export const adminCapability: CapabilityFactory = (hub) => {
  const audit = { audit: (entry: Parameters<Hub['audit']>[0]) => hub.audit(entry) };
  const probes = connectionProbes(hub);
  const useCases = {
    previewRetentionPolicy: previewRetentionPolicy.bind({
      store: hub.storage.retention,
      calls: hub.calls,
      clock: hub.clock,
      settings: { thawDays: DEFAULT_THAW_DAYS, pageSize: DEFAULT_SWEEP_PAGE_SIZE },
      ...audit,
    }),
    tryLexicon: tryLexicon.bind({ transcripts: hub.transcripts, calls: hub.calls, ...audit }),
    listConnections: listConnections.bind({ probes, clock: hub.clock, ...audit }),
    testConnection: testConnection.bind({ probes, clock: hub.clock, ...audit }),
    searchCrmUsers: searchCrmUsers.bind({ directory: crmUserDirectory(hub), ...audit }),
    getZendeskRoles: getZendeskRoles.bind({ accounts: hub.accounts, ...audit }),
    updateZendeskRoles: updateZendeskRoles.bind({ accounts: hub.accounts, clock: hub.clock, ...audit }),
    previewSamplePlan: previewSamplePlan.bind({ calls: hub.calls, transcripts: hub.transcripts, store: hub.storage.quality, ...audit }),
    checkScorecardRevision: checkScorecardRevision.bind({ store: hub.storage.quality, clock: hub.clock, ...audit }),
  };
  return { name: 'admin', plugins: [adminRoutes(useCases)] };
};
