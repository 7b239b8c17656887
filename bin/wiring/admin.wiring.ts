import { previewRetentionPolicy, DEFAULT_SWEEP_PAGE_SIZE, DEFAULT_THAW_DAYS } from '../../app/retention';
import { tryLexicon } from '../../app/analysis';
import { listConnections, testConnection, type ConnectionProbe, type ConnectionProbes } from '../../app/settings';
import { getZendeskRoles, openZendeskConnection, searchCrmUsers, updateZendeskRoles, type CrmUserDirectory } from '../../app/crm';
import { checkZendeskAuth, searchZendeskStaff } from '../../adapters/crm/zendesk/zendesk.users';
import type { ZendeskConnection } from '../../adapters/crm/zendesk';
import { checkScorecardRevision, previewSamplePlan } from '../../app/quality';
import { adminRoutes } from '../../adapters/http/routes/admin.routes';
import type { CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** A probe for a service whose authenticated check is not wired on this hub yet: says so with a stable code. */
const unwiredProbe: ConnectionProbe = {
  configured: async () => ({ status: 'error', code: 'PROBE_NOT_WIRED', target: null }),
  test: async () => ({ status: 'error', code: 'PROBE_NOT_WIRED', target: null }),
};

/** The transcription provider: configured from the tenant's analysis settings; `pocketsphinx` runs on this machine. */
function transcriptionProbe(hub: Hub): ConnectionProbe {
  const read = async (tenantId: string) => {
    const row = await hub.transcripts.getSettings(tenantId);
    const transcriber = (row?.settings as { transcriber?: { kind?: string; baseUrl?: string } } | undefined)?.transcriber;
    if (!transcriber || transcriber.kind === undefined || transcriber.kind === 'none') return { status: 'not_configured', code: null, target: null } as const;
    if (transcriber.kind === 'pocketsphinx') return { status: 'ok', code: null, target: 'pocketsphinx' } as const;
    const host = transcriber.baseUrl ? new URL(transcriber.baseUrl).host : null;
    return { status: 'error', code: 'PROBE_NOT_WIRED', target: host } as const;
  };
  return { configured: read, test: read };
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
  return { zendesk: zendeskProbe(hub), salesforce: unwiredProbe, twilio: unwiredProbe, transcription: transcriptionProbe(hub) };
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
