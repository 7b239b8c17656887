import { fileURLToPath } from 'node:url';
import { demoRoutes } from '../../adapters/http/routes/demo.routes';
import { systemActor } from '../../app/calls';
import type { Capability, CapabilityFactory } from '../capabilities';
import { hubCallsUseCases, type Hub } from '../hub';
import { DEMO_TENANT, demoCustomers } from '../seed/demo-data';

/** Where `npm run build:widgets` writes the widget pages (widgets/vite.config.ts). */
export const WIDGETS_DIR = fileURLToPath(new URL('../../dist/widgets', import.meta.url));
/** Demo tokens live a quarter of an hour; the widget asks again after a 401. */
export const DEMO_TOKEN_TTL_S = 900;
/** The team the demo QA reviewer reviews (demo agents are in teams `north` and `south`). */
export const DEMO_QA_TEAM = 'north';

/**
 * The `/demo` page (issue 8): on whenever the hub holds the demo tenant (seeded on first start with
 * SEED_DEMO=auto, or by `callsight seed`), off (404) otherwise, so a production hub without demo data
 * never hands out demo tokens. Serves the built widget from dist/widgets (503 until it is built). The demo's
 * customer picker and tokens go through use-cases (app/calls, app/tenants), audited in the demo tenant.
 */
export const demoCapability: CapabilityFactory = (hub: Hub): Capability => {
  let enabled = false;
  const isEnabled = async () => {
    // Once seen, the tenant stays: tenants are never deleted while the hub runs.
    enabled ||= (await hub.calls.getTenant(DEMO_TENANT)) !== null;
    return enabled;
  };
  const calls = hubCallsUseCases(hub);
  const visitor = systemActor(DEMO_TENANT, 'demo');

  return {
    name: 'demo',
    plugins: [
      demoRoutes({
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
      }),
    ],
  };
};
