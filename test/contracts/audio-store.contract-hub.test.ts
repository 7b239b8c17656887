import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../bin/config';
import { openAudioStore } from '../../bin/wiring/audio-store.wiring';
import { FileKeyVault } from '../../adapters/keys/file';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { startTestHub, type TestHub } from '../support/hub';
import { startS3Server, type TestS3Server } from '../support/s3-server';
import { startS3FaultProxy, type S3FaultProxy } from '../support/s3-fault-proxy';
import { synthesizeCallWav } from '../support/audio-fixtures';

/**
 * A whole hub with AUDIO_STORE=s3 against s3rver over HTTP (through the counting proxy): a call uploaded through the
 * API lands in the bucket (multipart: the part size is set below the recording's size), plays whole and by Range
 * with only the needed chunks fetched, goes to the archive tier and back through retention, and its deletion
 * crypto-shreds and removes the object.
 */
let server: TestS3Server;
let proxy: S3FaultProxy;
let admin: S3Client;
let bucket: string;
let hub: TestHub;
let token: string;
const original = synthesizeCallWav({ durationS: 40, seed: 's3-hub' }); // 320 KB of 8 kHz 8-bit PCM
let id: string;

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startS3FaultProxy(server.endpoint);
  admin = server.client();
  bucket = await server.newBucket();
  hub = await startTestHub({
    config: { audioStore: { kind: 's3', ...server.hubSettings(bucket, proxy.endpoint), prefix: 'hub/', partBytes: 128 * 1024 } },
  });
  await hub.hub.ensureTenant({ id: 'demo', name: 'Demo', defaultRegion: 'CN', industry: 'general' });
  token = await hub.token('admin');
});
afterAll(async () => {
  await hub?.close();
  await proxy?.stop();
  await server?.stop();
});

const audio = (range?: string) =>
  fetch(`${hub.url}/api/v1/calls/${id}/audio`, { headers: { Authorization: `Bearer ${token}`, ...(range ? { Range: range } : {}) } });

describe('hub with AUDIO_STORE=s3 (s3rver)', () => {
  it('stores an uploaded call in the bucket, not the data folder, as a multipart upload', async () => {
    proxy.clear();
    const form = new FormData();
    form.set('metadata', JSON.stringify({ providerCallId: 's3-1', direction: 'inbound', startedAt: new Date(Date.now() - 86_400_000).toISOString(), agentId: 'a-li', customerPhone: '138 1234 5678' }));
    form.set('audio', new Blob([Buffer.from(original)]), 'call.wav');
    const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(201);
    id = ((await response.json()) as { id: string }).id;
    expect(proxy.requests.some((r) => r.method === 'POST' && r.url.includes('?uploads'))).toBe(true);
    expect(proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber=')).length).toBe(3);

    const listed = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'hub/' }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([`hub/audio/demo/${id}.csa`]);
    let files: string[] = [];
    try {
      files = readdirSync(join(hub.dataDir, 'audio'), { recursive: true }) as string[];
    } catch {
      files = [];
    }
    expect(files).toEqual([]);
  });

  it('plays the whole call and a Range, fetching only the chunks the range needs', async () => {
    const whole = await audio();
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(original))).toBe(true);

    proxy.clear();
    const ranged = await audio('bytes=200000-200099');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 200000-200099/${original.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(Buffer.from(original.subarray(200_000, 200_100)))).toBe(true);
    const gets = proxy.requests.filter((r) => r.method === 'GET');
    // The header, then one 64 KiB chunk (sealed: +28 bytes) of the 5 the recording has.
    expect(gets.map((r) => r.responseBytes)).toEqual([24, 12 + 65_536 + 16]);
    expect(gets.every((r) => r.range !== null)).toBe(true);
  });

  it('retention archives to the archive prefix server-side, and playing thaws it back from the bucket', async () => {
    const keys = async () => ((await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'hub/' }))).Contents ?? []).map((o) => o.Key).sort();
    const policy = { name: 'tiered', rules: [{ id: 'default', match: {}, keepDays: 3650, then: 'delete', archiveAfterDays: 30 }] };
    const put = await fetch(`${hub.url}/api/v1/retention/policy`, { method: 'PUT', body: JSON.stringify(policy), headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    expect(put.status).toBe(200);
    const form = new FormData();
    const old = new Date(Date.now() - 100 * 86_400_000).toISOString();
    form.set('metadata', JSON.stringify({ providerCallId: 's3-old', direction: 'inbound', startedAt: old, agentId: 'a-li', customerPhone: '138 1234 5678' }));
    const oldAudio = synthesizeCallWav({ durationS: 5, seed: 's3-old' });
    form.set('audio', new Blob([Buffer.from(oldAudio)]), 'old.wav');
    const stored = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
    const oldId = ((await stored.json()) as { id: string }).id;

    proxy.clear();
    const sweep = await fetch(`${hub.url}/api/v1/retention/sweep`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    expect(sweep.status).toBe(200);
    expect(await keys()).toEqual([`hub/archive/demo/${oldId}.csa`, `hub/audio/demo/${id}.csa`].sort());
    // A server-side copy: the ciphertext never came back through the hub.
    expect(proxy.requests.some((r) => r.method === 'PUT' && r.requestBytes === 0)).toBe(true);
    expect(proxy.requests.filter((r) => r.method === 'GET').length).toBe(0);

    const played = await fetch(`${hub.url}/api/v1/calls/${oldId}/audio`, { headers: { Authorization: `Bearer ${token}`, Range: 'bytes=0-999' } });
    expect(played.status).toBe(206);
    expect(Buffer.from(await played.arrayBuffer()).equals(Buffer.from(oldAudio.subarray(0, 1000)))).toBe(true);
    expect(await keys()).toEqual([`hub/audio/demo/${oldId}.csa`, `hub/audio/demo/${id}.csa`].sort());
  });

  it('deleting the call crypto-shreds it and removes the object from the bucket', async () => {
    const recording = (await hub.hub.calls.getCall('demo', id, { kind: 'all' }))!.recording!;
    const deleted = await fetch(`${hub.url}/api/v1/calls/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(deleted.status).toBe(200);
    expect(await hub.hub.keys.hasDataKey('demo', recording.keyId)).toBe(false);
    await expect(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `hub/audio/demo/${id}.csa` }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('opens the same store from the environment (AUDIO_STORE=s3, S3_*) as a hub process would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callsight-s3-env-'));
    const vault = new FileKeyVault(join(dir, 'keys'));
    vault.ensureTenant('t1');
    const envBucket = await server.newBucket();
    const config = loadConfig({ ...server.hubEnv(envBucket), S3_PREFIX: 'env/', DATA_DIR: dir });
    const store = await openAudioStore(config.audioStore, config.dataDir, vault);
    try {
      const plain = randomBytes(70_000);
      const stored = await store.write('t1', 'env_call', plain);
      const parts: Uint8Array[] = [];
      for await (const part of store.read({ tenantId: 't1', recordingId: 'env_call', keyId: stored.keyId, bytes: stored.bytes }, { start: 65_000, end: 69_999 })) parts.push(part);
      expect(Buffer.concat(parts).equals(plain.subarray(65_000, 70_000))).toBe(true);
      const listed = await admin.send(new ListObjectsV2Command({ Bucket: envBucket }));
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual(['env/audio/t1/env_call.csa']);
    } finally {
      store.close?.();
      await vault.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
