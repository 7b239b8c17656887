import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { assertNoOpenApiViolations } from '../support/openapi';
import {
  contactLensKeyOf,
  contactLensOutput,
  contactRecord,
  firehoseDelivery,
  recordingKeyOf,
  s3Handlers,
  type ContactRecordFields,
  type FakeS3State,
} from '../fakes/aws-connect.fake';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { connectUseCasesOf } from '../../bin/wiring/connect.wiring';
import { cliActor } from '../../app/shared/actor';
import type { PendingRecording } from '../../core/recordings/pending-recording.port';

const REGION = 'us-east-1';
const BUCKET = 'amazon-connect-acme-recordings';
const INSTANCE_ID = '9a8b7c6d-1111-4222-8333-444455556666';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE_ID}`;
const ACCESS_KEY = 'firehose-access-key-0123456789abcdef';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KMS_KEY = `arn:aws:kms:${REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const HOUR = 3_600_000;

let nowMs = Date.parse('2026-11-20T10:00:00Z');
const clock = { now: () => new Date(nowMs) };
const s3: FakeS3State = { region: REGION, bucket: BUCKET, accessKeyId: AWS_KEY_ID, kmsKeyArn: KMS_KEY, objects: new Map(), requests: [], clock: () => clock.now() };
const server = setupServer(...s3Handlers(s3));
let hub: Hub;
let app: FastifyInstance;
let capabilities: Capability[];
let url: string;
let dataDir: string;
let previousCheck: string | undefined;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  previousCheck = process.env.CALLSIGHT_OPENAPI_CHECK;
  process.env.CALLSIGHT_OPENAPI_CHECK = '1';
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-connect-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  // The hub runs on the test clock, so the fetch job's backoff and its 24-hour window pass without waiting.
  hub = await openHub(config, clock);
  capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'general' });
  await hub.calls.upsertAgent({ tenantId: 'acme', id: 'a-emma', name: 'Emma', team: 'support', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
  await connectUseCasesOf(hub).addConnectAccount(cliActor('acme'), {
    instanceArn: INSTANCE_ARN,
    bucket: BUCKET,
    region: REGION,
    firehoseAccessKey: ACCESS_KEY,
    kmsKeyArn: KMS_KEY,
    awsAccessKeyId: AWS_KEY_ID,
    awsSecretAccessKey: AWS_SECRET,
    tagAttributes: ['CustomerTags', 'tier'],
  });
});
afterAll(async () => {
  server.close();
  await app.close();
  for (const capability of capabilities) await capability.stop?.();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (previousCheck === undefined) delete process.env.CALLSIGHT_OPENAPI_CHECK;
  else process.env.CALLSIGHT_OPENAPI_CHECK = previousCheck;
  assertNoOpenApiViolations(app, 'connect hub');
});

let contactSeq = 0;
/** A voice contact with its recording put in the bucket (now, later, or never). */
function voiceContact(fields: Partial<ContactRecordFields> & { readyAfterMs?: number; never?: boolean; durationS?: number } = {}) {
  contactSeq++;
  const contactId = fields.contactId ?? `${String(contactSeq).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`;
  const initiatedAt = fields.initiatedAt ?? new Date(nowMs - 5 * 60_000);
  const recordingKey = fields.recordingKey === null ? null : recordingKeyOf(contactId, initiatedAt);
  const durationS = fields.durationS ?? 20;
  const audio = synthesizeCallWav({ durationS, seed: contactId });
  if (recordingKey && !fields.never) {
    s3.objects.set(recordingKey, { body: audio, contentType: 'audio/wav', ...(fields.readyAfterMs ? { readyAt: new Date(nowMs + fields.readyAfterMs) } : {}) });
  }
  const record = contactRecord({ instanceArn: INSTANCE_ARN, bucket: BUCKET, initiatedAt, durationS, agentUsername: 'a-emma', recordingKey, ...fields, contactId });
  return { contactId, record, audio, initiatedAt };
}

async function deliver(documents: unknown[], options: { accessKey?: string | null; gzip?: boolean; rawRecords?: string[]; requestId?: string } = {}) {
  const { body, headers } = firehoseDelivery(documents, { accessKey: options.accessKey === undefined ? ACCESS_KEY : options.accessKey, now: clock.now(), ...options });
  const response = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as any };
}

function pendingRows(contactId: string): number {
  return (hub.storage.sqlite!.prepare(`SELECT COUNT(*) AS n FROM pending_recordings WHERE provider = 'connect' AND provider_call_id = ?`).get(contactId) as { n: number }).n;
}

function contactRows(contactId: string): number {
  return (hub.storage.sqlite!.prepare('SELECT COUNT(*) AS n FROM connect_contacts WHERE contact_id = ?').get(contactId) as { n: number }).n;
}

async function pendingOf(contactId: string): Promise<PendingRecording> {
  const row = hub.storage.sqlite!.prepare(`SELECT id FROM pending_recordings WHERE provider = 'connect' AND provider_call_id = ?`).get(contactId) as { id: string } | undefined;
  expect(row, `no pending recording for ${contactId}`).toBeDefined();
  return (await hub.pendingRecordings.get('acme', row!.id))!;
}

/** Moves the test clock to the next attempt and runs every due job, until the recording is no longer waiting. */
async function settle(contactId: string, maxRounds = 200): Promise<PendingRecording> {
  for (let round = 0; round < maxRounds; round++) {
    const pending = await pendingOf(contactId);
    if (pending.status !== 'waiting') return pending;
    nowMs = Math.max(nowMs, Date.parse(pending.nextAttemptAt));
    await hub.jobs.drain();
  }
  throw new Error(`${contactId} still waiting after ${maxRounds} rounds`);
}

/** The ledger entries of these contacts, in the order given. */
async function ledgerOf(contactIds: string[]) {
  const page = await hub.providerCalls.reconcile('acme', { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z', provider: 'connect' }, { limit: 1000 });
  return contactIds.map((id) => {
    const item = page.items.find((i) => i.entry.providerCallId === id);
    return item ? { providerCallId: id, recorded: item.entry.recorded, source: item.entry.source, callId: item.callId } : null;
  });
}

describe('Amazon Connect contact records through Firehose', () => {
  it('stores a gzip batch as calls with agent, queue, direction, E.164 number and mapped tags; a chat contact is acknowledged and ignored', async () => {
    const inbound = voiceContact({
      queue: 'Billing',
      customerAddress: '+14155550123',
      attributes: { CustomerTags: 'vip, renewal', tier: 'gold', AccountNumber: '99887766', Email: 'pat@example.com' },
    });
    const outbound = voiceContact({ initiationMethod: 'OUTBOUND', agentUsername: 'j.unknown', customerAddress: 'anonymous', queue: null, attributes: { tier: '4155550123' } });
    const chat = { contactId: '00000000-chat-4bbb-8ccc-dddddddddddd' };
    const chatRecord = contactRecord({ contactId: chat.contactId, instanceArn: INSTANCE_ARN, bucket: BUCKET, channel: 'CHAT', initiatedAt: new Date(nowMs - 60_000), recordingKey: null });

    const answer = await deliver([inbound.record, outbound.record, chatRecord], { gzip: true, requestId: 'b0c4e3f2-0000-4000-8000-000000000001' });
    expect(answer).toEqual({ status: 200, body: { requestId: 'b0c4e3f2-0000-4000-8000-000000000001', timestamp: nowMs } });
    // Nothing was downloaded while Firehose waited.
    expect(s3.requests).toEqual([]);
    expect(pendingRows(inbound.contactId)).toBe(1);
    expect(pendingRows(chat.contactId)).toBe(0);
    expect(contactRows(chat.contactId)).toBe(0);

    expect((await settle(inbound.contactId)).status).toBe('stored');
    expect((await settle(outbound.contactId)).status).toBe('stored');
    const first = await hub.calls.findByProviderCallId('acme', 'connect', inbound.contactId);
    expect(first).toMatchObject({
      provider: 'connect',
      direction: 'inbound',
      agentId: 'a-emma',
      queue: 'Billing',
      customerPhone: '+14155550123',
      startedAt: inbound.initiatedAt.toISOString(),
    });
    expect([...first!.tags].sort()).toEqual(['gold', 'renewal', 'vip']);
    expect(first!.recording?.sha256).toBe(createHash('sha256').update(inbound.audio).digest('hex'));
    expect(first!.durationS).toBeCloseTo(20, 0);

    const second = await hub.calls.findByProviderCallId('acme', 'connect', outbound.contactId);
    // An agent the tenant does not know is stored as no agent; a withheld number as no number; a mapped attribute
    // holding a phone number is not made a tag.
    expect(second).toMatchObject({ direction: 'outbound', agentId: null, customerPhone: null, queue: null, tags: [] });
    expect(await hub.calls.findByProviderCallId('acme', 'connect', chat.contactId)).toBeNull();

    // Every record seen is on the provider call ledger, the list completeness is counted against.
    const ledger = await ledgerOf([inbound.contactId, outbound.contactId, chat.contactId]);
    expect(ledger).toEqual([
      { providerCallId: inbound.contactId, recorded: true, source: 'connect-ctr', callId: first!.id },
      { providerCallId: outbound.contactId, recorded: true, source: 'connect-ctr', callId: second!.id },
      { providerCallId: chat.contactId, recorded: false, source: 'connect-ctr', callId: null },
    ]);

    // GetObject was answered as an SSE-KMS object; the SDK signed with the account's key.
    expect(s3.requests.filter((r) => r.method === 'GET' && r.key === recordingKeyOf(inbound.contactId, inbound.initiatedAt)).length).toBeGreaterThan(0);
    const events = await hub.auditLog.query('acme', { limit: 1000 });
    expect(events.filter((e) => e.action === 'accept_contact_records').at(-1)).toMatchObject({
      actor: 'connect',
      outcome: 'allowed',
      details: { received: 3, pending: 2, ignored: 1, unknownAgents: 1, duplicates: 0, notRecorded: 0 },
    });
  });

  it('stores one call for a record delivered twice, and for two deliveries racing each other', async () => {
    const twice = voiceContact();
    const raced = voiceContact();
    const callsBefore = await hub.calls.countCalls('acme');
    expect((await deliver([twice.record])).status).toBe(200);
    expect((await deliver([twice.record])).status).toBe(200);
    const [a, b] = await Promise.all([deliver([raced.record], { requestId: 'race-a' }), deliver([raced.record], { requestId: 'race-b' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(pendingRows(twice.contactId)).toBe(1);
    expect(pendingRows(raced.contactId)).toBe(1);
    expect(contactRows(raced.contactId)).toBe(1);

    expect((await settle(twice.contactId)).status).toBe('stored');
    expect((await settle(raced.contactId)).status).toBe('stored');
    // Delivered again once stored: acknowledged, nothing new.
    expect((await deliver([twice.record, raced.record])).status).toBe(200);
    await hub.jobs.drain();
    expect(await hub.calls.countCalls('acme')).toBe(callsBefore + 2);
    const events = await hub.auditLog.query('acme', { limit: 1000 });
    expect(events.filter((e) => e.action === 'accept_contact_records').at(-1)).toMatchObject({ details: { received: 2, pending: 0, duplicates: 2 } });
  });

  it('waits for a recording written minutes after the contact, then the fetch job stores it', async () => {
    const late = voiceContact({ readyAfterMs: 7 * 60_000 });
    expect((await deliver([late.record])).status).toBe(200);
    const pending = await settle(late.contactId);
    expect(pending.status).toBe('stored');
    expect(pending.attempts).toBeGreaterThan(0);
    expect(Date.parse(pending.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(s3.objects.get(recordingKeyOf(late.contactId, late.initiatedAt))!.readyAt!.toISOString()));
    const call = await hub.calls.findByProviderCallId('acme', 'connect', late.contactId);
    expect(call?.id).toBe(pending.callId);
  });

  it('marks a recording that never appears missing with its reason, and the completeness KPI counts it', async () => {
    const never = voiceContact({ never: true });
    const receivedAt = nowMs;
    expect((await deliver([never.record])).status).toBe(200);
    const pending = await settle(never.contactId);
    expect(pending).toMatchObject({ status: 'missing', lastError: 'not_ready', callId: null });
    expect(Date.parse(pending.resolvedAt!)).toBeGreaterThanOrEqual(receivedAt + 24 * HOUR);
    expect(await hub.calls.findByProviderCallId('acme', 'connect', never.contactId)).toBeNull();

    const admin = await hub.tokens.issue({ tenantId: 'acme', userId: 'u-admin', role: 'admin', teams: [], queues: [] });
    const listed = (await (await fetch(`${url}/api/v1/recordings/missing`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
    expect(listed.items).toEqual([expect.objectContaining({ provider: 'connect', providerCallId: never.contactId, status: 'missing', lastError: 'not_ready' })]);
    const query = new URLSearchParams({ groupBy: 'all', from: new Date(receivedAt - HOUR).toISOString(), to: new Date(nowMs + HOUR).toISOString() });
    const report = (await (await fetch(`${url}/api/v1/kpis?${query}`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
    expect(report.recordings).toMatchObject({ missing: 1, waiting: 0 });
    expect(report.recordings.rate).toBeLessThan(1);
  });

  it('answers 401 for a wrong or missing access key, and stores nothing', async () => {
    const refused = voiceContact();
    for (const accessKey of ['firehose-access-key-0123456789abcdeX', 'short', null]) {
      const answer = await deliver([refused.record], { accessKey, requestId: 'req-401' });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('access key') } });
      expect(JSON.stringify(answer.body)).not.toContain(ACCESS_KEY);
    }
    const unknownInstance = await fetch(`${url}/api/v1/connect/00000000-0000-4000-8000-000000000000/records`, { method: 'POST', ...firehoseDelivery([refused.record], { accessKey: ACCESS_KEY }) });
    expect(unknownInstance.status).toBe(401);
    expect(pendingRows(refused.contactId)).toBe(0);
    expect(contactRows(refused.contactId)).toBe(0);
    expect(await ledgerOf([refused.contactId])).toEqual([null]);
  });

  it('refuses a delivery with a record that is not base64, not JSON or not a contact record (400, Firehose retries), and stores nothing of the batch', async () => {
    const good = voiceContact();
    const goodData = Buffer.from(JSON.stringify(good.record)).toString('base64');
    const cases: [string, string[] | null, string][] = [
      ['not base64', [goodData, '%%% not base64 %%%'], 'records[1].data is not base64'],
      ['not JSON', [goodData, Buffer.from('{"ContactId": ').toString('base64')], 'records[1].data is not JSON'],
      ['not a contact record', [goodData, Buffer.from(JSON.stringify({ hello: 'world' })).toString('base64')], 'records[1] is not an Amazon Connect contact record'],
    ];
    for (const [label, rawRecords, message] of cases) {
      const answer = await deliver([], { rawRecords: rawRecords!, requestId: `req-${label}` });
      expect(answer.status, label).toBe(400);
      expect(answer.body, label).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(message) } });
    }
    const notJson = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, {
      method: 'POST',
      body: '{"requestId": "x", "records": [',
      headers: { 'Content-Type': 'application/json', 'X-Amz-Firehose-Access-Key': ACCESS_KEY, 'X-Amz-Firehose-Request-Id': 'req-body' },
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'Invalid Firehose delivery: the body is not JSON' } });
    const notGzip = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, {
      method: 'POST',
      body: '{"requestId": "x", "timestamp": 1, "records": []}',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Amz-Firehose-Access-Key': ACCESS_KEY },
    });
    expect(notGzip.status).toBe(400);
    const otherInstance = contactRecord({ contactId: '11111111-aaaa-4bbb-8ccc-eeeeeeeeeeee', instanceArn: INSTANCE_ARN.replace(INSTANCE_ID, '00000000-0000-4000-8000-000000000000'), bucket: BUCKET, initiatedAt: new Date(nowMs), recordingKey: 'x.wav' });
    expect(await deliver([good.record, otherInstance])).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('records[1] comes from another Connect instance') } },
    });
    expect(pendingRows(good.contactId)).toBe(0);
    expect(contactRows(good.contactId)).toBe(0);
    expect(await ledgerOf([good.contactId])).toEqual([null]);
  });

  it('accepts the same records forwarded by a Kinesis Data Streams consumer', async () => {
    const viaKinesis = voiceContact();
    const body = JSON.stringify({
      Records: [{ kinesis: { kinesisSchemaVersion: '1.0', partitionKey: viaKinesis.contactId, sequenceNumber: '4959', data: Buffer.from(JSON.stringify(viaKinesis.record)).toString('base64'), approximateArrivalTimestamp: nowMs / 1000 }, eventSource: 'aws:kinesis' }],
    });
    const response = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'X-Amz-Firehose-Access-Key': ACCESS_KEY, 'X-Amz-Firehose-Request-Id': 'kds-1' },
    });
    expect(response.status).toBe(200);
    expect((await settle(viaKinesis.contactId)).status).toBe('stored');
  });

  it('imports the Contact Lens transcript of a call where it ran, once Connect has written it', async () => {
    const lens = voiceContact({ contactLens: true });
    const connectedAt = new Date(lens.initiatedAt.getTime() + 12_000);
    const key = contactLensKeyOf(lens.contactId, connectedAt);
    const output = contactLensOutput('123456789012', [
      { participant: 'AGENT', beginMs: 0, endMs: 3200, text: 'Thank you for calling Acme, this is Emma.' },
      { participant: 'CUSTOMER', beginMs: 3500, endMs: 7000, text: 'Hi, I would like to renew my plan.' },
    ]);
    s3.objects.set(key, { body: Buffer.from(JSON.stringify(output)), contentType: 'application/json', readyAt: new Date(nowMs + 10 * 60_000) });
    expect((await deliver([lens.record])).status).toBe(200);
    const pending = await settle(lens.contactId);
    expect(pending.status).toBe('stored');
    // Not written yet when the call was stored: the import job fails and is retried until the file is there.
    for (let round = 0; round < 20 && !(await hub.transcripts.getTranscript('acme', pending.callId!)); round++) {
      nowMs += 5 * 60_000;
      await hub.jobs.drain();
    }
    const transcript = await hub.transcripts.getTranscript('acme', pending.callId!);
    expect(transcript).toMatchObject({ source: 'import:segments', language: 'en' });
    expect(transcript!.segments.map((s) => [s.speaker, s.startS, s.endS])).toEqual([
      ['agent', 0, 3.2],
      ['customer', 3.5, 7],
    ]);
    expect(s3.requests.some((r) => r.method === 'GET' && r.query.includes('list-type=2'))).toBe(true);
  });
});
