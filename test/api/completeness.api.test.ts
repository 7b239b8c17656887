import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { computeTwilioSignature } from '../../adapters/telephony/twilio';
import { completenessReportSchema } from '../../core/api/completeness.api';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES } from '../../bin/capabilities';
import { completenessUseCasesOf, enqueueDailyCompleteness, RECONCILE_COMPLETENESS_JOB } from '../../bin/wiring/completeness.wiring';
import { cliActor } from '../../app/shared/actor';

const ACCOUNT = 'AC' + 'c7'.repeat(16);
const TOKEN = 'twilio-auth-token-completeness-0001';
const DAY = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' };
let nowMs = Date.parse('2026-11-21T06:00:00.000Z');
const clock = { now: () => new Date(nowMs) };
const state: FakeTwilioState = {
  accountSid: ACCOUNT,
  authToken: TOKEN,
  calls: new Map(),
  recordings: new Map(),
  requests: [],
  readyAt: new Map(),
  clock: () => clock.now(),
  recordingInfo: new Map(),
};
const server = setupServer(...twilioHandlers(state));
let hub: Hub;
let app: FastifyInstance;
let url: string;
let dataDir: string;

const sid = (prefix: 'CA' | 'RE', n: number) => prefix + String(n).padStart(32, '0');

/** A call on Twilio's side that started `minute` minutes into the day; with a recording unless `recording` is false. */
function twilioCall(n: number, minute: number, options: { recording?: 'completed' | 'absent' | false; media?: boolean; status?: 'completed' | 'busy' } = {}) {
  const start = new Date(Date.parse(DAY.from) + minute * 60_000);
  state.calls.set(sid('CA', n), { sid: sid('CA', n), from: '+14155550100', to: 'client:a-emma', direction: 'inbound', startTime: start, durationS: 20, status: options.status ?? 'completed' });
  if (options.recording === false) return;
  state.recordingInfo!.set(sid('RE', n), { callSid: sid('CA', n), dateCreated: new Date(start.getTime() + 20_000), status: options.recording ?? 'completed' });
  if (options.media !== false) state.recordings.set(sid('RE', n), synthesizeCallWav({ durationS: 12, seed: `completeness-${n}` }));
}

async function admin(role: 'admin' | 'qa' = 'admin') {
  return hub.tokens.issue({ tenantId: 'acme', userId: `u-${role}`, role, teams: [], queues: [] });
}

async function kpiRecordings(): Promise<{ expected: number; stored: number; missing: number; rate: number | null }> {
  const response = await fetch(`${url}/api/v1/kpis?groupBy=all&from=${DAY.from}&to=${DAY.to}`, { headers: { authorization: `Bearer ${await admin()}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { recordings: { expected: number; stored: number; missing: number; rate: number | null } };
  const { expected, stored, missing, rate } = body.recordings;
  return { expected, stored, missing, rate };
}

async function report(role: 'admin' | 'qa' = 'admin', query = `from=${DAY.from}&to=${DAY.to}`) {
  const response = await fetch(`${url}/api/v1/recordings/completeness?${query}`, { headers: { authorization: `Bearer ${await admin(role)}` } });
  return { status: response.status, body: (await response.json()) as any };
}

/** Moves the clock step by step and runs every due job (the fetch jobs' backoff passes without waiting). */
async function runJobsFor(ms: number, stepMs = 10 * 60_000) {
  const end = nowMs + ms;
  while (nowMs < end) {
    nowMs = Math.min(end, nowMs + stepMs);
    await hub.jobs.drain();
  }
}

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-completeness-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  hub = await openHub(config, clock, { recordingFetch: { windowMs: 6 * 3_600_000, firstDelayMs: 30_000, maxDelayMs: 30 * 60_000 } });
  const capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'general' });
  await hub.accounts.save(
    { provider: 'twilio', accountId: ACCOUNT, tenantId: 'acme', sealedSecret: hub.keys.sealSecret('acme', 'twilio', TOKEN), settings: {} },
    new Date(nowMs),
  );
});
afterAll(async () => {
  server.close();
  await app?.close();
  await hub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('completeness against the provider’s own list', () => {
  it('finds calls the hub never received, fetches those it can, lists the others with their reason, and the KPI follows', async () => {
    twilioCall(1, 600); // reported by its webhook and stored
    twilioCall(2, 610); // never reported to the hub: fetched by the check
    twilioCall(3, 620, { media: false }); // listed as recorded, but its media never comes: fetch fails
    twilioCall(4, 630, { recording: false }); // no recording at Twilio: not expected
    twilioCall(5, 640, { recording: 'absent' }); // Twilio made a recording without audio: not expected
    twilioCall(6, 650, { status: 'busy', recording: false }); // never connected: not on the list
    twilioCall(7, 24 * 60 + 10); // the next day: outside the window

    // Call 1 arrives the normal way: Twilio's recording callback, then the fetch job.
    const form: [string, string][] = [
      ['AccountSid', ACCOUNT], ['CallSid', sid('CA', 1)], ['RecordingSid', sid('RE', 1)],
      ['RecordingUrl', `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${sid('RE', 1)}`], ['RecordingStatus', 'completed'],
    ];
    const target = `${url}/api/v1/webhooks/twilio/recording`;
    const callback = await fetch(target, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': computeTwilioSignature(TOKEN, target, form) },
    });
    expect(callback.status).toBe(202);
    await runJobsFor(5 * 60_000);
    expect(await hub.calls.findByProviderCallId('acme', 'twilio', sid('CA', 1))).not.toBeNull();

    // A Connect contact record the hub saw but whose recording never arrived (written by the Connect path).
    await hub.providerCalls.record(
      [{ tenantId: 'acme', provider: 'connect', providerCallId: 'c0ffee00-0000-4000-8000-000000000001', startedAt: '2026-11-20T11:00:00.000Z', recorded: true, source: 'connect-ctr' }],
      clock.now().toISOString(),
    );
    // Without Twilio's list, counting only what reached the hub, Twilio looks complete; the Connect gap shows.
    const before = await kpiRecordings();
    expect(before).toEqual({ expected: 2, stored: 1, missing: 1, rate: 0.5 });

    const run = await completenessUseCasesOf(hub).reconcileCompleteness(cliActor('acme'), { from: DAY.from, to: DAY.to });
    expect(run.sources).toEqual([{ provider: 'twilio', accountId: ACCOUNT, status: 'listed', calls: 6, recordings: 5, newEntries: 5, error: null }]);
    expect(run.queued).toBe(2);
    expect({ entries: run.entries, expected: run.expected, stored: run.stored, notRecorded: run.notRecorded, byReason: run.byReason }).toEqual({
      entries: 6, expected: 4, stored: 1, notRecorded: 2, byReason: { fetching: 2, fetch_failed: 0, not_received: 1 },
    });
    expect(await kpiRecordings()).toEqual({ expected: 4, stored: 1, missing: 3, rate: 0.25 });
    // The list requests carried the window as Twilio's filters.
    const listUrls = state.requests.map((r) => new URL(r.url)).filter((u) => u.pathname.endsWith('/Calls.json') || u.pathname.endsWith('/Recordings.json'));
    expect(listUrls.map((u) => [u.pathname.split('/').at(-1), u.searchParams.get('StartTime>=') ?? u.searchParams.get('DateCreated>=')])).toEqual([
      ['Calls.json', '2026-11-20T00:00:00Z'],
      ['Recordings.json', '2026-11-20T00:00:00Z'],
    ]);

    // The fetch jobs run: call 2 is stored, call 3's media never comes and its window (6 h here) closes.
    await runJobsFor(7 * 3_600_000);
    expect(await hub.calls.findByProviderCallId('acme', 'twilio', sid('CA', 2))).not.toBeNull();
    expect(await hub.calls.findByProviderCallId('acme', 'twilio', sid('CA', 3))).toBeNull();
    expect(await kpiRecordings()).toEqual({ expected: 4, stored: 2, missing: 2, rate: 0.5 });

    const { status, body } = await report();
    expect(status).toBe(200);
    expect(completenessReportSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ expected: 4, stored: 2, missing: 2, notRecorded: 2, rate: 0.5, providers: ['connect', 'twilio'], gapsTruncated: false });
    expect(body.gaps.map((g: any) => [g.provider, g.providerCallId, g.reason, g.lastError])).toEqual([
      ['twilio', sid('CA', 3), 'fetch_failed', 'not_ready'],
      ['connect', 'c0ffee00-0000-4000-8000-000000000001', 'not_received', null],
    ]);
    expect(JSON.stringify(body)).not.toContain('+1415');

    // A second run changes nothing: no new entries, nothing queued twice.
    const again = await completenessUseCasesOf(hub).reconcileCompleteness(cliActor('acme'), { from: DAY.from, to: DAY.to });
    expect(again.sources[0]).toMatchObject({ status: 'listed', newEntries: 0 });
    expect(again.queued).toBe(0);
    expect(again.stored).toBe(2);
  });

  it('reports a provider that fails mid-listing per account and keeps what the ledger holds', async () => {
    state.failLists = 503;
    const run = await completenessUseCasesOf(hub).reconcileCompleteness(cliActor('acme'), { from: DAY.from, to: DAY.to });
    expect(run.sources).toEqual([{ provider: 'twilio', accountId: ACCOUNT, status: 'failed', calls: 0, recordings: 0, newEntries: 0, error: 'UPSTREAM_FAILED' }]);
    expect({ expected: run.expected, stored: run.stored }).toEqual({ expected: 4, stored: 2 });
  });

  it('the report route is for admins, and refuses an empty or too long window', async () => {
    expect((await report('qa')).status).toBe(403);
    expect((await report('admin', `from=${DAY.to}&to=${DAY.from}`)).status).toBe(400);
    expect((await report('admin', 'from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z')).status).toBe(400);
    expect((await report('admin', 'from=yesterday')).status).toBe(400);
    const anonymous = await fetch(`${url}/api/v1/recordings/completeness?from=${DAY.from}`);
    expect(anonymous.status).toBe(401);
  });

  it('queues each tenant’s daily check once, however many processes tick', async () => {
    await hub.ensureTenant({ id: 'beta', name: 'Beta', defaultRegion: 'US', industry: 'general' });
    const at = new Date('2026-11-22T03:15:00.000Z');
    const ticks = await Promise.all([enqueueDailyCompleteness(hub, at), enqueueDailyCompleteness(hub, at), enqueueDailyCompleteness(hub, new Date('2026-11-22T09:00:00Z'))]);
    expect(ticks.reduce((a, b) => a + b, 0)).toBe(2);
    const jobs = await hub.jobQueue.list({ kind: RECONCILE_COMPLETENESS_JOB, limit: 10 });
    expect(jobs.map((j) => [j.tenantId, j.id, j.payload]).sort()).toEqual([
      ['acme', 'completeness-acme-2026-11-21', { from: '2026-11-21T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z' }],
      ['beta', 'completeness-beta-2026-11-21', { from: '2026-11-21T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z' }],
    ]);
    // The job runs the check as the worker; after it is done the day stays checked.
    nowMs = Math.max(nowMs, at.getTime());
    await hub.jobs.drain();
    expect((await hub.jobQueue.list({ kind: RECONCILE_COMPLETENESS_JOB, limit: 10 })).map((j) => j.status)).toEqual(['done', 'done']);
    expect(await enqueueDailyCompleteness(hub, at)).toBe(0);
  });
});
