/**
 * The admin screen's connection tests against a real hub: Salesforce (a JWT bearer session, then the org's limits),
 * Twilio (the Account resource with the stored SID and token), the transcription provider (an OpenAI-compatible
 * models list with the stored key, or the local pocketsphinx binary started). Outside services are msw fakes shaped
 * as their documentation shows (test/fakes/provider-probes.fake.ts, test/fakes/salesforce-api.fake.ts). Every
 * answer and audit event is checked for the secrets it must never carry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { cliActor } from '../../app/shared/actor';
import { connectionListSchema, connectionStatusSchema } from '../../core/api/admin.api';
import { crmUseCasesOf } from '../../bin/wiring/zendesk.wiring';
import { createOpenAiModelsFake, createTwilioAccountFake, salesforceLimitsHandler } from '../fakes/provider-probes.fake';
import { createSalesforceFake, FAKE_CONSUMER_KEY, FAKE_LOGIN_URL, FAKE_USERNAME, generateSalesforceKeyPair } from '../fakes/salesforce-api.fake';
import { startTestHub, type TestHub } from '../support/hub';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'twilio-token-do-not-leak-0001';
const ASR_BASE = 'https://asr.probe.example';
const ASR_KEY = 'sk-asr-key-do-not-leak-0001';
const KEYS = generateSalesforceKeyPair();
const SECRETS = [TWILIO_TOKEN, ASR_KEY, 'BEGIN PRIVATE KEY'];

const server = setupServer();
const twilio = createTwilioAccountFake({ accountSid: SID, authToken: TWILIO_TOKEN });
const models = createOpenAiModelsFake({ baseUrl: ASR_BASE, apiKey: ASR_KEY });
const salesforce = createSalesforceFake({ publicKeyPem: KEYS.publicKeyPem });
const limits = { limits: 0 };

let hub: TestHub;
let admin: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : null };
}

async function test(kind: string) {
  const answer = await call('POST', `/api/v1/admin/connections/${kind}/test`, {});
  expect(answer.status).toBe(200);
  for (const secret of SECRETS) expect(answer.text).not.toContain(secret);
  return connectionStatusSchema.parse(answer.json);
}

function linkTwilio(token: string) {
  return hub.hub.accounts.save({ provider: 'twilio', accountId: SID, tenantId: 'demo', sealedSecret: hub.hub.keys.sealSecret('demo', 'twilio', token), settings: {} }, new Date());
}

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  server.resetHandlers(...twilio.handlers, ...models.handlers, ...salesforce.handlers, salesforceLimitsHandler(salesforce.instanceUrl, limits));
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'demo', name: 'Demo', defaultRegion: 'CN', industry: 'ecommerce' });
  admin = await hub.token('admin');
});
afterAll(async () => {
  server.close();
  await hub.close();
});

describe('connection tests', () => {
  it('nothing configured: every service is not_configured, listed and tested without a single outside request', async () => {
    const list = connectionListSchema.parse((await call('GET', '/api/v1/admin/connections')).json);
    expect(list.items.map((item) => [item.kind, item.status])).toEqual([
      ['zendesk', 'not_configured'],
      ['salesforce', 'not_configured'],
      ['twilio', 'not_configured'],
      ['transcription', 'not_configured'],
    ]);
    for (const kind of ['salesforce', 'twilio', 'transcription']) expect(await test(kind)).toMatchObject({ status: 'not_configured', code: null });
    expect(twilio.requests).toEqual([]);
    expect(models.requests).toEqual([]);
    expect(salesforce.counts()).toMatchObject({ api: 0, token: 0 });
  });

  it('Twilio: the Account resource with the stored credentials; a wrong token, a suspended account and an outage each get their code', async () => {
    await linkTwilio(TWILIO_TOKEN);
    const listed = connectionListSchema.parse((await call('GET', '/api/v1/admin/connections')).json).items.find((item) => item.kind === 'twilio');
    expect(listed).toMatchObject({ status: 'ok', target: 'AC…cdef' });
    expect(twilio.requests).toEqual([]);
    expect(await test('twilio')).toMatchObject({ status: 'ok', code: null, target: 'AC…cdef' });
    expect(twilio.requests).toEqual([{ sid: SID, authorized: true }]);

    twilio.setStatus('suspended');
    expect(await test('twilio')).toMatchObject({ status: 'error', code: 'TWILIO_ACCOUNT_SUSPENDED' });
    twilio.setStatus('active');
    twilio.failWith(503);
    expect(await test('twilio')).toMatchObject({ status: 'error', code: 'UPSTREAM_FAILED' });
    twilio.failWith(null);
    await linkTwilio('a-token-twilio-no-longer-accepts');
    expect(await test('twilio')).toMatchObject({ status: 'error', code: 'PROVIDER_AUTH_FAILED', target: 'AC…cdef' });
    expect(twilio.requests.at(-1)).toEqual({ sid: SID, authorized: false });
    await linkTwilio(TWILIO_TOKEN);
    expect(await test('twilio')).toMatchObject({ status: 'ok' });
  });

  it('transcription, OpenAI-compatible: the models list with the stored key; a key the provider refuses, an endpoint nobody answers', async () => {
    const save = async (transcriber: Record<string, unknown>) => expect((await call('PUT', '/api/v1/settings/analysis', { transcriber })).status).toBe(200);
    await save({ kind: 'openai-compatible', baseUrl: `${ASR_BASE}/v1`, model: 'whisper-1', language: 'zh', apiKey: ASR_KEY });
    expect(await test('transcription')).toMatchObject({ status: 'ok', code: null, target: 'asr.probe.example' });
    expect(models.requests).toEqual([{ authorized: true }]);
    await save({ kind: 'openai-compatible', baseUrl: ASR_BASE, model: 'whisper-1', language: 'zh', apiKey: 'sk-revoked-key' });
    expect(await test('transcription')).toMatchObject({ status: 'error', code: 'PROVIDER_AUTH_FAILED' });
    expect(models.requests.at(-1)).toEqual({ authorized: false });
    // A loopback port nothing listens on: refused at once.
    await save({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9', model: 'whisper-1', language: 'zh', apiKey: ASR_KEY });
    expect(await test('transcription')).toMatchObject({ status: 'error', code: 'PROVIDER_UNREACHABLE', target: '127.0.0.1:9' });
  });

  it('transcription, pocketsphinx: the recogniser binary found and started; without it on PATH, ASR_BINARY_MISSING', async () => {
    expect((await call('PUT', '/api/v1/settings/analysis', { transcriber: { kind: 'pocketsphinx', agentChannel: 0 } })).status).toBe(200);
    expect(await test('transcription')).toMatchObject({ status: 'ok', code: null, target: 'pocketsphinx' });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(await test('transcription')).toMatchObject({ status: 'error', code: 'ASR_BINARY_MISSING' });
    } finally {
      process.env.PATH = path;
    }
  });

  it('Salesforce: a JWT bearer session and the org limits; a key the org does not trust and an outage get the CRM codes', async () => {
    const connect = (privateKeyPem: string) =>
      crmUseCasesOf(hub.hub).connectSalesforce(cliActor('demo'), { orgId: '00D000000000001AAA', loginUrl: FAKE_LOGIN_URL, consumerKey: FAKE_CONSUMER_KEY, username: FAKE_USERNAME, privateKeyPem });
    await connect(KEYS.privateKeyPem);
    const listed = connectionListSchema.parse((await call('GET', '/api/v1/admin/connections')).json).items.find((item) => item.kind === 'salesforce');
    expect(listed).toMatchObject({ status: 'ok', target: '00D000000000001AAA' });
    expect(salesforce.counts()).toMatchObject({ api: 0, token: 0 });
    expect(await test('salesforce')).toMatchObject({ status: 'ok', code: null, target: '00D000000000001AAA' });
    expect(salesforce.counts()).toMatchObject({ api: 1, token: 1 });
    expect(limits.limits).toBe(1);
    expect(salesforce.requests.at(-1)?.authorization).toMatch(/^Bearer /);

    salesforce.failNext(1, { kind: 'status', status: 503, body: [{ message: 'Service Unavailable', errorCode: 'SERVER_UNAVAILABLE' }] });
    expect(await test('salesforce')).toMatchObject({ status: 'error', code: 'CRM_UNAVAILABLE' });
    await connect(generateSalesforceKeyPair().privateKeyPem);
    expect(await test('salesforce')).toMatchObject({ status: 'error', code: 'CRM_AUTH_FAILED', target: '00D000000000001AAA' });
  });

  it('each test is one audit event with its outcome and code, and no secret', async () => {
    const events = [];
    for await (const event of hub.hub.auditLog.iterate('demo')) events.push(event);
    const tests = events.filter((event) => event.action === 'test_connection');
    expect(tests.length).toBe(16);
    const rows = JSON.stringify(events);
    for (const secret of SECRETS) expect(rows).not.toContain(secret);
    expect(rows).toContain('TWILIO_ACCOUNT_SUSPENDED');
    expect(rows).toContain('CRM_AUTH_FAILED');
  });
});
