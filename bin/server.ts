import type { FastifyInstance } from 'fastify';
import type { HubConfig } from './config';
import { buildHubHttp, openHub, type Hub } from './hub';
import { DEMO_TENANT, seedDemo } from './seed/demo-data';
import { CAPABILITIES, type Capability } from './capabilities';

export interface RunningHub {
  readonly url: string;
  readonly hub: Hub;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Opens the hub, seeds the demo tenant on first start (SEED_DEMO=auto and no tenant yet), and serves the
 * REST API. Resolves once the server listens.
 */
export async function startHub(config: HubConfig, options: { quiet?: boolean } = {}): Promise<RunningHub> {
  const hub = await openHub(config);
  const capabilities: Capability[] = CAPABILITIES.map((create) => create(hub));
  const say = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const tenants = await hub.calls.listTenants();
  if (config.seedDemo === 'true' || (config.seedDemo === 'auto' && tenants.length === 0)) {
    say(`Seeding demo tenant "${DEMO_TENANT}" with ${config.demoCalls} calls (first start only)...`);
    const report = await seedDemo(hub, { calls: config.demoCalls });
    const analysed = await hub.jobs.drain();
    say(`Seeded ${report.calls} calls (${report.misdials} misdials), ${report.agents} agents, ${report.customers} customers; ${analysed} analysed.`);
  }
  const players = capabilities.filter((c) => c.beforePlay);
  const app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []), {
    beforePlay: async (call, principal) => {
      let current = call;
      for (const capability of players) current = await capability.beforePlay!(current, principal);
      return current;
    },
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', 'localhost');
  if (config.workers) {
    hub.jobs.start();
    for (const capability of capabilities) capability.start?.();
  }
  say(`Callsight hub listening on ${url}`);
  say(`  token:  TOKEN=$(npx callsight token --tenant ${DEMO_TENANT} --user u-admin --role admin)`);
  say(`  list:   curl -H "Authorization: Bearer $TOKEN" ${url}/api/v1/calls`);
  return {
    url,
    hub,
    app,
    async close() {
      await app.close();
      for (const capability of capabilities) await capability.stop?.();
      await hub.jobs.stop();
      await hub.close();
    },
  };
}
