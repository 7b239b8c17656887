import { afterAll, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FileKeyVault } from '../../adapters/keys/file';
import { EncryptedFsAudioStore } from '../../adapters/blob/encrypted-fs';
import { S3AudioStore } from '../../adapters/blob/s3';
import { startS3Server, type TestS3Server } from '../support/s3-server';
import { startS3FaultProxy, type S3FaultProxy } from '../support/s3-fault-proxy';
import { describeAudioStoreContract, trackKeys } from './audio-store.contract';

const CHUNK = 4096;
/** Below S3's 5 MiB minimum on purpose: s3rver does not enforce it, and small parts keep the suite fast. */
const PART = 64 * 1024;

function openVault() {
  const dir = mkdtempSync(join(tmpdir(), 'callsight-audio-contract-'));
  const vault = new FileKeyVault(join(dir, 'keys'));
  vault.ensureTenant('t1');
  vault.ensureTenant('t2');
  return { dir, vault };
}

describeAudioStoreContract('data folder', async () => {
  const { dir, vault } = openVault();
  const keys = trackKeys(vault);
  const store = new EncryptedFsAudioStore(join(dir, 'audio'), keys, CHUNK, { archiveRoot: join(dir, 'cold') });
  return {
    store,
    keys,
    chunkBytes: CHUNK,
    partBytes: null,
    raw: async (tenantId, recordingId) => readFileSync(store.pathFor(tenantId, recordingId)),
    async tamper(tenantId, recordingId, offset) {
      const fd = openSync(store.pathFor(tenantId, recordingId), 'r+');
      try {
        const byte = Buffer.alloc(1);
        readSync(fd, byte, 0, 1, offset);
        byte[0] = byte[0]! ^ 0xff;
        writeSync(fd, byte, 0, 1, offset);
      } finally {
        closeSync(fd);
      }
    },
    async leavePartial(tenantId, recordingId) {
      // What a write killed before its rename leaves: `<id>.csa.<uuid>.tmp` beside where the container would go.
      const file = store.pathFor(tenantId, recordingId);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.${randomUUID()}.tmp`, Buffer.alloc(100, 1));
      return true;
    },
    async close() {
      vault.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let server: TestS3Server;
let proxy: S3FaultProxy;
let admin: S3Client;
beforeAll(async () => {
  server = await startS3Server();
  proxy = await startS3FaultProxy(server.endpoint);
  admin = server.client();
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

describeAudioStoreContract('S3 over HTTP (s3rver)', async () => {
  const { dir, vault } = openVault();
  const keys = trackKeys(vault);
  const bucket = await server.newBucket();
  // Through the proxy, with one attempt per request: the fault tests see each failure once.
  const client = server.client(proxy.endpoint, 1);
  const store = new S3AudioStore(client, keys, { bucket, prefix: 'callsight/', partBytes: PART, chunkBytes: CHUNK });
  proxy.clear();
  return {
    store,
    keys,
    chunkBytes: CHUNK,
    partBytes: PART,
    async raw(tenantId, recordingId) {
      const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: store.keyFor(tenantId, recordingId) }));
      return Buffer.from(await got.Body!.transformToByteArray());
    },
    async tamper(tenantId, recordingId, offset) {
      const key = store.keyFor(tenantId, recordingId);
      const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      bytes[offset] = bytes[offset]! ^ 0xff;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    async leavePartial(tenantId, recordingId) {
      // A multipart upload started and never completed (the process died): s3rver keeps it but cannot list it.
      await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: store.keyFor(tenantId, recordingId) }));
      return false;
    },
    async measure(action) {
      proxy.clear();
      const result = await action();
      const seen = [...proxy.requests];
      const gets = seen.filter((r) => r.method === 'GET');
      return {
        result,
        traffic: { requests: gets.length, bytes: gets.reduce((sum, r) => sum + r.responseBytes, 0) },
        multipart: seen.some((r) => r.method === 'POST' && r.url.includes('?uploads')) && seen.some((r) => r.method === 'PUT' && r.url.includes('partNumber=2')),
      };
    },
    failUploadsAfter(afterBytes, mode) {
      proxy.clear();
      proxy.failUploads(afterBytes, mode);
      return {
        heal: () => proxy.heal(),
        abortsSent: () => proxy.requests.filter((r) => r.method === 'DELETE' && r.url.includes('uploadId=')).length,
      };
    },
    async close() {
      proxy.heal();
      client.destroy();
      vault.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
