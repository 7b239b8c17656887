import Fastify, { type FastifyInstance } from 'fastify';
import type { HubConfig } from './config';
import { buildHubHttp, openHub, type Hub } from './hub';
import { DEMO_TENANT, seedDemo } from './seed/demo-data';
import { CAPABILITIES, ONE_WORKER_CAPABILITIES, type Capability } from './capabilities';
import { PostgresLeaderLock } from '../adapters/storage/postgres/postgres.notifications';

export interface RunningHub {
  /** The REST API's URL, or a worker's health endpoint. */
  readonly url: string;
  readonly hub: Hub;
  /** The REST API, or (role `worker`) the health endpoint's server. */
  readonly app: FastifyInstance;
  readonly role: HubConfig['role'];
  /** True while this worker leads the once-per-hub periodic work (always true for a worker on SQLite). */
  isLeader(): boolean;
  /**
   * Drains and closes: stops accepting requests (in-flight ones finish), stops claiming jobs and lets the jobs being
   * run finish, stops periodic work, then closes the stores. Nothing is left half-done: an interrupted job is only
   * ever one whose lease another worker will take over.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly quiet?: boolean;
  /**
   * Told when this process can no longer run correctly and should drain and exit (a worker that lost its leader
   * lock: another worker may lead now). `callsight serve` exits with code 1 so that its supervisor restarts it.
   */
  readonly onFatal?: (reason: string) => void;
}

/**
 * Opens the hub and runs what `config.role` asks (docs/decisions/processes-and-roles.md):
 * - `api`: the REST API; no job runner and no periodic work;
 * - `worker`: the job runner and the capabilities' periodic work, plus GET /healthz on HEALTH_PORT; the daily
 *   once-per-hub work (ONE_WORKER_CAPABILITIES) only while holding the PostgreSQL leader lock;
 * - `all` (default): both, the workers only with WORKERS=true.
 * Seeds the demo tenant on first start (SEED_DEMO=auto and no tenant yet) unless it is a worker. Resolves once the
 * server listens.
 */
export async function startHub(config: HubConfig, options: StartOptions = {}): Promise<RunningHub> {
  const hub = await openHub(config);
  const capabilities: Capability[] = CAPABILITIES.map((create) => create(hub));
  const say = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const servesApi = config.role !== 'worker';
  const runsWorkers = config.role === 'worker' || (config.role === 'all' && config.workers);
  if (servesApi) {
    const tenants = await hub.calls.listTenants();
    if (config.seedDemo === 'true' || (config.seedDemo === 'auto' && tenants.length === 0)) {
      say(`Seeding demo tenant "${DEMO_TENANT}" with ${config.demoCalls} calls (first start only)...`);
      const report = await seedDemo(hub, { calls: config.demoCalls });
      const analysed = await hub.jobs.drain();
      say(`Seeded ${report.calls} calls (${report.misdials} misdials), ${report.agents} agents, ${report.customers} customers; ${analysed} analysed.`);
    }
  }
  await hub.settingsChanges?.start();

  let draining = false;
  let app: FastifyInstance;
  if (servesApi) {
    const players = capabilities.filter((c) => c.beforePlay);
    app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []), {
      beforePlay: async (call, principal) => {
        let current = call;
        for (const capability of players) current = await capability.beforePlay!(current, principal);
        return current;
      },
    });
  } else {
    app = buildWorkerHealth(() => draining);
  }
  const address = await app.listen({ port: servesApi ? config.port : config.healthPort, host: config.host });
  const url = address.replace('[::1]', 'localhost');

  const once = capabilities.filter((c) => ONE_WORKER_CAPABILITIES.has(c.name));
  let leader: PostgresLeaderLock | null = null;
  let leading = false;
  if (runsWorkers) {
    hub.jobs.start();
    for (const capability of capabilities) if (!ONE_WORKER_CAPABILITIES.has(capability.name)) capability.start?.();
    if (config.databaseUrl) {
      leader = new PostgresLeaderLock(config.databaseUrl, (isLeader) => {
        if (isLeader && !leading && !draining) {
          leading = true;
          for (const capability of once) capability.start?.();
          say('This worker leads the once-per-hub periodic work (retention sweep, audit prune).');
        } else if (!isLeader && leading && !draining) {
          // The lock went with its connection: another worker may lead already. Stopping here and restarting the
          // process is simpler and safer than handing the work back and forth.
          options.onFatal?.('lost the PostgreSQL leader lock of the periodic work');
        }
      });
      await leader.start();
    } else {
      leading = true;
      for (const capability of once) capability.start?.();
    }
  }

  if (servesApi) {
    say(`Callsight hub (${config.role}) listening on ${url}`);
    say(`  token:  TOKEN=$(npx callsight token --tenant ${DEMO_TENANT} --user u-admin --role admin)`);
    say(`  list:   curl -H "Authorization: Bearer $TOKEN" ${url}/api/v1/calls`);
  } else {
    say(`Callsight worker running (health: ${url}/healthz)`);
  }
  let closing: Promise<void> | null = null;
  return {
    url,
    hub,
    app,
    role: config.role,
    isLeader: () => leading,
    close() {
      closing ??= (async () => {
        draining = true;
        // Stop taking work everywhere at once; each part waits for what it had started.
        await Promise.all([
          app.close(),
          hub.jobs.stop(),
          ...capabilities.map(async (capability) => capability.stop?.()),
        ]);
        await leader?.close();
        await hub.close();
      })();
      return closing;
    },
  };
}

/** A worker's only HTTP surface: GET /healthz, 200 while running, 503 while draining. */
function buildWorkerHealth(isDraining: () => boolean): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_request, reply) => (isDraining() ? reply.code(503).send({ status: 'draining' }) : { status: 'ok' }));
  return app;
}
