import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { computeTwilioSignature } from '../../adapters/telephony/twilio';
import { recordingCallbackResponseSchema, missingRecordingsPageSchema } from '../../core/api/recordings.api';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES } from '../../bin/capabilities';
import { qualityPortsOf } from '../../bin/wiring/quality.wiring';
import { createInsightsUseCases } from '../../app/insights';
import { FETCH_RECORDING_JOB } from '../../app/recordings';
import type { PendingRecording } from '../../core/recordings/pending-recording.port';

const ACCOUNT = 'AC' + 'a1'.repeat(16);
const TOKEN = 'twilio-auth-token-0123456789abcdef';
const HOUR = 3_600_000;
let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
const state: FakeTwilioState = {
  accountSid: ACCOUNT,
  authToken: TOKEN,
  calls: new Map(),
  recordings: new Map(),
  requests: [],
  readyAt: new Map(),
  clock: () => clock.now(),
};
const server = setupServer(...twilioHandlers(state));
let hub: Hub;
let app: FastifyInstance;
let url: string;
let dataDir: string;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-twilio-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  // The hub runs on the test clock, so the fetch job's backoff and the 24-hour window pass without waiting.
  hub = await openHub(config, clock);
  const capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'general' });
  await hub.accounts.save(
    { provider: 'twilio', accountId: ACCOUNT, tenantId: 'acme', sealedSecret: hub.keys.sealSecret('acme', 'twilio', TOKEN), settings: {} },
    new Date(),
  );
});
afterEach(() => {
  state.requests.length = 0;
});
afterAll(async () => {
  server.close();
  await app.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function addCall(n: number, options: { direction?: 'inbound' | 'outbound-api'; readyAfterMs?: number; never?: boolean } = {}) {
  const direction = options.direction ?? 'inbound';
  const callSid = 'CA' + String(n).padStart(32, '0');
  const recordingSid = 'RE' + String(n).padStart(32, '0');
  state.calls.set(callSid, {
    sid: callSid,
    from: direction === 'inbound' ? '+14155550123' : 'client:a-emma',
    to: direction === 'inbound' ? 'client:a-emma' : '+16502531234',
    direction,
    startTime: new Date(nowMs - 60_000),
    durationS: 30,
  });
  const audio = synthesizeCallWav({ durationS: 30, seed: recordingSid });
  if (!options.never) state.recordings.set(recordingSid, audio);
  if (options.readyAfterMs) state.readyAt!.set(recordingSid, new Date(nowMs + options.readyAfterMs));
  return { callSid, recordingSid, audio };
}

function callback(callSid: string, recordingSid: string, status = 'completed'): [string, string][] {
  return [
    ['AccountSid', ACCOUNT],
    ['CallSid', callSid],
    ['RecordingSid', recordingSid],
    ['RecordingUrl', `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recordingSid}`],
    ['RecordingStatus', status],
    ['RecordingDuration', '30'],
    ['RecordingChannels', '1'],
    ['RecordingStartTime', 'Fri, 20 Nov 2026 10:00:01 +0000'],
    ['RecordingSource', 'RecordVerb'],
  ];
}

async function post(form: [string, string][], signature?: string) {
  const target = `${url}/api/v1/webhooks/twilio/recording`;
  const response = await fetch(target, {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature ?? computeTwilioSignature(TOKEN, target, form),
    },
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function pendingOf(callSid: string): Promise<PendingRecording> {
  const row = hub.storage.sqlite!.prepare('SELECT id FROM pending_recordings WHERE tenant_id = ? AND provider_call_id = ?').get('acme', callSid) as
    | { id: string }
    | undefined;
  expect(row, `no pending recording for ${callSid}`).toBeDefined();
  return (await hub.pendingRecordings.get('acme', row!.id))!;
}

/** Moves the test clock to the recording's next attempt and runs every due job, until it is no longer waiting. */
async function runFetchesUntilSettled(callSid: string, maxRounds = 200): Promise<{ pending: PendingRecording; rounds: number }> {
  for (let rounds = 0; rounds < maxRounds; rounds++) {
    const pending = await pendingOf(callSid);
    if (pending.status !== 'waiting') return { pending, rounds };
    nowMs = Math.max(nowMs, Date.parse(pending.nextAttemptAt));
    await hub.jobs.drain();
  }
  throw new Error(`${callSid} still waiting after ${maxRounds} rounds`);
}

function fetchJobsQueued(): number {
  return (hub.storage.sqlite!.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE kind = ? AND status IN ('queued', 'running')`).get(FETCH_RECORDING_JOB) as { n: number }).n;
}

async function adminToken(role: 'admin' | 'agent' = 'admin') {
  return hub.tokens.issue({ tenantId: 'acme', userId: `u-${role}`, role, teams: [], queues: [], ...(role === 'agent' ? { agentId: 'a-emma' } : {}) });
}

describe('Twilio recording status callback', () => {
  it('answers at once without downloading, then stores the call exactly once when the media arrives minutes later, playable', async () => {
    const { callSid, recordingSid, audio } = addCall(1, { readyAfterMs: 5 * 60_000 });
    const callsBefore = await hub.calls.countCalls('acme');
    const before = (await hub.auditLog.head('acme'))?.seq ?? 0;

    const first = await post(callback(callSid, recordingSid));
    expect(first.status).toBe(202);
    expect(recordingCallbackResponseSchema.safeParse(first.body).success).toBe(true);
    expect(first.body).toMatchObject({ status: 'accepted', duplicate: false });
    // Nothing was fetched while Twilio waited for the answer, and nothing is stored yet.
    expect(state.requests).toEqual([]);
    expect(await hub.calls.findByProviderCallId('acme', 'twilio', callSid)).toBeNull();
    expect(fetchJobsQueued()).toBe(1);

    const { pending, rounds } = await runFetchesUntilSettled(callSid);
    expect(pending.status).toBe('stored');
    expect(rounds).toBeGreaterThan(1);
    const notReady = state.requests.filter((r) => r.url.endsWith(`${recordingSid}.wav`));
    expect(notReady.length).toBe(pending.attempts + 1);
    expect(Date.parse(pending.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(state.readyAt!.get(recordingSid)!.toISOString()));

    const call = await hub.calls.findByProviderCallId('acme', 'twilio', callSid);
    expect(call).toMatchObject({ id: pending.callId, customerPhone: '+14155550123', agentId: 'a-emma', direction: 'inbound', provider: 'twilio' });
    expect(call?.durationS).toBeCloseTo(30, 1);
    expect(await hub.calls.countCalls('acme')).toBe(callsBefore + 1);
    expect(fetchJobsQueued()).toBe(0);

    const played = await fetch(`${url}/api/v1/calls/${call!.id}/audio`, { headers: { Authorization: `Bearer ${await adminToken()}` } });
    expect(played.status).toBe(200);
    expect(Buffer.from(await played.arrayBuffer()).equals(Buffer.from(audio))).toBe(true);

    const events = await hub.auditLog.query('acme', { afterSeq: before, limit: 100 });
    expect(events.filter((e) => e.action === 'accept_recording')).toMatchObject([{ actor: 'twilio', role: null, outcome: 'allowed', reason: 'created' }]);
    expect(events.filter((e) => e.action === 'ingest')).toMatchObject([{ actor: 'twilio', target: `call:${call!.id}`, outcome: 'allowed', reason: 'created' }]);
    const fetches = events.filter((e) => e.action === 'fetch_recording');
    expect(fetches.map((e) => e.reason)).toEqual([...Array(fetches.length - 1).fill('waiting'), 'stored']);
    expect(fetches.every((e) => e.actor === 'worker')).toBe(true);
  });

  it('absorbs a duplicate callback: while pending no second row or job, once stored no download and no second call', async () => {
    const { callSid, recordingSid } = addCall(2, { readyAfterMs: 2 * 60_000 });
    const callsBefore = await hub.calls.countCalls('acme');
    const first = await post(callback(callSid, recordingSid));
    const again = await post(callback(callSid, recordingSid));
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ status: 'accepted', pendingId: first.body.pendingId, duplicate: true });
    expect((hub.storage.sqlite!.prepare('SELECT COUNT(*) AS n FROM pending_recordings WHERE provider_call_id = ?').get(callSid) as { n: number }).n).toBe(1);
    expect(fetchJobsQueued()).toBe(1);

    const { pending } = await runFetchesUntilSettled(callSid);
    expect(pending.status).toBe('stored');
    state.requests.length = 0;
    const late = await post(callback(callSid, recordingSid));
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ status: 'duplicate', callId: pending.callId });
    expect(state.requests).toEqual([]);
    expect(fetchJobsQueued()).toBe(0);
    expect(await hub.calls.countCalls('acme')).toBe(callsBefore + 1);
  });

  it('stores exactly once when two workers run the same recording\'s jobs at the same time', async () => {
    const { callSid, recordingSid } = addCall(5);
    const callsBefore = await hub.calls.countCalls('acme');
    await post(callback(callSid, recordingSid));
    nowMs = Date.parse((await pendingOf(callSid)).nextAttemptAt);
    await Promise.all([hub.jobs.drain(), hub.jobs.drain(), hub.jobs.drain()]);
    expect((await pendingOf(callSid)).status).toBe('stored');
    expect(await hub.calls.countCalls('acme')).toBe(callsBefore + 1);
  });

  it('takes To as the customer of an outbound call', async () => {
    const { callSid, recordingSid } = addCall(3, { direction: 'outbound-api' });
    await post(callback(callSid, recordingSid));
    await runFetchesUntilSettled(callSid);
    const call = await hub.calls.findByProviderCallId('acme', 'twilio', callSid);
    expect(call).toMatchObject({ customerPhone: '+16502531234', direction: 'outbound', agentId: 'a-emma' });
  });

  it('declares a recording that never comes missing after the 24-hour window: completeness counts it, admins see it listed', async () => {
    const { callSid, recordingSid } = addCall(6, { never: true });
    const receivedAt = nowMs;
    await post(callback(callSid, recordingSid));
    const { pending } = await runFetchesUntilSettled(callSid);
    expect(pending.status).toBe('missing');
    expect(pending.callId).toBeNull();
    expect(pending.lastError).toBe('not_ready');
    expect(Date.parse(pending.resolvedAt!)).toBeGreaterThanOrEqual(receivedAt + 24 * HOUR);
    // Exponential backoff: a few dozen attempts across a day, not one every few seconds.
    expect(pending.attempts).toBeGreaterThan(5);
    expect(pending.attempts).toBeLessThan(40);
    expect(fetchJobsQueued()).toBe(0);
    expect(await hub.calls.findByProviderCallId('acme', 'twilio', callSid)).toBeNull();

    const admin = await adminToken();
    const listed = await fetch(`${url}/api/v1/recordings/missing`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as any;
    expect(missingRecordingsPageSchema.safeParse(page).success).toBe(true);
    expect(page.items).toEqual([
      expect.objectContaining({ provider: 'twilio', providerCallId: callSid, recordingId: recordingSid, status: 'missing', lastError: 'not_ready' }),
    ]);
    const agent = await fetch(`${url}/api/v1/recordings/missing`, { headers: { Authorization: `Bearer ${await adminToken('agent')}` } });
    expect(agent.status).toBe(403);
    expect(((await agent.json()) as any).error.code).toBe('FORBIDDEN');

    // The KPI report, through the hub's own route: every call above is stored, this one is missing.
    const query = new URLSearchParams({ groupBy: 'all', from: new Date(receivedAt - HOUR).toISOString(), to: new Date(nowMs + HOUR).toISOString() });
    const kpis = await fetch(`${url}/api/v1/kpis?${query}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(kpis.status).toBe(200);
    const report = (await kpis.json()) as any;
    const stored = await hub.calls.countCalls('acme');
    expect(report.recordings).toEqual({ expected: stored + 1, stored, missing: 1, waiting: 0, rate: stored / (stored + 1) });
    expect(report.rows[0]?.recordingCompleteness).toEqual({ numerator: stored, denominator: stored + 1, rate: stored / (stored + 1) });
  });

  it.each([
    ['a wrong signature', (form: [string, string][]) => post(form, 'bm90IHRoZSBzaWduYXR1cmU=')],
    ['a signature over other parameters', (form: [string, string][]) =>
      post(form, computeTwilioSignature(TOKEN, `${url}/api/v1/webhooks/twilio/recording`, form.slice(1)))],
    ['a signature with another token', (form: [string, string][]) =>
      post(form, computeTwilioSignature('another-token-entirely-000000', `${url}/api/v1/webhooks/twilio/recording`, form))],
    ['no signature', (form: [string, string][]) => post(form, '')],
  ])('refuses %s with 403 and records nothing', async (_name, send) => {
    const { callSid, recordingSid } = addCall(10 + Math.floor(Math.random() * 1e6));
    const jobs = fetchJobsQueued();
    const result = await send(callback(callSid, recordingSid));
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('SIGNATURE_INVALID');
    expect(hub.storage.sqlite!.prepare('SELECT COUNT(*) AS n FROM pending_recordings WHERE provider_call_id = ?').get(callSid)).toEqual({ n: 0 });
    expect(fetchJobsQueued()).toBe(jobs);
    expect(state.requests).toEqual([]);
  });

  it('acknowledges a recording that is not completed without recording it', async () => {
    const { callSid, recordingSid } = addCall(4);
    const result = await post(callback(callSid, recordingSid, 'in-progress'));
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('ignored');
    expect(hub.storage.sqlite!.prepare('SELECT COUNT(*) AS n FROM pending_recordings WHERE provider_call_id = ?').get(callSid)).toEqual({ n: 0 });
  });

  it('lists the missing recording from the CLI as well', () => {
    const result = spawnSync(process.execPath, ['bin/callsight.mjs', 'recordings', 'missing', '--tenant', 'acme', '--json'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const page = JSON.parse(result.stdout);
    expect(page.items.map((r: { providerCallId: string }) => r.providerCallId)).toEqual(['CA' + String(6).padStart(32, '0')]);
  });

  it('matches the signature example in Twilio\'s documentation', () => {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security#validating-signatures-from-twilio
    const target = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    expect(computeTwilioSignature('12345', target, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });
});
