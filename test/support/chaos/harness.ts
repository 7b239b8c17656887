/**
 * The multi-process chaos run (issue 17): 2 API + 2 worker processes (`node bin/callsight.mjs serve --role ...`)
 * on one fresh PostgreSQL database, taking calls through uploads and Twilio webhooks (recordings fetched from a
 * loopback Twilio fake) with every stored call synced to a loopback Zendesk fake, while a chaos loop kill -9s a
 * random serving process every 1-3 s and restarts it. Then everything is restarted and drained and the outcome checked:
 * every acknowledged call stored exactly once and playing back the bytes sent, every job and CRM message done,
 * no CRM record doubled, the audit chains intact, and no orphan blob, temp file or data key after GC.
 *
 * Shared by test/scale/chaos.test.ts (20 kills, in `npm test`) and bench/chaos.ts (`npm run chaos -- --kills 200`).
 */
import { createCipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../../bin/config';
import { openHub, type Hub } from '../../../bin/hub';
import { cliActor } from '../../../app/shared/actor';
import { crmUseCasesOf } from '../../../bin/wiring/zendesk.wiring';
import { postRecordingCallback, recordingCallbackForm } from '../twilio-callback';
import { synthesizeCallWav } from '../../../bin/seed/synth-audio';
import { createTestDatabase, dropTestDatabase } from '../../contracts/support/databases';
import type { FakeTwilioState } from '../../fakes/twilio-api.fake';
import { HubCluster, type ClusterProcess } from './cluster';
import { S3RVER_CREDENTIALS, S3RVER_REGION, startS3Server } from '../s3-server';
import { startLoopbackTwilio, startLoopbackZendesk } from './loopback-fakes';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TENANT = 'chaos';
const ACCOUNT = 'AC' + 'c4'.repeat(16);
const TWILIO_TOKEN = 'chaos-twilio-auth-token-0123456789';
const ZENDESK = { email: 'sync@chaos.example', apiToken: 'zdCHAOSt0ken0123456789' };

export interface ChaosOptions {
  /** kill -9s during the load. */
  readonly kills: number;
  /** Pause between kills, drawn uniformly (default 1000-3000 ms). */
  readonly minGapMs?: number;
  readonly maxGapMs?: number;
  /** Concurrent upload clients and webhook senders (default 3 and 2). */
  readonly uploaders?: number;
  readonly webhookers?: number;
  /** Pause of each client after an acknowledged call (default 0): bounds the calls, hence the end checks' time. */
  readonly paceMs?: number;
  /** Progress lines (no personal data). */
  readonly log?: (line: string) => void;
  /** On SIGINT or SIGTERM, kill -9 the hub processes and exit 130 (for `npm run chaos`, stopped with Ctrl-C). */
  readonly exitOnSignal?: boolean;
}

export interface ChaosReport {
  readonly kills: number;
  readonly killsByRole: { readonly api: number; readonly worker: number };
  /** API kills that landed while the process was answering a client request. */
  readonly killsMidRequest: number;
  readonly durationS: number;
  readonly acknowledged: { readonly uploads: number; readonly webhooks: number; readonly transcripts: number };
  /** Client attempts that failed (connection reset by a kill, 5xx, timeouts) and were retried. */
  readonly retriedAttempts: number;
  /** Calls sent but never acknowledged (gave up); they may or may not be stored, which is allowed. */
  readonly unacknowledged: number;
  readonly lost: number;
  readonly doubled: number;
  readonly playbackMismatches: number;
  readonly jobs: Readonly<Record<string, number>>;
  readonly outbox: Readonly<Record<string, number>>;
  readonly crm: { readonly records: number; readonly misdials: number; readonly callsWithoutRecord: number; readonly recordsWithoutCall: number; readonly doubledRecords: number };
  readonly auditVerify: { readonly code: number | null };
  readonly gc: { readonly code: number | null; readonly note: string };
  readonly orphansBeforeGc: Orphans;
  readonly orphans: Orphans;
  /** SIGTERM drains at the end: exit codes and the longest drain. */
  readonly drains: { readonly exitCodes: readonly (number | null)[]; readonly maxMs: number };
  readonly audioStore: string;
  readonly keyStore: string;
  readonly unhandledFakeRequests: number;
  /** Processes that exited without being killed or stopped (restarted at once; each is a finding). */
  readonly unexpectedExits: number;
}

export interface Orphans {
  readonly blobs: number;
  readonly partials: number;
  readonly dataKeys: number;
  /** Temp files left anywhere in the data folder (`*.tmp`). */
  readonly tempFiles: number;
}

interface Acked {
  readonly kind: 'upload' | 'webhook';
  readonly providerCallId: string;
  readonly sha256: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The shared stores of the run: audio in a bucket of an s3rver started here (AUDIO_STORE=s3; CHAOS_AUDIO_STORE=fs
 * keeps the data folder), and data keys in the database key store (KEY_STORE=database with a
 * master key; CHAOS_KEY_STORE=file keeps the shared key folder).
 */
async function sharedStores(): Promise<{ env: Record<string, string>; audio: string; keys: string; close(): Promise<void> }> {
  const env: Record<string, string> = {};
  let audio = 'fs (shared DATA_DIR)';
  let keys = 'file (shared DATA_DIR)';
  let close = async (): Promise<void> => undefined;
  if (process.env.CHAOS_AUDIO_STORE !== 'fs') {
    const s3 = await startS3Server();
    const bucket = await s3.newBucket();
    Object.assign(env, {
      AUDIO_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: S3RVER_REGION,
      S3_BUCKET: bucket,
      S3_PREFIX: 'chaos/',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    });
    audio = 's3 (s3rver on loopback)';
    close = () => s3.stop();
  }
  if (process.env.CHAOS_KEY_STORE !== 'file') {
    Object.assign(env, { KEY_STORE: 'database', CALLSIGHT_MASTER_KEY: randomBytes(32).toString('hex') });
    keys = 'database (master key in CALLSIGHT_MASTER_KEY)';
  }
  return { env, audio, keys, close };
}

/** Runs the whole scenario and returns its figures; throws only when the setup itself fails. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'callsight-chaos-'));
  const twilioState: FakeTwilioState = { accountSid: ACCOUNT, authToken: TWILIO_TOKEN, calls: new Map(), recordings: new Map(), requests: [] };
  const twilio = await startLoopbackTwilio(twilioState);
  const zendesk = await startLoopbackZendesk(ZENDESK);
  const stores = await sharedStores();
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    DEMO: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    TWILIO_API_BASE_URL: twilio.url,
    RECORDING_FETCH_FIRST_DELAY_S: '0.5',
    RATE_LIMIT_PER_MIN: '1000000',
    RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN: '1000000',
    RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN: '1000000',
    SHUTDOWN_TIMEOUT_S: '20',
    ORPHAN_GRACE_MINUTES: '60',
    ...stores.env,
  };
  const withEnv = <T>(work: () => Promise<T>): Promise<T> => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    return work().finally(() => {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
      Object.assign(process.env, saved);
    });
  };
  const openLocalHub = () => withEnv(() => openHub(loadConfig({ ...process.env, ...env })));

  const cluster = new HubCluster(env);
  const sql = new pg.Client({ connectionString: database.url });
  const onSignal = () => {
    for (const p of cluster.processes) p.child?.kill('SIGKILL');
    process.exit(130);
  };
  if (options.exitOnSignal) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    // Setup through the hub's own code, as `callsight tenant add` and `tenant zendesk-connect` would do it.
    let admin: string;
    {
      const hub = await openLocalHub();
      try {
        await hub.ensureTenant({ id: TENANT, name: 'Chaos', defaultRegion: 'CN', industry: 'ecommerce' });
        await hub.calls.upsertAgent({ tenantId: TENANT, id: 'a-1', name: 'Agent One', team: 'north', seniority: 'senior', hiredAt: '2020-01-01T00:00:00Z' });
        await hub.accounts.save(
          { provider: 'twilio', accountId: ACCOUNT, tenantId: TENANT, sealedSecret: hub.keys.sealSecret(TENANT, 'twilio', TWILIO_TOKEN), settings: {} },
          new Date(),
        );
        await crmUseCasesOf(hub).connectZendesk(cliActor(TENANT), { subdomain: 'chaos', baseUrl: zendesk.url, ...ZENDESK, notes: { enabled: false } });
        admin = await hub.tokens.issue({ tenantId: TENANT, userId: 'u-chaos-admin', role: 'admin', teams: [], queues: [], ttlS: 6 * 3600 });
      } finally {
        await hub.close();
      }
    }
    await sql.connect();

    await cluster.add('api-1', 'api');
    await cluster.add('api-2', 'api');
    await cluster.add('worker-1', 'worker');
    await cluster.add('worker-2', 'worker');
    await Promise.all(cluster.processes.map((p) => cluster.start(p.name)));
    log(`cluster up: 2 api + 2 worker processes on ${stores.audio}, keys ${stores.keys}`);

    // Load: clients that retry each call until it is acknowledged, as Twilio and an uploading system do.
    const acked: Acked[] = [];
    let transcripts = 0;
    let retried = 0;
    let unacknowledged = 0;
    let stopLoad = false;
    let sequence = 0;
    const audioPool = Array.from({ length: 8 }, (_, i) => synthesizeCallWav({ durationS: 3 + i, seed: `chaos-${i}` }));
    const pickApi = (): string | null => {
      const urls = cluster.apiUrls();
      return urls.length === 0 ? null : urls[randomInt(urls.length)]!;
    };
    /** Requests in flight per API process URL: an API process is killed while it is answering one. */
    const inFlight = new Map<string, number>();
    /** Sends until a 2xx; null when it gave up (90 s). */
    const untilAcked = async (send: (api: string) => Promise<Response>): Promise<Response | null> => {
      const until = Date.now() + 90_000;
      while (Date.now() < until) {
        const api = pickApi();
        if (api === null) {
          await sleep(100);
          continue;
        }
        inFlight.set(api, (inFlight.get(api) ?? 0) + 1);
        try {
          const response = await send(api).finally(() => inFlight.set(api, inFlight.get(api)! - 1));
          if (response.status >= 200 && response.status < 300) return response;
          await response.arrayBuffer();
          if (response.status < 500 && response.status !== 429) throw new Error(`refused with ${response.status}`);
        } catch (error) {
          if ((error as Error).message.startsWith('refused')) throw error;
        }
        retried++;
        await sleep(150);
      }
      return null;
    };

    const uploader = async () => {
      while (!stopLoad) {
        const n = sequence++;
        const audio = audioPool[n % audioPool.length]!;
        const providerCallId = `chaos-up-${n}`;
        const metadata = JSON.stringify({
          providerCallId,
          direction: 'inbound',
          startedAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString(),
          agentId: 'a-1',
          customerPhone: `+86139${String(n).padStart(8, '0')}`,
          inquiryType: 'refund',
        });
        const response = await untilAcked((api) => {
          const form = new FormData();
          form.set('metadata', metadata);
          form.set('audio', new Blob([Buffer.from(audio)]), 'call.wav');
          return fetch(`${api}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${admin}` }, signal: AbortSignal.timeout(20_000) });
        });
        if (!response) {
          unacknowledged++;
          continue;
        }
        const { id } = (await response.json()) as { id: string };
        acked.push({ kind: 'upload', providerCallId, sha256: sha256(audio) });
        await sleep(options.paceMs ?? 0);
        if (n % 3 === 0) {
          // A transcript import queues the analysis job (and its CRM update) on the workers.
          const imported = await untilAcked((api) =>
            fetch(`${api}/api/v1/calls/${id}/transcript`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                format: 'segments',
                data: {
                  language: 'en',
                  segments: [
                    { speaker: 'agent', startS: 0.2, endS: 1.2, text: 'Thank you for calling, how can I help?' },
                    { speaker: 'customer', startS: 1.4, endS: 2.6, text: 'I would like a refund for my order please.' },
                  ],
                },
              }),
              signal: AbortSignal.timeout(20_000),
            }),
          );
          if (imported) {
            await imported.arrayBuffer();
            transcripts++;
          }
        }
      }
    };

    const webhooker = async () => {
      while (!stopLoad) {
        const n = sequence++;
        const audio = audioPool[n % audioPool.length]!;
        const callSid = 'CA' + String(n).padStart(32, '0');
        const recordingSid = 'RE' + String(n).padStart(32, '0');
        twilioState.calls.set(callSid, { sid: callSid, from: `+86138${String(n).padStart(8, '0')}`, to: 'client:a-1', direction: 'inbound', startTime: new Date(Date.now() - 60_000), durationS: 3 + (n % 8) });
        twilioState.recordings.set(recordingSid, audio);
        const form = recordingCallbackForm({
          accountSid: ACCOUNT,
          callSid,
          recordingSid,
          extra: [
            ['RecordingDuration', String(3 + (n % 8))],
            ['RecordingChannels', '1'],
            ['RecordingStartTime', new Date().toUTCString().replace('GMT', '+0000')],
            ['RecordingSource', 'RecordVerb'],
          ],
        });
        const response = await untilAcked((api) =>
          postRecordingCallback(`${api}/api/v1/webhooks/twilio/recording`, TWILIO_TOKEN, form, AbortSignal.timeout(20_000)),
        );
        if (!response) {
          unacknowledged++;
          continue;
        }
        await response.arrayBuffer();
        acked.push({ kind: 'webhook', providerCallId: callSid, sha256: sha256(audio) });
        await sleep(Math.max(50, options.paceMs ?? 0));
      }
    };

    const clients = [
      ...Array.from({ length: options.uploaders ?? 3 }, uploader),
      ...Array.from({ length: options.webhookers ?? 2 }, webhooker),
    ];

    // Chaos: kill -9 a random serving process, restart it at once without waiting for it, repeat. The victim has
    // answered its health check and another process of its role is serving too, so every kill lands on a process
    // that is taking calls or running jobs and the cluster keeps working through it, as behind a load balancer
    // (on a busy 2-core machine a restart takes 15 s or more; killing processes still starting only stalls it).
    const killsByRole = { api: 0, worker: 0 };
    let killsMidRequest = 0;
    for (let kill = 1; kill <= options.kills; kill++) {
      await sleep(randomInt(options.minGapMs ?? 1_000, (options.maxGapMs ?? 3_000) + 1));
      const victim = await pickRunning(cluster);
      if (victim.role === 'api') {
        // Land the kill inside a request (within 3 s; the clients pause between calls).
        const waitUntil = Date.now() + 3_000;
        while ((inFlight.get(victim.url) ?? 0) === 0 && Date.now() < waitUntil) await sleep(5);
        if ((inFlight.get(victim.url) ?? 0) > 0) killsMidRequest++;
      }
      await cluster.kill9(victim.name);
      killsByRole[victim.role]++;
      await cluster.start(victim.name, false);
      if (kill % 10 === 0 || kill === options.kills) log(`kill ${kill}/${options.kills}: ${acked.length} calls acknowledged so far`);
    }

    // Let every process come back, then stop the load; un-acknowledged sends finish their retries.
    await waitAllReady(cluster);
    await sleep(1_000);
    stopLoad = true;
    await Promise.all(clients);
    if (stores.env.AUDIO_STORE === 's3' && acked.length > 900 && !desAvailable()) {
      throw new Error(
        `${acked.length} calls are more than s3rver can list on this Node: listings of more than 1000 keys need its ` +
          'continuation tokens, which it encrypts with DES, and OpenSSL 3 has DES only with --openssl-legacy-provider. ' +
          'Run with `node --openssl-legacy-provider` (npm run chaos does), or with fewer or slower clients (--pace-ms).',
      );
    }
    log(`load stopped: ${acked.length} acknowledged (${acked.filter((a) => a.kind === 'upload').length} uploads, ${acked.filter((a) => a.kind === 'webhook').length} webhooks), ${retried} retried attempts`);

    // Drain: SIGTERM every process (each must exit 0 within SHUTDOWN_TIMEOUT_S).
    const drained = await Promise.all(cluster.processes.map((p) => cluster.stop(p.name)));
    // Leases held by killed processes would expire on their own (5 minutes); nothing runs now, so expire them.
    await sql.query(`UPDATE jobs SET lease_until = $1 WHERE status = 'running'`, [new Date(0).toISOString()]);
    await sql.query(`UPDATE outbox SET lease_until = NULL WHERE status = 'pending'`);
    await sql.query(`UPDATE outbox SET next_attempt_at = $1 WHERE status = 'pending'`, [new Date().toISOString()]);
    // Finish the work: restart everything and wait until no job or CRM message is left.
    await Promise.all(cluster.processes.map((p) => cluster.start(p.name)));
    // Bounded: 2 minutes, or 100 ms per acknowledged call for long runs (their backlog grows with every worker kill).
    const settleUntil = Date.now() + Math.max(120_000, acked.length * 100);
    while (Date.now() < settleUntil) {
      const { rows } = await sql.query<{ open: number }>(
        `SELECT (SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running'))::int + (SELECT COUNT(*) FROM outbox WHERE status = 'pending')::int AS open`,
      );
      if (rows[0]!.open === 0) break;
      await sleep(250);
    }
    log('queue drained; verifying');

    // Verification, through an API process and the database.
    const { rows: callRows } = await sql.query<{ id: string; provider_call_id: string; rec_key_id: string | null; status: string; n: number }>(
      `SELECT c.id, c.provider_call_id, c.rec_key_id, c.status, (SELECT COUNT(*) FROM calls d WHERE d.tenant_id = c.tenant_id AND d.provider_call_id = c.provider_call_id)::int AS n
       FROM calls c WHERE c.tenant_id = $1`,
      [TENANT],
    );
    const byProviderId = new Map(callRows.map((row) => [row.provider_call_id, row]));
    let lost = 0;
    let doubled = 0;
    let mismatches = 0;
    const apis = cluster.processes.filter((p) => p.role === 'api').map((p) => p.url);
    for (let from = 0; from < acked.length; from += 8) {
      await Promise.all(
        acked.slice(from, from + 8).map(async (call, i) => {
          const row = byProviderId.get(call.providerCallId);
          if (!row) {
            lost++;
            return;
          }
          if (row.n !== 1) doubled++;
          const played = await fetch(`${apis[i % apis.length]!}/api/v1/calls/${row.id}/audio`, { headers: { Authorization: `Bearer ${admin}` } });
          const bytes = new Uint8Array(await played.arrayBuffer());
          if (played.status !== 200 || sha256(bytes) !== call.sha256) mismatches++;
        }),
      );
    }
    const jobs = Object.fromEntries(
      (await sql.query<{ status: string; n: number }>('SELECT status, COUNT(*)::int AS n FROM jobs GROUP BY status')).rows.map((r) => [r.status, r.n]),
    );
    const outbox = Object.fromEntries(
      (await sql.query<{ status: string; n: number }>('SELECT status, COUNT(*)::int AS n FROM outbox GROUP BY status')).rows.map((r) => [r.status, r.n]),
    );
    const callIds = new Set(callRows.map((row) => row.id));
    // Only stored calls go to the CRM; misdials (shorter than the misdial threshold) are kept but never synced.
    const syncedIds = new Set(callRows.filter((row) => row.status === 'stored').map((row) => row.id));
    const records = zendesk.fake.records();
    const recordCount = new Map<string, number>();
    for (const record of records) recordCount.set(record.external_id, (recordCount.get(record.external_id) ?? 0) + 1);
    const crm = {
      records: records.length,
      misdials: callRows.length - syncedIds.size,
      callsWithoutRecord: [...syncedIds].filter((id) => !recordCount.has(id)).length,
      recordsWithoutCall: [...recordCount.keys()].filter((id) => !callIds.has(id)).length,
      doubledRecords: [...recordCount.values()].filter((n) => n > 1).length,
    };

    await Promise.all(cluster.processes.map((p) => cluster.stop(p.name)));
    log('processes stopped; audit verify and storage gc');
    const audit = await runCli(['audit', 'verify', '--tenant', TENANT], env);

    const orphansBeforeGc = await withEnv(() => countOrphans(openLocalHub, dataDir, callRows));
    const gcRun = await runCli(['storage', 'gc', '--grace-minutes', '0'], env);
    const orphans = await withEnv(() => countOrphans(openLocalHub, dataDir, callRows));

    return {
      kills: options.kills,
      killsByRole,
      killsMidRequest,
      durationS: Math.round((Date.now() - started) / 1000),
      acknowledged: { uploads: acked.filter((a) => a.kind === 'upload').length, webhooks: acked.filter((a) => a.kind === 'webhook').length, transcripts },
      retriedAttempts: retried,
      unacknowledged,
      lost,
      doubled,
      playbackMismatches: mismatches,
      jobs,
      outbox,
      crm,
      auditVerify: { code: audit.code },
      gc: { code: gcRun.code, note: gcRun.output.split('\n').slice(-3).join(' ').trim() },
      orphansBeforeGc,
      orphans,
      drains: { exitCodes: drained.map((d) => d.code), maxMs: Math.max(...drained.map((d) => d.ms)) },
      audioStore: stores.audio,
      keyStore: stores.keys,
      unhandledFakeRequests: twilio.unhandled.length + zendesk.unhandled.length,
      unexpectedExits: cluster.processes.reduce((sum, p) => sum + p.unexpectedExits, 0),
    };
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await cluster.killAll();
    await sql.end().catch(() => undefined);
    await twilio.close();
    await zendesk.close();
    await stores.close();
    await dropTestDatabase(database.name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A random ready process while another of its role is ready too (waits until there is one); processes that exited
 * by themselves are restarted meanwhile. Throws after 180 s without one.
 */
async function pickRunning(cluster: HubCluster): Promise<ClusterProcess> {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    for (const p of cluster.processes) if (p.child === null) await cluster.start(p.name, false);
    const ready = cluster.readyProcesses();
    const eligible = ready.filter((p) => ready.some((other) => other !== p && other.role === p.role));
    if (eligible.length > 0) return eligible[randomInt(eligible.length)]!;
    await sleep(100);
  }
  throw new Error(`no process to kill for 180 s:\n${cluster.processes.map((p) => `${p.name}\n${p.tail.join('\n')}`).join('\n')}`);
}

/** Whether this process has DES, which s3rver needs to page a listing (Node 20 has it only with the legacy provider). */
function desAvailable(): boolean {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

async function waitAllReady(cluster: HubCluster): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    for (const p of cluster.processes) if (p.child === null) await cluster.start(p.name, false);
    if (cluster.processes.every((p) => p.ready)) return;
    await sleep(200);
  }
  throw new Error(`processes not ready: ${cluster.processes.filter((p) => !p.ready).map((p) => `${p.name}\n${p.tail.join('\n')}`).join('\n')}`);
}

/** Runs `node bin/callsight.mjs <args>` with the cluster's settings; its exit code and output (for the report). */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/callsight.mjs', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * What no call references: containers and partial uploads in the audio store's inventory, recording data keys in
 * the key store, and `*.tmp` files anywhere under the data folder.
 */
async function countOrphans(open: () => Promise<Hub>, dataDir: string, calls: readonly { id: string; rec_key_id: string | null }[]): Promise<Orphans> {
  const hub = await open();
  try {
    const callIds = new Set(calls.map((c) => c.id));
    const keyIds = new Set(calls.map((c) => c.rec_key_id).filter((k): k is string => k !== null));
    let blobs = 0;
    let partials = 0;
    for await (const item of hub.audio.inventory(TENANT)) {
      if (item.kind === 'partial') partials++;
      else if (!callIds.has(item.recordingId)) blobs++;
    }
    let dataKeys = 0;
    for await (const key of hub.keys.listDataKeys(TENANT, new Date(Date.now() + 60_000))) if (!keyIds.has(key.keyId)) dataKeys++;
    return { blobs, partials, dataKeys, tempFiles: countTempFiles(dataDir) };
  } finally {
    await hub.close();
  }
}

function countTempFiles(dir: string): number {
  let count = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) count += countTempFiles(path);
    else if (name.endsWith('.tmp')) count++;
  }
  return count;
}

/** The report as the lines `npm run chaos` and the test print. */
export function formatChaosReport(report: ChaosReport): string {
  const lines = [
    `chaos: ${report.kills} kill -9 (${report.killsByRole.api} api, ${report.killsMidRequest} of them mid-request; ${report.killsByRole.worker} worker) in ${report.durationS} s; audio ${report.audioStore}; keys ${report.keyStore}`,
    `  calls acknowledged  ${report.acknowledged.uploads + report.acknowledged.webhooks} (${report.acknowledged.uploads} uploads, ${report.acknowledged.webhooks} webhooks; ${report.acknowledged.transcripts} transcripts imported)`,
    `  client retries      ${report.retriedAttempts} attempts retried; ${report.unacknowledged} sends never acknowledged`,
    `  lost                ${report.lost}   (goal 0)`,
    `  doubled             ${report.doubled}   (goal 0)`,
    `  playback mismatches ${report.playbackMismatches}   (goal 0: every acknowledged call plays the bytes sent)`,
    `  jobs                ${JSON.stringify(report.jobs)}   (goal: dead 0, queued 0, running 0)`,
    `  CRM outbox          ${JSON.stringify(report.outbox)}   (goal: dead 0, pending 0)`,
    `  CRM records         ${report.crm.records} (misdials, never synced: ${report.crm.misdials}); stored calls without record ${report.crm.callsWithoutRecord}, records without call ${report.crm.recordsWithoutCall}, doubled ${report.crm.doubledRecords}   (goal 0, 0, 0)`,
    `  audit verify        exit ${report.auditVerify.code}   (goal 0)`,
    `  orphans before GC   blobs ${report.orphansBeforeGc.blobs}, partials ${report.orphansBeforeGc.partials}, data keys ${report.orphansBeforeGc.dataKeys}, temp files ${report.orphansBeforeGc.tempFiles}`,
    `  storage gc          exit ${report.gc.code}${report.gc.note ? ` (${report.gc.note})` : ''}`,
    `  orphans after GC    blobs ${report.orphans.blobs}, partials ${report.orphans.partials}, data keys ${report.orphans.dataKeys}, temp files ${report.orphans.tempFiles}   (goal 0)`,
    `  SIGTERM drains      exit codes ${report.drains.exitCodes.join(', ')}; longest ${report.drains.maxMs} ms`,
    `  unexpected exits    ${report.unexpectedExits}   (processes that ended without a kill or SIGTERM; goal 0)`,
  ];
  return lines.join('\n');
}
