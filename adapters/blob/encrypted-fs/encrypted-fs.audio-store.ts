import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CallsightError } from '../../../core/shared/errors';
import { SAFE_ID_PATTERN as SAFE_ID } from '../../../core/shared/ids';
import type {
  AudioLocation,
  AudioStore,
  AudioStoreInventory,
  AudioTier,
  AudioTiering,
  ByteRange,
  StoredAudio,
  StoredItem,
} from '../../../core/recordings/audio-store.port';
import type { KeyVault } from '../../../core/recordings/key-vault.port';
import {
  HEADER_BYTES,
  NONCE_BYTES,
  TAG_BYTES,
  DEFAULT_CHUNK_BYTES,
  chunkOffset,
  chunkPlainLength,
  decodeHeader,
  decryptChunk,
  encryptContainer,
} from '../chunked-cipher';

const WRITE_BATCH_BYTES = 1024 * 1024;
const READ_BATCH_CHUNKS = 16;
/** A container's file name, and a temp file a write left behind (`<id>.csa.<uuid>.tmp`). */
const CONTAINER_FILE = /^([A-Za-z0-9_-]+)\.csa$/;
const TEMP_FILE = /^([A-Za-z0-9_-]+)\.csa\.[0-9a-f-]{36}\.tmp$/;

export interface EncryptedFsAudioStoreOptions {
  /** Root of the archive tier (AudioTiering); default `archive` beside `root` (DATA_DIR/audio -> DATA_DIR/archive). */
  readonly archiveRoot?: string;
}

/**
 * Encrypted audio on the local file system: one chunked AES-256-GCM container per recording under
 * `<root>/<tenant>/<2-char shard>/<recordingId>.csa`, each under its own data key from the KeyVault.
 * Writes go to a temp file, are fsynced, renamed into place, and the directory is fsynced.
 * The archive tier is a second folder of the same layout; moving between tiers renames the container.
 */
export class EncryptedFsAudioStore implements AudioStore, AudioStoreInventory, AudioTiering {
  private archiveStore: EncryptedFsAudioStore | null = null;

  constructor(
    private readonly root: string,
    private readonly keys: KeyVault,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly options: EncryptedFsAudioStoreOptions = {},
  ) {}

  /** The store of one tier: this store is the hot tier; the archive tier is a store over the archive folder. */
  private tier(tier: AudioTier): EncryptedFsAudioStore {
    if (tier === 'hot') return this;
    this.archiveStore ??= new EncryptedFsAudioStore(this.options.archiveRoot ?? join(dirname(this.root), 'archive'), this.keys, this.chunkBytes);
    return this.archiveStore;
  }

  /** The file of a recording's container in a tier (the hot tier unless told). */
  pathFor(tenantId: string, recordingId: string, tier: AudioTier = 'hot'): string {
    if (!SAFE_ID.test(tenantId) || !SAFE_ID.test(recordingId)) {
      throw new CallsightError('VALIDATION_FAILED', 'Recording ids use letters, digits, "-" and "_" only');
    }
    if (tier === 'archive') return this.tier('archive').pathFor(tenantId, recordingId);
    return join(this.root, tenantId, recordingId.slice(-2), `${recordingId}.csa`);
  }

  async write(tenantId: string, recordingId: string, audio: Uint8Array): Promise<StoredAudio> {
    const keyId = `k_${randomUUID().replaceAll('-', '')}`;
    const dataKey = await this.keys.createDataKey(tenantId, keyId);
    const file = this.pathFor(tenantId, recordingId);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      // Gather ~1 MiB of sealed chunks per write call: fewer syscalls, same bytes.
      let batch: Buffer[] = [];
      let batchBytes = 0;
      for (const part of encryptContainer(dataKey, recordingId, audio, this.chunkBytes)) {
        batch.push(part);
        batchBytes += part.length;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          await handle.writev(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) await handle.writev(batch);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(tmp, { force: true });
      await this.keys.destroyDataKey(tenantId, keyId);
      throw error;
    } finally {
      dataKey.fill(0);
    }
    await handle.close();
    await rename(tmp, file);
    await fsyncDirectory(dirname(file));
    const sha256 = createHash('sha256').update(audio).digest('hex');
    return { bytes: audio.byteLength, sha256, keyId };
  }

  async *read(location: AudioLocation, range?: ByteRange): AsyncIterable<Uint8Array> {
    const dataKey = await this.keys.getDataKey(location.tenantId, location.keyId);
    const file = this.pathFor(location.tenantId, location.recordingId);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (cause) {
      throw new CallsightError('RECORDING_GONE', 'The audio file is not in the store', { cause });
    }
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
      if (bytesRead !== HEADER_BYTES) throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio header is truncated');
      const layout = decodeHeader(header);
      if (layout.plainLength !== location.bytes) {
        throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio length does not match the catalogue');
      }
      if (layout.plainLength === 0) return;
      const start = range?.start ?? 0;
      const end = range?.end ?? layout.plainLength - 1;
      if (start < 0 || end >= layout.plainLength || start > end) {
        throw new CallsightError('RANGE_NOT_SATISFIABLE', 'The requested range is outside the recording');
      }
      const first = Math.floor(start / layout.chunkBytes);
      const last = Math.floor(end / layout.chunkBytes);
      // Read up to READ_BATCH_CHUNKS sealed chunks per call, but authenticate and yield them one by one.
      for (let batchFirst = first; batchFirst <= last; batchFirst += READ_BATCH_CHUNKS) {
        const batchLast = Math.min(last, batchFirst + READ_BATCH_CHUNKS - 1);
        const offset = chunkOffset(layout, batchFirst);
        const length = chunkOffset(layout, batchLast) + NONCE_BYTES + chunkPlainLength(layout, batchLast) + TAG_BYTES - offset;
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        for (let index = batchFirst; index <= batchLast; index++) {
          const from = chunkOffset(layout, index) - offset;
          const sealedLength = NONCE_BYTES + chunkPlainLength(layout, index) + TAG_BYTES;
          const sealed = buffer.subarray(Math.min(from, bytesRead), Math.min(from + sealedLength, bytesRead));
          const plain = decryptChunk(dataKey, location.recordingId, header, layout, index, sealed);
          const chunkStart = index * layout.chunkBytes;
          yield plain.subarray(Math.max(start - chunkStart, 0), Math.min(end - chunkStart + 1, plain.length));
        }
      }
      if (last === layout.chunkCount - 1) {
        const size = (await handle.stat()).size;
        const lastIndex = layout.chunkCount - 1;
        const expected = chunkOffset(layout, lastIndex) + NONCE_BYTES + chunkPlainLength(layout, lastIndex) + TAG_BYTES;
        if (size !== expected) {
          throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio has trailing bytes');
        }
      }
    } finally {
      dataKey.fill(0);
      await handle.close();
    }
  }

  async exists(location: AudioLocation): Promise<boolean> {
    try {
      await stat(this.pathFor(location.tenantId, location.recordingId));
      return true;
    } catch {
      return false;
    }
  }

  async remove(location: AudioLocation): Promise<void> {
    const file = this.pathFor(location.tenantId, location.recordingId);
    await rm(file, { force: true });
    await fsyncDirectory(dirname(file)).catch(() => undefined);
  }

  async discard(location: AudioLocation): Promise<void> {
    await this.keys.destroyDataKey(location.tenantId, location.keyId);
    await this.remove(location);
  }

  /**
   * Moves a recording's container to the other tier's folder as is: no decryption, no re-encryption, the data key
   * stays where it is (both tiers share the KeyVault). Crash-safe and idempotent: the file is durable at the target
   * before it leaves the source, and when the source no longer holds it but the target does, nothing is done.
   * Throws RECORDING_GONE when neither tier holds it.
   */
  async moveTo(location: AudioLocation, tier: AudioTier): Promise<void> {
    if (tier === 'archive') return this.moveBetween(location, this, this.tier('archive'));
    return this.moveBetween(location, this.tier('archive'), this);
  }

  async existsIn(location: AudioLocation, tier: AudioTier): Promise<boolean> {
    return this.tier(tier).exists(location);
  }

  async removeFrom(location: AudioLocation, tier: AudioTier): Promise<void> {
    return this.tier(tier).remove(location);
  }

  /**
   * Every container (`*.csa`) and temp file a crashed write left (`*.tmp`, partial) of the tenant, in both tiers.
   * `ref` is `<tier>/<path under the tier's root>`.
   */
  async *inventory(tenantId: string): AsyncIterable<StoredItem> {
    this.pathFor(tenantId, 'probe');
    for (const tier of ['hot', 'archive'] as const) {
      const tenantDir = join(this.tier(tier).root, tenantId);
      for (const shard of await listDir(tenantDir)) {
        for (const name of await listDir(join(tenantDir, shard))) {
          const container = CONTAINER_FILE.exec(name);
          const temp = container ? null : TEMP_FILE.exec(name);
          const recordingId = container?.[1] ?? temp?.[1];
          if (!recordingId) continue;
          let info;
          try {
            info = await stat(join(tenantDir, shard, name));
          } catch {
            continue; // removed while listing
          }
          if (!info.isFile()) continue;
          yield {
            tenantId,
            recordingId,
            kind: container ? 'container' : 'partial',
            ref: `${tier}/${tenantId}/${shard}/${name}`,
            modifiedAt: info.mtime,
            bytes: info.size,
            tier,
          };
        }
      }
    }
  }

  async removeItem(item: StoredItem): Promise<void> {
    const [tier, tenantId, shard, name, ...rest] = item.ref.split('/');
    const fileName = name ?? '';
    const matches = item.kind === 'container' ? CONTAINER_FILE.exec(fileName) : TEMP_FILE.exec(fileName);
    if ((tier !== 'hot' && tier !== 'archive') || tenantId !== item.tenantId || rest.length > 0 || !matches || matches[1] !== item.recordingId || shard !== item.recordingId.slice(-2)) {
      throw new CallsightError('VALIDATION_FAILED', 'The item is not one this store listed');
    }
    const file = join(this.tier(tier).root, tenantId, shard, fileName);
    await rm(file, { force: true });
    await fsyncDirectory(dirname(file)).catch(() => undefined);
  }

  private async moveBetween(location: AudioLocation, source: EncryptedFsAudioStore, target: EncryptedFsAudioStore): Promise<void> {
    const from = source.pathFor(location.tenantId, location.recordingId);
    const to = target.pathFor(location.tenantId, location.recordingId);
    if (from === to) return;
    if (!(await source.exists(location))) {
      if (await target.exists(location)) return;
      throw new CallsightError('RECORDING_GONE', 'The audio file is in neither store');
    }
    await mkdir(dirname(to), { recursive: true });
    try {
      await rename(from, to);
      await fsyncDirectory(dirname(to));
      await fsyncDirectory(dirname(from));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    }
    // Another file system: copy to a temp file, make it durable, put it in place, then drop the source.
    const tmp = `${to}.${randomUUID()}.tmp`;
    try {
      await copyFile(from, tmp, fsConstants.COPYFILE_EXCL);
      const handle = await open(tmp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, to);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await fsyncDirectory(dirname(to));
    await source.remove(location);
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
