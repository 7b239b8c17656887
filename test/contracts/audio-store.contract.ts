import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AudioLocation, ByteRange, HubAudioStore, StoredItem } from '../../core/recordings/audio-store.port';
import type { KeyVault } from '../../core/recordings/key-vault.port';
import { synthesizeCallWav } from '../support/audio-fixtures';

/** What the backend saw of one read: requests and bytes fetched from it. */
export interface ReadTraffic {
  readonly requests: number;
  readonly bytes: number;
}

/** An audio store over a fresh, empty place, with the means to look behind it. */
export interface AudioStoreHarness {
  readonly store: HubAudioStore;
  /** The vault the store writes its data keys to (trackKeys over a real key vault). */
  readonly keys: TrackedKeyVault;
  /** Chunk size the store writes with (small, so that tests cross chunks cheaply). */
  readonly chunkBytes: number;
  /** Containers above this size go up in parts (multipart upload); null when the store has no such thing. */
  readonly partBytes: number | null;
  /** The stored container's bytes as the backend holds them (hot tier). */
  raw(tenantId: string, recordingId: string): Promise<Buffer>;
  /** Flips one byte of the stored container at `offset` (ciphertext, as an attacker with write access to the storage). */
  tamper(tenantId: string, recordingId: string, offset: number): Promise<void>;
  /** Leaves what a write killed part-way leaves behind (a temp file, an unfinished multipart upload); false if impossible. */
  leavePartial(tenantId: string, recordingId: string): Promise<boolean>;
  /** Runs `action` and reports what it fetched from the backend; absent where reads cannot be observed. */
  measure?<T>(action: () => Promise<T>): Promise<{ result: T; traffic: ReadTraffic; multipart: boolean }>;
  /** Makes the backend fail every upload after `afterBytes` bytes went through; absent where it cannot. */
  failUploadsAfter?(afterBytes: number, mode: 'cut' | '500'): { heal(): void; abortsSent(): number };
  close(): Promise<void>;
}

const TENANT = 't1';

async function readAll(store: HubAudioStore, location: AudioLocation, range?: ByteRange): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of store.read(location, range)) parts.push(part);
  return Buffer.concat(parts);
}

async function collect(items: AsyncIterable<StoredItem>): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function put(store: HubAudioStore, recordingId: string, plain: Uint8Array): Promise<AudioLocation> {
  const stored = await store.write(TENANT, recordingId, plain);
  expect(stored.bytes).toBe(plain.byteLength);
  expect(stored.sha256).toBe(createHash('sha256').update(plain).digest('hex'));
  return { tenantId: TENANT, recordingId, keyId: stored.keyId, bytes: stored.bytes };
}

/**
 * The audio-store contract (core/recordings/audio-store.port.ts), run on the data-folder store and on S3 over real
 * HTTP: `describeAudioStoreContract('s3', async () => harness)`. Each test opens a fresh harness.
 */
export function describeAudioStoreContract(name: string, open: () => Promise<AudioStoreHarness>): void {
  describe(`AudioStore contract (${name})`, () => {
    const withStore = (test: (h: AudioStoreHarness) => Promise<void>) => async () => {
      const harness = await open();
      try {
        await test(harness);
      } finally {
        await harness.close();
      }
    };

    it('stores real call audio and plays it back byte for byte, encrypted at rest', withStore(async (h) => {
      const wav = synthesizeCallWav({ durationS: 3, seed: 'audio-store-contract' });
      const location = await put(h.store, 'call_roundtrip', wav);
      expect(await readAll(h.store, location)).toEqual(Buffer.from(wav));
      // At rest: the CSA1 container of the data-folder store, nothing of the audio in the clear.
      const raw = await h.raw(TENANT, 'call_roundtrip');
      const chunks = Math.ceil(wav.length / h.chunkBytes);
      expect(raw.subarray(0, 4).toString('latin1')).toBe('CSA1');
      expect(raw.length).toBe(24 + chunks * (12 + 16) + wav.length);
      expect(raw.includes(Buffer.from(wav.subarray(0, 44)))).toBe(false);
      expect(raw.includes(Buffer.from(wav.subarray(20_000, 20_032)))).toBe(false);
      expect(await h.store.exists(location)).toBe(true);
      expect(await h.keys.hasDataKey(TENANT, location.keyId)).toBe(true);
      // An empty recording is a valid container too.
      const empty = await put(h.store, 'call_empty', new Uint8Array(0));
      expect((await readAll(h.store, empty)).length).toBe(0);
    }));

    it('serves ranges: first byte, last byte, a span crossing chunks, the whole; refuses a range outside', withStore(async (h) => {
      const plain = randomBytes(h.chunkBytes * 5 + 321);
      const location = await put(h.store, 'call_ranges', plain);
      const last = plain.length - 1;
      expect(await readAll(h.store, location, { start: 0, end: 0 })).toEqual(plain.subarray(0, 1));
      expect(await readAll(h.store, location, { start: last, end: last })).toEqual(plain.subarray(last));
      const span = { start: h.chunkBytes - 7, end: h.chunkBytes * 3 + 11 };
      expect(await readAll(h.store, location, span)).toEqual(plain.subarray(span.start, span.end + 1));
      expect(await readAll(h.store, location, { start: 0, end: last })).toEqual(plain);
      await expect(readAll(h.store, location, { start: 0, end: plain.length })).rejects.toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
    }));

    it('fetches only the header and the chunks a small range needs', withStore(async (h) => {
      if (!h.measure) return;
      const plain = randomBytes(h.chunkBytes * 40);
      const location = await put(h.store, 'call_small_range', plain);
      const whole = await h.measure(() => readAll(h.store, location));
      expect(whole.result).toEqual(plain);
      // Bytes 10..20 of chunk 17: the 24-byte header and one sealed chunk (nonce + data + tag), nothing more.
      const at = h.chunkBytes * 17 + 10;
      const small = await h.measure(() => readAll(h.store, location, { start: at, end: at + 10 }));
      expect(small.result).toEqual(plain.subarray(at, at + 11));
      expect(small.traffic.bytes).toBe(24 + 12 + h.chunkBytes + 16);
      expect(small.traffic.requests).toBe(2);
      expect(whole.traffic.bytes).toBeGreaterThan(40 * h.chunkBytes);
      // A range across a chunk boundary fetches exactly the two chunks.
      const across = await h.measure(() => readAll(h.store, location, { start: h.chunkBytes * 3 - 1, end: h.chunkBytes * 3 }));
      expect(across.traffic.bytes).toBe(24 + 2 * (12 + h.chunkBytes + 16));
    }));

    it('uploads a recording larger than the part size in parts and reads it back whole and in ranges', withStore(async (h) => {
      if (h.partBytes === null) return;
      const plain = randomBytes(h.partBytes * 2 + h.chunkBytes * 3 + 5);
      const write = async () => put(h.store, 'call_multipart', plain);
      const location = h.measure ? (await h.measure(async () => {
        const l = await write();
        return l;
      }).then((m) => {
        expect(m.multipart).toBe(true);
        return m.result;
      })) : await write();
      expect(await readAll(h.store, location)).toEqual(plain);
      const tail = { start: plain.length - h.chunkBytes - 3, end: plain.length - 1 };
      expect(await readAll(h.store, location, tail)).toEqual(plain.subarray(tail.start));
    }));

    it('reports a recording that is not stored as RECORDING_GONE, and exists() says false', withStore(async (h) => {
      const location = await put(h.store, 'call_present', randomBytes(100));
      const missing = { ...location, recordingId: 'call_never_written' };
      expect(await h.store.exists(missing)).toBe(false);
      await expect(readAll(h.store, missing)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
      await h.store.remove(location);
      await h.store.remove(location); // idempotent
      await expect(readAll(h.store, location)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
      // remove() keeps the data key (the container may live on in the archive); discard() does not.
      expect(await h.keys.hasDataKey(TENANT, location.keyId)).toBe(true);
    }));

    it('refuses tampered ciphertext with RECORDING_INTEGRITY before yielding a byte of the bad chunk', withStore(async (h) => {
      const plain = randomBytes(h.chunkBytes * 4);
      const location = await put(h.store, 'call_tampered', plain);
      // A byte in the ciphertext of chunk 2.
      await h.tamper(TENANT, 'call_tampered', 24 + 2 * (12 + h.chunkBytes + 16) + 12 + 100);
      // Chunks 0 and 1 still authenticate and play; the read stops at chunk 2 without yielding any of it.
      const yielded: Uint8Array[] = [];
      await expect((async () => {
        for await (const part of h.store.read(location)) yielded.push(part);
      })()).rejects.toMatchObject({ code: 'RECORDING_INTEGRITY' });
      expect(Buffer.concat(yielded)).toEqual(plain.subarray(0, 2 * h.chunkBytes));
      // A range inside the untouched chunk 0 still plays.
      expect(await readAll(h.store, location, { start: 5, end: 50 })).toEqual(plain.subarray(5, 51));
      // The header is authenticated too: its length field altered is caught.
      const other = await put(h.store, 'call_header', randomBytes(h.chunkBytes * 2));
      await h.tamper(TENANT, 'call_header', 13);
      await expect(readAll(h.store, other)).rejects.toMatchObject({ code: 'RECORDING_INTEGRITY' });
    }));

    it('discard destroys the data key and the container: the audio is unreadable, idempotently', withStore(async (h) => {
      const location = await put(h.store, 'call_discard', randomBytes(h.chunkBytes + 5));
      await h.store.discard(location);
      expect(await h.keys.hasDataKey(TENANT, location.keyId)).toBe(false);
      expect(await h.store.exists(location)).toBe(false);
      await expect(readAll(h.store, location)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
      await h.store.discard(location);
    }));

    it('lists containers and partial writes in its inventory, and removes exactly the item it is given', withStore(async (h) => {
      const a = await put(h.store, 'call_inv_a', randomBytes(300));
      await put(h.store, 'call_inv_b', randomBytes(h.chunkBytes * 2));
      await h.store.write('t2', 'call_other_tenant', randomBytes(10));
      const partialLeft = await h.leavePartial(TENANT, 'call_inv_crashed');
      const items = await collect(h.store.inventory(TENANT));
      const containers = items.filter((i) => i.kind === 'container').map((i) => i.recordingId).sort();
      expect(containers).toEqual(['call_inv_a', 'call_inv_b']);
      expect(items.every((i) => i.tenantId === TENANT && i.modifiedAt instanceof Date)).toBe(true);
      const partials = items.filter((i) => i.kind === 'partial');
      expect(partials.map((i) => i.recordingId)).toEqual(partialLeft ? ['call_inv_crashed'] : []);
      expect(items.find((i) => i.recordingId === 'call_inv_b')!.bytes).toBeGreaterThan(h.chunkBytes * 2);

      for (const partial of partials) await h.store.removeItem(partial);
      await h.store.removeItem(items.find((i) => i.recordingId === 'call_inv_a')!);
      await h.store.removeItem(items.find((i) => i.recordingId === 'call_inv_a')!); // idempotent
      const after = await collect(h.store.inventory(TENANT));
      expect(after.map((i) => `${i.kind}:${i.recordingId}`)).toEqual(['container:call_inv_b']);
      expect(await h.store.exists(a)).toBe(false);
      expect(await h.keys.hasDataKey(TENANT, a.keyId)).toBe(true); // the key is the key store's to remove
      // An item this store did not list is refused, and nothing changes.
      await expect(h.store.removeItem({ ...after[0]!, ref: `${after[0]!.ref}/../../other` })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await collect(h.store.inventory('t2'))).map((i) => i.recordingId)).toEqual(['call_other_tenant']);
    }));

    it('moves audio to the archive tier and back as is: thawed audio plays, discard works in either tier', withStore(async (h) => {
      const plain = randomBytes(h.chunkBytes * 3 + 9);
      const location = await put(h.store, 'call_tiered', plain);
      await h.store.moveTo(location, 'archive');
      expect(await h.store.existsIn(location, 'archive')).toBe(true);
      expect(await h.store.existsIn(location, 'hot')).toBe(false);
      expect(await h.store.exists(location)).toBe(false);
      await expect(readAll(h.store, location)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
      await h.store.moveTo(location, 'archive'); // idempotent: already there
      const archived = (await collect(h.store.inventory(TENANT))).filter((i) => i.recordingId === 'call_tiered');
      expect(archived.map((i) => [i.kind, i.tier])).toEqual([['container', 'archive']]);

      await h.store.moveTo(location, 'hot');
      expect(await h.store.existsIn(location, 'archive')).toBe(false);
      expect(await readAll(h.store, location, { start: 10, end: h.chunkBytes + 10 })).toEqual(plain.subarray(10, h.chunkBytes + 11));

      await h.store.moveTo(location, 'archive');
      await h.store.removeFrom(location, 'archive');
      await expect(h.store.moveTo(location, 'hot')).rejects.toMatchObject({ code: 'RECORDING_GONE' });

      // Crypto-shredding an archived recording: once its key is gone, a copy brought back cannot be read.
      const shredded = await put(h.store, 'call_archived_shred', randomBytes(500));
      await h.store.moveTo(shredded, 'archive');
      await h.store.discard(shredded);
      await h.store.moveTo(shredded, 'hot');
      await expect(readAll(h.store, shredded)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
    }));

    for (const mode of ['cut', '500'] as const) {
      it(`a server that fails mid-upload (${mode === 'cut' ? 'connection cut' : 'HTTP 500'}): write rejects, no container, the data key is gone`, withStore(async (h) => {
        if (!h.failUploadsAfter || h.partBytes === null) return;
        const keysBefore = h.keys.created.length;
        // Fails inside the second part of a multipart upload, and (second write) inside a single PUT.
        for (const [recordingId, size, after] of [
          ['call_failed_multi', h.partBytes * 3, h.partBytes + 1000],
          ['call_failed_single', h.chunkBytes * 2, 500],
        ] as const) {
          const fault = h.failUploadsAfter(after, mode);
          try {
            await expect(h.store.write(TENANT, recordingId, randomBytes(size))).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
            if (recordingId === 'call_failed_multi') expect(fault.abortsSent()).toBeGreaterThanOrEqual(1);
          } finally {
            fault.heal();
          }
          expect((await collect(h.store.inventory(TENANT))).filter((i) => i.kind === 'container')).toEqual([]);
        }
        // Each failed write created a data key and destroyed it again.
        const failedKeys = h.keys.created.slice(keysBefore);
        expect(failedKeys).toHaveLength(2);
        for (const keyId of failedKeys) expect(await h.keys.hasDataKey(TENANT, keyId)).toBe(false);
        // The store works again once the server does.
        const plain = randomBytes(h.partBytes + 10);
        const location = await put(h.store, 'call_after_fault', plain);
        expect(await readAll(h.store, location)).toEqual(plain);
      }));
    }
  });
}

/** A KeyVault that remembers the data keys created through it, so tests can check what became of each one. */
export interface TrackedKeyVault extends KeyVault {
  readonly created: readonly string[];
}

export function trackKeys(inner: KeyVault): TrackedKeyVault {
  const created: string[] = [];
  return {
    created,
    async createDataKey(tenantId, keyId) {
      const key = await inner.createDataKey(tenantId, keyId);
      created.push(keyId);
      return key;
    },
    getDataKey: (tenantId, keyId) => inner.getDataKey(tenantId, keyId),
    destroyDataKey: (tenantId, keyId) => inner.destroyDataKey(tenantId, keyId),
    hasDataKey: (tenantId, keyId) => inner.hasDataKey(tenantId, keyId),
  };
}
