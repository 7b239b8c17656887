import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { fsAudioOf } from '../support/hub';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { contactRecord, firehoseDelivery, recordingKeyOf, s3Handlers, type FakeS3State } from '../fakes/aws-connect.fake';
import { createOpenAiTranscriptionsFake, FAKE_OPENAI_BASE_URL } from '../fakes/openai-transcriptions.fake';
import { createZendeskFake } from '../fakes/zendesk-api.fake';
import { postRecordingCallback, recordingCallbackForm } from '../support/twilio-callback';
import { ASTERISK_MASTER_COLUMNS } from '../../adapters/telephony/pbx';
import { DEFAULT_FIELD_KEYS } from '../../adapters/crm/zendesk';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { connectUseCasesOf } from '../../bin/wiring/connect.wiring';
import { crmUseCasesOf } from '../../bin/wiring/zendesk.wiring';
import { createDropFolderWatcher } from '../../bin/commands/watch.command';
import { cliActor } from '../../app/shared/actor';

/**
 * The capture contract (issue 19): a call that came in from Twilio (recording callback, then the fetch job), from
 * Amazon Connect (a Firehose contact record, then the recording from the instance's S3 bucket) or from a PBX drop
 * folder (a recording joined with its CDR line) is the same call to everything after ingest. For each source, the
 * same assertions: searchable by number and by transcript keyword once analysed, plays with Range from encrypted
 * storage, has analysis results, and has its CRM outbox message. Outside APIs are the msw fakes of test/fakes
 * (each shaped as the vendor documents it and citing the page).
 */
const TENANT = 'acme';
const TWILIO_ACCOUNT = 'AC' + 'e1'.repeat(16);
const TWILIO_TOKEN = 'twilio-auth-token-capture-contract';
const REGION = 'us-east-1';
const BUCKET = 'amazon-connect-acme-recordings';
const INSTANCE_ID = '7c6d5e4f-1111-4222-8333-444455556666';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE_ID}`;
const FIREHOSE_KEY = 'firehose-access-key-capture-contract-01';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const OPENAI_KEY = 'sk-test-capture-contract';
const ZENDESK = { email: 'sync@acme.example', apiToken: 'zdTOKENcapture0contract' };
const KEYWORD_TEXT = 'Thank you for calling. I want a refund for the damaged kettle.';

// The test clock starts at the real now: jobs queued without a due time (call.analyze) are due on the queue's own clock.
let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
const twilio: FakeTwilioState = { accountSid: TWILIO_ACCOUNT, authToken: TWILIO_TOKEN, calls: new Map(), recordings: new Map(), requests: [], clock: () => clock.now() };
const s3: FakeS3State = { region: REGION, bucket: BUCKET, accessKeyId: AWS_KEY_ID, kmsKeyArn: `arn:aws:kms:${REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`, objects: new Map(), requests: [], clock: () => clock.now() };
const transcriber = createOpenAiTranscriptionsFake({
  apiKey: OPENAI_KEY,
  respond: () => ({
    task: 'transcribe',
    language: 'english',
    duration: 6,
    text: KEYWORD_TEXT,
    segments: [
      { id: 0, seek: 0, start: 0.2, end: 2.0, text: ' Thank you for calling.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 },
      { id: 1, seek: 0, start: 2.4, end: 5.8, text: ' I want a refund for the damaged kettle.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 },
    ],
  }),
});
const zendesk = createZendeskFake({ credentials: ZENDESK, customObjectFieldKeys: Object.values(DEFAULT_FIELD_KEYS) });
const server = setupServer(...twilioHandlers(twilio), ...s3Handlers(s3), ...transcriber.handlers, ...zendesk.handlers);

let root: string;
let hub: Hub;
let app: FastifyInstance;
let capabilities: Capability[];
let url: string;
let admin: string;

/** What each source ingested: the hub's call id, the audio the provider had, and the customer's number (E.164). */
interface Captured {
  readonly callId: string;
  readonly audio: Uint8Array;
  readonly customerE164: string;
}

/** Each source, delivering one call the way that provider does, then running the hub's jobs. */
const SOURCES: { readonly name: string; readonly provider: string; ingest(): Promise<Captured> }[] = [
  {
    name: 'Twilio (recording callback, then the fetch job)',
    provider: 'twilio',
    async ingest() {
      const callSid = 'CA' + '1'.repeat(32);
      const recordingSid = 'RE' + '1'.repeat(32);
      const audio = synthesizeCallWav({ durationS: 6, seed: 'capture-twilio' });
      twilio.calls.set(callSid, { sid: callSid, from: '+14155550100', to: 'client:a-emma', direction: 'inbound', startTime: new Date(nowMs - 60_000), durationS: 6 });
      twilio.recordings.set(recordingSid, audio);
      const form = recordingCallbackForm({ accountSid: TWILIO_ACCOUNT, callSid, recordingSid });
      const response = await postRecordingCallback(`${url}/api/v1/webhooks/twilio/recording`, TWILIO_TOKEN, form);
      expect(response.status).toBe(202);
      await runJobs();
      const call = await hub.calls.findByProviderCallId(TENANT, 'twilio', callSid);
      expect(call, 'the Twilio call is stored').not.toBeNull();
      return { callId: call!.id, audio, customerE164: '+14155550100' };
    },
  },
  {
    name: 'Amazon Connect (Firehose contact record, then the recording from S3)',
    provider: 'connect',
    async ingest() {
      const contactId = '0c0c0c0c-aaaa-4bbb-8ccc-dddddddddddd';
      const initiatedAt = new Date(nowMs - 2 * 60_000);
      const audio = synthesizeCallWav({ durationS: 6, seed: 'capture-connect' });
      const key = recordingKeyOf(contactId, initiatedAt);
      s3.objects.set(key, { body: audio, contentType: 'audio/wav' });
      const record = contactRecord({ contactId, instanceArn: INSTANCE_ARN, bucket: BUCKET, initiatedAt, durationS: 6, agentUsername: 'a-emma', customerAddress: '+14155550111', recordingKey: key });
      const { body, headers } = firehoseDelivery([record], { accessKey: FIREHOSE_KEY, now: clock.now() });
      const response = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, { method: 'POST', body, headers });
      expect(response.status).toBe(200);
      await runJobs();
      const call = await hub.calls.findByProviderCallId(TENANT, 'connect', contactId);
      expect(call, 'the Connect call is stored').not.toBeNull();
      return { callId: call!.id, audio, customerE164: '+14155550111' };
    },
  },
  {
    name: 'PBX drop folder (Asterisk recording joined with its Master.csv line)',
    provider: 'asterisk',
    async ingest() {
      const uniqueId = '1796631303.42';
      const folder = join(root, 'monitor');
      const cdr = join(root, 'Master.csv');
      mkdirSync(folder, { recursive: true });
      const start = new Date(nowMs - 3 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      writeFileSync(
        cdr,
        `"","4155550122","1001","from-trunk","""Caller"" <4155550122>","PJSIP/trunk-00000001","PJSIP/1001-00000002","Dial","PJSIP/1001-00000002,30",` +
          `"${start}","${start}","${start}",6,6,"ANSWERED","DOCUMENTATION","${uniqueId}",""\n`,
      );
      const audio = synthesizeCallWav({ durationS: 6, seed: 'capture-pbx' });
      const file = join(folder, `${uniqueId}.wav`);
      writeFileSync(file, audio);
      const written = new Date(nowMs - 60_000); // finished a minute ago on the hub's (test) clock
      utimesSync(file, written, written);
      const built = await createDropFolderWatcher(hub, hub.config, {
        tenantId: TENANT,
        folder,
        pbx: 'asterisk',
        cdr: { path: cdr, format: 'csv', columns: [...ASTERISK_MASTER_COLUMNS], utcOffset: '+00:00' },
        settleMs: 0,
        cdrWaitMs: 30 * 60_000,
        extensionAgents: new Map([['1001', 'a-emma']]),
      });
      try {
        expect(await built.watcher.runUntilSettled()).toMatchObject({ ingested: 1, failed: 0, flaggedWithoutCdr: 0 });
      } finally {
        await built.close();
      }
      await runJobs();
      const call = await hub.calls.findByProviderCallId(TENANT, 'asterisk', uniqueId);
      expect(call, 'the PBX call is stored').not.toBeNull();
      return { callId: call!.id, audio, customerE164: '+14155550122' };
    },
  },
];

/** Runs every due job (fetches, transcription, analysis), moving the test clock past the fetch job's first delay. */
async function runJobs(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    nowMs += 60_000;
    await hub.jobs.drain();
  }
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${admin}`, ...headers } });
}

const captured = new Map<string, Captured>();

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  root = mkdtempSync(join(tmpdir(), 'callsight-capture-contract-'));
  const config = loadConfig({}, { dataDir: join(root, 'data'), port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  hub = await openHub(config, clock, { recordingFetch: { windowMs: 6 * 3_600_000, firstDelayMs: 30_000, maxDelayMs: 30 * 60_000 } });
  capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'US', industry: 'ecommerce' });
  await hub.calls.upsertAgent({ tenantId: TENANT, id: 'a-emma', name: 'Emma', team: 'support', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
  admin = await hub.tokens.issue({ tenantId: TENANT, userId: 'u-admin', role: 'admin', teams: [], queues: [] });

  // Each source linked as an admin links it; one transcriber and one CRM for the tenant.
  await hub.accounts.save({ provider: 'twilio', accountId: TWILIO_ACCOUNT, tenantId: TENANT, sealedSecret: hub.keys.sealSecret(TENANT, 'twilio', TWILIO_TOKEN), settings: {} }, clock.now());
  await connectUseCasesOf(hub).addConnectAccount(cliActor(TENANT), {
    instanceArn: INSTANCE_ARN,
    bucket: BUCKET,
    region: REGION,
    firehoseAccessKey: FIREHOSE_KEY,
    awsAccessKeyId: AWS_KEY_ID,
    awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
  const settings = await fetch(`${url}/api/v1/settings/analysis`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ transcriber: { kind: 'openai-compatible', baseUrl: FAKE_OPENAI_BASE_URL, model: 'whisper-1', language: 'en', apiKey: OPENAI_KEY } }),
  });
  expect(settings.status).toBe(200);
  await crmUseCasesOf(hub).connectZendesk(cliActor(TENANT), { subdomain: 'acme', email: ZENDESK.email, apiToken: ZENDESK.apiToken, notes: { enabled: true }, appLinkBase: 'https://callsight.example.com/calls' });

  for (const source of SOURCES) captured.set(source.provider, await source.ingest());
}, 120_000);

afterAll(async () => {
  server.close();
  await app?.close();
  for (const capability of capabilities ?? []) await capability.stop?.();
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe.each(SOURCES)('a call captured from $name', ({ provider }) => {
  const call = () => captured.get(provider)!;

  it('is found by the customer’s number and by a word of its transcript', async () => {
    const byNumber = await get(`/api/v1/calls?customerPhone=${encodeURIComponent(call().customerE164)}`);
    expect(byNumber.status).toBe(200);
    expect(((await byNumber.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([call().callId]);

    const byWord = await get('/api/v1/calls?q=kettle&limit=10');
    expect(byWord.status).toBe(200);
    const items = ((await byWord.json()) as { items: { id: string; hits?: { startS: number }[] }[] }).items;
    const hit = items.find((i) => i.id === call().callId);
    expect(hit, 'the keyword search finds the call').toBeDefined();
    expect(hit!.hits?.[0]?.startS).toBe(2.4);
  });

  it('plays a byte range decrypted from storage that holds it encrypted', async () => {
    const { callId, audio } = call();
    const whole = await get(`/api/v1/calls/${callId}/audio`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(audio))).toBe(true);
    const ranged = await get(`/api/v1/calls/${callId}/audio`, { Range: 'bytes=1000-4999' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-4999/${audio.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(Buffer.from(audio.subarray(1000, 5000)))).toBe(true);
    const atRest = readFileSync(fsAudioOf(hub).pathFor(TENANT, callId));
    expect(atRest.includes(Buffer.from(audio.subarray(1000, 1064)))).toBe(false);
  });

  it('has analysis results from its transcript', async () => {
    const response = await get(`/api/v1/calls/${call().callId}/analysis`);
    expect(response.status).toBe(200);
    const analysis = (await response.json()) as { scripts: { id: string; found: boolean }[] };
    expect(analysis.scripts.length).toBeGreaterThan(0);
    const transcript = await hub.transcripts.getTranscript(TENANT, call().callId);
    expect(transcript?.segments.map((s) => s.text.trim())).toEqual(['Thank you for calling.', 'I want a refund for the damaged kettle.']);
  });

  it('has its CRM outbox messages (on store, and refreshed after analysis), the same as every other source’s', async () => {
    const messagesOf = async (callId: string) =>
      (await hub.storage.outbox.list(TENANT))
        .filter((m) => m.kind === 'crm.record_call' && (m.payload as { call: { hubCallId: string } }).call.hubCallId === callId)
        .map((m) => m.payload as { crm: string; call: Record<string, unknown> })
        .sort((a, b) => String(b.call.analysis).localeCompare(String(a.call.analysis)));
    const mine = await messagesOf(call().callId);
    expect(mine.map((m) => m.call.analysis)).toEqual(['pending', 'done']);
    expect(mine[0]).toMatchObject({ crm: 'zendesk', call: { hubCallId: call().callId, agentName: 'Emma', customerPhone: call().customerE164, direction: 'inbound', recordingStatus: 'stored', durationS: 6 } });
    // Everything but the call's own identity is what the other sources' calls sent, to the field.
    const own = ({ hubCallId: _id, startedAt: _at, appLink: _link, customerPhone: _phone, ...rest }: Record<string, unknown>) => rest;
    for (const other of SOURCES.filter((s) => s.provider !== provider)) {
      const theirs = await messagesOf(captured.get(other.provider)!.callId);
      expect(theirs.map((m) => own(m.call)), other.name).toEqual(mine.map((m) => own(m.call)));
    }
  });
});
