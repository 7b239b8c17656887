import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import type { FastifyInstance } from 'fastify';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { contactRecord, firehoseDelivery, recordingKeyOf, s3Handlers, type FakeS3State } from '../fakes/aws-connect.fake';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { connectUseCasesOf } from '../../bin/wiring/connect.wiring';
import { backfillUseCasesOf } from '../../bin/wiring/completeness.wiring';
import { cliActor } from '../../app/shared/actor';

/**
 * `callsight import --from connect` (the backfill use-case as the command calls it): replays the Amazon Connect
 * contact records the hub has seen. Connect's side is the msw fake of S3 GetObject with SSE-KMS headers
 * (test/fakes/aws-connect.fake.ts, citing the AWS documentation), the records are delivered as Firehose does.
 */
const REGION = 'eu-west-2';
const BUCKET = 'amazon-connect-globex-recordings';
const INSTANCE_ID = '3e4f5a6b-1111-4222-8333-444455556666';
const INSTANCE_ARN = `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE_ID}`;
const ACCESS_KEY = 'firehose-access-key-backfill-connect-1';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TENANT = 'globex';

let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
const s3: FakeS3State = { region: REGION, bucket: BUCKET, accessKeyId: AWS_KEY_ID, kmsKeyArn: `arn:aws:kms:${REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`, objects: new Map(), requests: [], clock: () => clock.now() };
const server = setupServer(...s3Handlers(s3));
let dataDir: string;
let hub: Hub;
let app: FastifyInstance;
let capabilities: Capability[];
let url: string;
const windowFrom = new Date(nowMs - 3_600_000).toISOString();

let seq = 0;
function voiceContact(options: { inBucket: boolean }) {
  const contactId = `${String(++seq).padStart(8, '0')}-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
  const initiatedAt = new Date(nowMs - 10 * 60_000);
  const key = recordingKeyOf(contactId, initiatedAt);
  const audio = synthesizeCallWav({ durationS: 12, seed: contactId });
  if (options.inBucket) s3.objects.set(key, { body: audio, contentType: 'audio/wav' });
  const record = contactRecord({ contactId, instanceArn: INSTANCE_ARN, bucket: BUCKET, initiatedAt, durationS: 12, agentUsername: 'a-kim', queue: 'billing', recordingKey: key });
  return { contactId, key, audio, record };
}

async function deliver(records: unknown[]): Promise<void> {
  const { body, headers } = firehoseDelivery(records, { accessKey: ACCESS_KEY, now: clock.now() });
  const response = await fetch(`${url}/api/v1/connect/${INSTANCE_ID}/records`, { method: 'POST', body, headers });
  expect(response.status).toBe(200);
}

/** Runs the fetch jobs until each waiting recording is stored or its window (1 hour here) has closed. */
async function runFetchWindow(): Promise<void> {
  for (let round = 0; round < 12; round++) {
    nowMs += 10 * 60_000;
    await hub.jobs.drain();
  }
}

const backfill = () => backfillUseCasesOf(hub).backfillRecordings(cliActor(TENANT), { provider: 'connect', from: windowFrom, to: new Date(nowMs).toISOString() });

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-backfill-connect-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  hub = await openHub(config, clock, { recordingFetch: { windowMs: 3_600_000, firstDelayMs: 30_000, maxDelayMs: 20 * 60_000 } });
  capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: TENANT, name: 'Globex', defaultRegion: 'GB', industry: 'general' });
  await hub.calls.upsertAgent({ tenantId: TENANT, id: 'a-kim', name: 'Kim', team: 'billing', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
  await connectUseCasesOf(hub).addConnectAccount(cliActor(TENANT), {
    instanceArn: INSTANCE_ARN,
    bucket: BUCKET,
    region: REGION,
    firehoseAccessKey: ACCESS_KEY,
    awsAccessKeyId: AWS_KEY_ID,
    awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
}, 60_000);

afterAll(async () => {
  server.close();
  await app?.close();
  for (const capability of capabilities ?? []) await capability.stop?.();
  await hub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('callsight import --from connect', () => {
  it('fetches the recordings of contacts seen whose fetch window closed, counts the stored ones present, reports the absent ones; a rerun stores nothing', async () => {
    const stored = voiceContact({ inBucket: true }); // stored the normal way
    const late = voiceContact({ inBucket: false }); // written to the bucket after the hub gave up on it
    const absent = voiceContact({ inBucket: false }); // never written
    await deliver([stored.record, late.record, absent.record]);
    await runFetchWindow();
    expect(await hub.calls.findByProviderCallId(TENANT, 'connect', stored.contactId)).not.toBeNull();
    expect(await hub.calls.findByProviderCallId(TENANT, 'connect', late.contactId)).toBeNull();
    s3.objects.set(late.key, { body: late.audio, contentType: 'audio/wav' });

    const first = await backfill();
    expect(first).toMatchObject({ provider: 'connect', accountId: INSTANCE_ID, resumed: false, done: 3, counts: { stored: 1, present: 1, queued: 0, no_audio: 0, failed: 1 } });
    expect(first.failures).toEqual([{ providerCallId: absent.contactId, recordingId: absent.contactId, code: 'RECORDING_NOT_READY' }]);
    // Stored with what its contact record said, as the live path stores it.
    const call = await hub.calls.findByProviderCallId(TENANT, 'connect', late.contactId);
    expect(call).toMatchObject({ provider: 'connect', agentId: 'a-kim', direction: 'inbound', status: 'stored' });
    const token = await hub.tokens.issue({ tenantId: TENANT, userId: 'u-admin', role: 'admin', teams: [], queues: [] });
    const played = await fetch(`${url}/api/v1/calls/${call!.id}/audio`, { headers: { Authorization: `Bearer ${token}` } });
    expect(played.status).toBe(200);
    expect(Buffer.from(await played.arrayBuffer()).equals(Buffer.from(late.audio))).toBe(true);

    const before = await hub.calls.countCalls(TENANT);
    // The same closed window again: done already, nothing read. An open window (no --until) reads the contacts again.
    const again = await backfill();
    expect(again).toMatchObject({ done: 3, counts: { stored: 0, present: 0, failed: 0 } });
    const open = await backfillUseCasesOf(hub).backfillRecordings(cliActor(TENANT), { provider: 'connect', from: windowFrom });
    expect(open).toMatchObject({ done: 3, counts: { stored: 0, present: 2, failed: 1 } });
    expect(await hub.calls.countCalls(TENANT)).toBe(before);
  });

  it('refuses an instance the tenant has not linked, changing nothing', async () => {
    await expect(
      backfillUseCasesOf(hub).backfillRecordings(cliActor(TENANT), { provider: 'connect', accountId: '00000000-0000-4000-8000-000000000000', from: windowFrom }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
