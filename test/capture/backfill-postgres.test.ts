import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { postRecordingCallback, recordingCallbackForm } from '../support/twilio-callback';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { backfillUseCasesOf } from '../../bin/wiring/completeness.wiring';
import { cliActor } from '../../app/shared/actor';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';

/**
 * The Twilio backfill on PostgreSQL (the scale-out store): interrupted by a Twilio outage on its second page, then
 * resumed from the checkpoint while the same calls' recording callbacks arrive and the fetch job runs beside it.
 * Twilio is the msw fake of its REST API (test/fakes/twilio-api.fake.ts, shaped as Twilio documents it).
 */
const TENANT = 'acme';
const ACCOUNT = 'AC' + 'd3'.repeat(16);
const TOKEN = 'twilio-auth-token-backfill-pg-01';
const WINDOW = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' };
const sid = (prefix: 'CA' | 'RE', n: number) => prefix + String(n).padStart(32, '0');

const clock = { now: () => new Date() };
const state: FakeTwilioState = { accountSid: ACCOUNT, authToken: TOKEN, calls: new Map(), recordings: new Map(), requests: [], recordingInfo: new Map() };
const server = setupServer(...twilioHandlers(state));
let database: { name: string; url: string };
let dataDir: string;
let hub: Hub;
let app: FastifyInstance;
let capabilities: Capability[];
let url: string;

async function deliverLive(n: number): Promise<void> {
  const form = recordingCallbackForm({ accountSid: ACCOUNT, callSid: sid('CA', n), recordingSid: sid('RE', n) });
  const response = await postRecordingCallback(`${url}/api/v1/webhooks/twilio/recording`, TOKEN, form);
  expect(response.status).toBe(202);
  await hub.jobs.drain();
}

const backfill = () => backfillUseCasesOf(hub, { pageSize: 5 }).backfillRecordings(cliActor(TENANT), { provider: 'twilio', from: WINDOW.from, to: WINDOW.to });
const media = (n: number) => state.requests.filter((r) => new URL(r.url).pathname.endsWith(`/Recordings/${sid('RE', n)}.wav`)).length;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-backfill-pg-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false, databaseUrl: database.url });
  hub = await openHub(config, clock, { recordingFetch: { windowMs: 6 * 3_600_000, firstDelayMs: 0, maxDelayMs: 30 * 60_000 } });
  capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'US', industry: 'general' });
  await hub.accounts.save({ provider: 'twilio', accountId: ACCOUNT, tenantId: TENANT, sealedSecret: hub.keys.sealSecret(TENANT, 'twilio', TOKEN), settings: {} }, clock.now());
  for (let n = 1; n <= 12; n++) {
    const start = new Date(Date.parse(WINDOW.from) + n * 3_600_000);
    state.calls.set(sid('CA', n), { sid: sid('CA', n), from: '+14155550100', to: 'client:a-emma', direction: 'inbound', startTime: start, durationS: 20 });
    state.recordingInfo!.set(sid('RE', n), { callSid: sid('CA', n), dateCreated: new Date(start.getTime() + 20_000), status: 'completed' });
    state.recordings.set(sid('RE', n), synthesizeCallWav({ durationS: 2, seed: `pg-${n}` }));
  }
}, 60_000);

afterAll(async () => {
  server.close();
  await app?.close();
  for (const capability of capabilities ?? []) await capability.stop?.();
  await hub?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropTestDatabase(database.name);
});

describe('backfill from Twilio on PostgreSQL', () => {
  it('stops at an outage with its checkpoint, resumes there, and stores each call once beside live callbacks for the same calls', async () => {
    // Twilio fails the second page once (newest first: calls 12..8 are on the first page).
    let outage = true;
    server.use(
      http.get('https://api.twilio.com/2010-04-01/Accounts/:account/Recordings.json', ({ request }) => {
        if (!outage || new URL(request.url).searchParams.get('Page') !== '1') return undefined;
        outage = false;
        return HttpResponse.json({ code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 503 }, { status: 503 });
      }),
    );
    await expect(backfill()).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(await hub.calls.countCalls(TENANT)).toBe(5);

    // Resumed while calls 3 and 7 (on the pages still to do) arrive through their recording callbacks.
    const [outcome] = await Promise.all([backfill(), deliverLive(7), deliverLive(3)]);
    expect(outcome).toMatchObject({ resumed: true, done: 12 });
    expect(outcome.counts.stored + outcome.counts.present).toBe(7);
    expect(outcome.counts.failed).toBe(0);
    expect(await hub.calls.countCalls(TENANT)).toBe(12);
    for (let n = 1; n <= 12; n++) expect(await hub.calls.findByProviderCallId(TENANT, 'twilio', sid('CA', n)), `call ${n}`).not.toBeNull();
    // The first page was not downloaded again; a call raced by its callback was downloaded at most by both.
    for (let n = 8; n <= 12; n++) expect(media(n), `recording ${n}`).toBe(1);
    for (const n of [3, 7]) expect(media(n)).toBeLessThanOrEqual(2);

    const again = await backfill();
    expect(again).toMatchObject({ resumed: false, done: 12, counts: { stored: 0, present: 0, failed: 0 } });
    expect(await hub.calls.countCalls(TENANT)).toBe(12);
  }, 60_000);
});
