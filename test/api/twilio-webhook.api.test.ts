import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { computeTwilioSignature } from '../../adapters/telephony/twilio';
import { webhookResponseSchema } from '../../core/api/calls.api';

const ACCOUNT = 'AC' + 'a1'.repeat(16);
const TOKEN = 'twilio-auth-token-0123456789abcdef';
const state: FakeTwilioState = { accountSid: ACCOUNT, authToken: TOKEN, calls: new Map(), recordings: new Map(), requests: [] };
const server = setupServer(...twilioHandlers(state));
let hub: TestHub;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'general' });
  hub.hub.accounts.save(
    { provider: 'twilio', accountId: ACCOUNT, tenantId: 'acme', sealedSecret: hub.hub.keys.sealSecret('acme', 'twilio', TOKEN), settings: {} },
    new Date(),
  );
});
afterEach(() => {
  state.requests.length = 0;
});
afterAll(async () => {
  server.close();
  await hub.close();
});

function addCall(n: number, direction: 'inbound' | 'outbound-api' = 'inbound') {
  const callSid = 'CA' + String(n).padStart(32, '0');
  const recordingSid = 'RE' + String(n).padStart(32, '0');
  state.calls.set(callSid, {
    sid: callSid,
    from: direction === 'inbound' ? '+14155550123' : 'client:a-emma',
    to: direction === 'inbound' ? 'client:a-emma' : '+16502531234',
    direction,
    startTime: new Date('2026-11-20T10:00:00Z'),
    durationS: 30,
  });
  state.recordings.set(recordingSid, synthesizeCallWav({ durationS: 30, seed: recordingSid }));
  return { callSid, recordingSid };
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
  const url = `${hub.url}/api/v1/webhooks/twilio/recording`;
  const body = new URLSearchParams(form).toString();
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature ?? computeTwilioSignature(TOKEN, url, form),
    },
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('Twilio recording status callback', () => {
  it('stores a validly signed completed recording once, with From as the customer of an inbound call', async () => {
    const { callSid, recordingSid } = addCall(1);
    const before = (await hub.hub.auditLog.head('acme'))?.seq ?? 0;
    const first = await post(callback(callSid, recordingSid));
    expect(first.status).toBe(201);
    expect(webhookResponseSchema.safeParse(first.body).success).toBe(true);
    const call = await hub.hub.calls.findByProviderCallId('acme', 'twilio', callSid);
    // The webhook stores through the ingest use-case as the system actor `twilio`: one audit event.
    expect(await hub.hub.auditLog.query('acme', { afterSeq: before, limit: 10 })).toMatchObject([
      { actor: 'twilio', role: null, action: 'ingest', target: `call:${call!.id}`, outcome: 'allowed', reason: 'created' },
    ]);
    expect(call).toMatchObject({ customerPhone: '+14155550123', agentId: 'a-emma', direction: 'inbound', provider: 'twilio' });
    expect(call?.durationS).toBeCloseTo(30, 1);
    expect(state.requests.some((r) => r.url.endsWith(`${recordingSid}.wav`))).toBe(true);
  });

  it('does not duplicate a retried callback, nor download the audio again', async () => {
    const { callSid, recordingSid } = addCall(2);
    await post(callback(callSid, recordingSid));
    const before = await hub.hub.calls.countCalls('acme');
    state.requests.length = 0;
    const retry = await post(callback(callSid, recordingSid));
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('duplicate');
    expect(await hub.hub.calls.countCalls('acme')).toBe(before);
    expect(state.requests).toEqual([]);
  });

  it('takes To as the customer of an outbound call', async () => {
    const { callSid, recordingSid } = addCall(3, 'outbound-api');
    await post(callback(callSid, recordingSid));
    const call = await hub.hub.calls.findByProviderCallId('acme', 'twilio', callSid);
    expect(call).toMatchObject({ customerPhone: '+16502531234', direction: 'outbound', agentId: 'a-emma' });
  });

  it.each([
    ['a wrong signature', (form: [string, string][]) => post(form, 'bm90IHRoZSBzaWduYXR1cmU=')],
    ['a signature over other parameters', (form: [string, string][]) =>
      post(form, computeTwilioSignature(TOKEN, `${hub.url}/api/v1/webhooks/twilio/recording`, form.slice(1)))],
    ['a signature with another token', (form: [string, string][]) =>
      post(form, computeTwilioSignature('another-token-entirely-000000', `${hub.url}/api/v1/webhooks/twilio/recording`, form))],
    ['no signature', (form: [string, string][]) => post(form, '')],
  ])('refuses %s with 403 and stores nothing', async (_name, send) => {
    const { callSid, recordingSid } = addCall(10 + Math.floor(Math.random() * 1e6));
    const before = await hub.hub.calls.countCalls('acme');
    const result = await send(callback(callSid, recordingSid));
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('SIGNATURE_INVALID');
    expect(await hub.hub.calls.countCalls('acme')).toBe(before);
    expect(state.requests).toEqual([]);
  });

  it('acknowledges a recording that is not completed without storing it', async () => {
    const { callSid, recordingSid } = addCall(4);
    const result = await post(callback(callSid, recordingSid, 'in-progress'));
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('ignored');
    expect(await hub.hub.calls.findByProviderCallId('acme', 'twilio', callSid)).toBeNull();
  });

  it('matches the signature example in Twilio\'s documentation', () => {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security#validating-signatures-from-twilio
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    expect(computeTwilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });
});
