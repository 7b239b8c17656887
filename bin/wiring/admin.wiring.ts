import { previewRetentionPolicy, DEFAULT_SWEEP_PAGE_SIZE, DEFAULT_THAW_DAYS } from '../../app/retention';
import { tryLexicon } from '../../app/analysis';
import { listConnections, testConnection, type ConnectionProbe, type ConnectionProbes } from '../../app/settings';
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

function connectionProbes(hub: Hub): ConnectionProbes {
  return { zendesk: unwiredProbe, salesforce: unwiredProbe, twilio: unwiredProbe, transcription: transcriptionProbe(hub) };
}

/** The admin setup screen's back end: retention preview, lexicon trial, connection status and tests. */
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
  };
  return { name: 'admin', plugins: [adminRoutes(useCases)] };
};
