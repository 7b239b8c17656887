import { fileURLToPath } from 'node:url';
import { demoRoutes } from '../../adapters/http/routes/demo.routes';
import { zendeskAppRoutes } from '../../adapters/http/routes/zendesk-app.routes';
import { systemActor } from '../../app/calls';
import { createZendeskTokenLedger, readZendeskAppRegistration, ZENDESK_TOKEN_SPENT_JOB } from '../../app/crm/zendesk-app.ports';
import type { HttpPlugin } from '../../adapters/http/http.deps';
import type { Capability, CapabilityFactory } from '../capabilities';
import { hubCallsUseCases, type Hub } from '../hub';
import { DEMO_TENANT, demoCustomers } from '../seed/demo-data';
import { crmUseCasesOf } from './zendesk.wiring';

/** Where `npm run build:widgets` writes the widget pages (widgets/vite.config.ts). */
export const WIDGETS_DIR = fileURLToPath(new URL('../../dist/widgets', import.meta.url));
/** Demo tokens live a quarter of an hour; the widget asks again after a 401. */
export const DEMO_TOKEN_TTL_S = 900;
/** The team the demo QA reviewer reviews (demo agents are in teams `north` and `south`). */
export const DEMO_QA_TEAM = 'north';

/**
 * The pages the hub serves from the widget build (dist/widgets, 503 until it is built):
 *
 * - The `/demo` page (issue 8), only in demo mode (`hub.config.demo`: on for `npm start` on the embedded
 *   defaults, off with PUBLIC_URL, DEMO=false or `serve --no-demo`): without it no demo route exists (404). In
 *   demo mode its routes still answer 404 until the demo tenant exists, and its token endpoint answers loopback
 *   clients only. The demo's customer picker and tokens go through use-cases (app/calls, app/tenants), audited in
 *   the demo tenant.
 * - The Zendesk app page (`POST /zendesk/app`, signed URLs), always: the ZAF JWT is checked against the
 *   installation registered with `callsight zendesk connect`, spent tokens are remembered in the job queue until
 *   they expire (so every hub process on the database refuses a replay), and the exchange use-case (app/crm)
 *   issues the session. It belongs with the Zendesk wiring; it sits here because this file owns the widget pages.
 */
export const demoCapability: CapabilityFactory = (hub: Hub): Capability => {
  const plugins: HttpPlugin[] = [zendeskAppPlugin(hub)];
  if (hub.config.demo) plugins.push(demoPlugin(hub));
  return { name: 'demo', plugins };
};

function zendeskAppPlugin(hub: Hub): HttpPlugin {
  const ledger = createZendeskTokenLedger(hub.storage.jobQueue, hub.ids);
  // A spent token's job only waits for the token to expire; completing it frees the id.
  hub.jobs.register(ZENDESK_TOKEN_SPENT_JOB, async () => undefined);
  return zendeskAppRoutes({
    clock: hub.clock,
    widgetsDir: WIDGETS_DIR,
    ...(hub.config.publicUrl ? { publicUrl: hub.config.publicUrl } : {}),
    exchange: crmUseCasesOf(hub).exchangeZendeskSession,
    spendToken: (tenantId, tokenId, expiresAt) => ledger.spend(tenantId, tokenId, expiresAt),
    async findInstallation(subdomain) {
      const account = await hub.accounts.find('zendesk', subdomain);
      if (!account) return null;
      return { tenantId: account.tenantId, registration: readZendeskAppRegistration(account.settings) };
    },
  });
}

function demoPlugin(hub: Hub): HttpPlugin {
  let enabled = false;
  const isEnabled = async () => {
    // Once seen, the tenant stays: tenants are never deleted while the hub runs.
    enabled ||= (await hub.calls.getTenant(DEMO_TENANT)) !== null;
    return enabled;
  };
  const calls = hubCallsUseCases(hub);
  const visitor = systemActor(DEMO_TENANT, 'demo');

  return demoRoutes({
    tenantId: DEMO_TENANT,
    widgetsDir: WIDGETS_DIR,
    tokenTtlS: DEMO_TOKEN_TTL_S,
    qaTeam: DEMO_QA_TEAM,
    clock: hub.clock,
    ...(hub.config.publicUrl ? { publicUrl: hub.config.publicUrl } : {}),
    isEnabled,
    listCustomers: () =>
      calls.findCustomersWithCalls(visitor, { customers: demoCustomers().map(({ phone, name }) => ({ phone, name })) }),
    listAgents: async () => (await hub.calls.listAgents(DEMO_TENANT)).map(({ id, name, team }) => ({ id, name, team })),
    issueToken: (input) => hub.tokens.issue(input),
  });
}
