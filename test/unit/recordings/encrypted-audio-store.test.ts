import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileKeyVault } from '../../../adapters/keys/file';
import { EncryptedFsAudioStore } from '../../../adapters/blob/encrypted-fs';
import type { AudioLocation } from '../../../core/recordings/audio-store.port';

const CHUNK = 4096;
const SEALED = 12 + CHUNK + 16;
const HEADER = 24;
let dir: string;
let keys: FileKeyVault;
let store: EncryptedFsAudioStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'callsight-audio-'));
  keys = new FileKeyVault(join(dir, 'keys'));
  keys.ensureTenant('t1');
  store = new EncryptedFsAudioStore(join(dir, 'audio'), keys, CHUNK);
});
afterAll(() => {
  keys.close();
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(location: AudioLocation, range?: { start: number; end: number }): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of store.read(location, range)) parts.push(part);
  return Buffer.concat(parts);
}

async function put(id: string, bytes = 5 * CHUNK + 123) {
  const plain = randomBytes(bytes);
  const stored = await store.write('t1', id, plain);
  const location: AudioLocation = { tenantId: 't1', recordingId: id, keyId: stored.keyId, bytes: stored.bytes };
  return { plain, location, file: store.pathFor('t1', id) };
}

describe('encrypted chunked audio store', () => {
  it('round-trips the audio and any range of it', async () => {
    const { plain, location } = await put('r1');
    expect((await readAll(location)).equals(plain)).toBe(true);
    for (const [start, end] of [[0, 0], [CHUNK - 1, CHUNK], [3 * CHUNK + 5, plain.length - 1], [17, 17 + 2 * CHUNK]] as const) {
      expect((await readAll(location, { start, end })).equals(plain.subarray(start, end + 1))).toBe(true);
    }
  });

  it('writes a different data key and different ciphertext for the same audio', async () => {
    const plain = randomBytes(10_000);
    const a = await store.write('t1', 'same-a', plain);
    const b = await store.write('t1', 'same-b', plain);
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.sha256).toBe(b.sha256);
    expect(readFileSync(store.pathFor('t1', 'same-a')).equals(readFileSync(store.pathFor('t1', 'same-b')))).toBe(false);
  });

  const tamperings: [string, (file: Buffer) => Buffer][] = [
    ['one ciphertext byte flipped', (f) => { const c = Buffer.from(f); c[HEADER + SEALED + 40] = (c[HEADER + SEALED + 40] ?? 0) ^ 1; return c; }],
    ['one tag byte flipped', (f) => { const c = Buffer.from(f); c[HEADER + SEALED - 1] = (c[HEADER + SEALED - 1] ?? 0) ^ 1; return c; }],
    ['two chunks swapped', (f) => Buffer.concat([
      f.subarray(0, HEADER), f.subarray(HEADER + SEALED, HEADER + 2 * SEALED), f.subarray(HEADER, HEADER + SEALED), f.subarray(HEADER + 2 * SEALED),
    ])],
    ['the last chunk cut off', (f) => f.subarray(0, HEADER + 5 * SEALED)],
    ['the file cut mid-chunk', (f) => f.subarray(0, f.length - 50)],
    ['the header length field changed', (f) => { const c = Buffer.from(f); c.writeBigUInt64BE(BigInt(5 * CHUNK), 12); return c; }],
    ['bytes appended', (f) => Buffer.concat([f, Buffer.alloc(16)])],
  ];

  it.each(tamperings)('detects %s', async (_name, tamper) => {
    const { location, file } = await put(`t-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, tamper(readFileSync(file)));
    await expect(readAll(location)).rejects.toMatchObject({ code: 'RECORDING_INTEGRITY' });
  });

  it('detects a chunk moved from another recording (same key is never reused, but even the AAD binds the id)', async () => {
    const a = await put('move-a');
    const b = await put('move-b');
    // Copy b's container under a's name: a's key cannot open it.
    copyFileSync(b.file, a.file);
    await expect(readAll(a.location)).rejects.toBeDefined();
  });

  it('makes a copy taken before shredding unreadable once the data key is destroyed', async () => {
    const { location, file } = await put('shred-me');
    const copy = join(dir, 'backup', 'shred-me.csa');
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    await store.discard(location);
    copyFileSync(copy, file);
    await expect(readAll(location)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
    expect(await keys.hasDataKey('t1', location.keyId)).toBe(false);
  });
});
