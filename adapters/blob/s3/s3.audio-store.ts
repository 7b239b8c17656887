import { createHash, randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type CompletedPart,
  type StorageClass,
} from '@aws-sdk/client-s3';
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
  DEFAULT_CHUNK_BYTES,
  HEADER_BYTES,
  chunkOffset,
  containerBytes,
  decodeHeader,
  decryptChunk,
  encodeHeader,
  encryptContainer,
  sealedChunkBytes,
} from '../chunked-cipher';

/** S3's smallest part (every part but the last): https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
/** Parts in flight at once: bounds memory to a few parts whatever the recording's length. */
const PART_CONCURRENCY = 4;
const CONTAINER_SUFFIX = '.csa';

export interface S3AudioStoreOptions {
  readonly bucket: string;
  /** Prepended to every key, e.g. `callsight/` (empty: the bucket's root). Hot containers live under `<prefix>audio/`. */
  readonly prefix?: string;
  /** Where archived containers live; default `<prefix>archive/`. Must not overlap the hot tier's keys. */
  readonly archivePrefix?: string;
  /**
   * Storage class of archived containers (e.g. STANDARD_IA, GLACIER_IR); default the bucket's. Only classes that
   * read at once: thaw-on-play copies the container back while the listener waits.
   */
  readonly archiveStorageClass?: StorageClass;
  /** Containers larger than this go up as a multipart upload in parts of this size; >= 5 MiB on S3 itself. */
  readonly partBytes?: number;
  readonly chunkBytes?: number;
}

/** Connection settings of createS3Client; credentials absent = the SDK's default chain (env, profile, IMDS...). */
export interface S3ClientSettings {
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per request, retries included (SDK default 3). */
  readonly maxAttempts?: number;
}

/**
 * The S3 client of the audio store. Two things differ from the SDK's defaults, both on purpose:
 * - Request checksums only where an operation requires them: S3-compatible stores (older MinIO, Alibaba OSS,
 *   Tencent COS) refuse the CRC32 trailers that the SDK adds by default since 3.729; every body still carries a
 *   Content-MD5 that the server checks, and the container authenticates every chunk on read.
 * - The SDK's NodeVersionSupportWarning (AWS ends Node 20 support in 2027) is silenced with the switch AWS documents
 *   for it (https://github.com/aws/aws-sdk-js-v3/issues/7983), unless the operator set that switch themselves:
 *   the hub's own check-system step reports the Node version; users should not see an SDK notice at every start.
 */
export function createS3Client(settings: S3ClientSettings): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: { ...settings.credentials } } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
  });
}

/**
 * Encrypted audio in an S3-compatible bucket (AWS S3, MinIO, Alibaba OSS, Tencent COS): the same chunked AES-256-GCM
 * container as the data-folder store, one object per recording at `<prefix>audio/<tenant>/<recordingId>.csa`, each
 * under its own data key from the KeyVault.
 * - `write` resolves once the bucket answered the PUT (or CompleteMultipartUpload) with success: S3 acknowledges only
 *   durably stored objects. On any failure the multipart upload is aborted, the object deleted if it got through and
 *   the data key destroyed, so nothing readable is left.
 * - `read` fetches the 24-byte header, then only the byte span of the chunks the range needs, and authenticates each
 *   chunk before yielding any of its bytes.
 * - The archive tier is another key prefix (and storage class); moving copies server-side, then deletes the source.
 */
export class S3AudioStore implements AudioStore, AudioStoreInventory, AudioTiering {
  private readonly prefix: string;
  private readonly archivePrefix: string;
  private readonly partBytes: number;
  private readonly chunkBytes: number;

  constructor(
    private readonly client: S3Client,
    private readonly keys: KeyVault,
    private readonly options: S3AudioStoreOptions,
  ) {
    this.prefix = options.prefix ?? '';
    this.archivePrefix = options.archivePrefix ?? `${this.prefix}archive/`;
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const hot = this.tierPrefix('hot');
    if (hot.startsWith(this.archivePrefix) || this.archivePrefix.startsWith(hot)) {
      throw new CallsightError('VALIDATION_FAILED', 'The archive prefix must not overlap the hot tier\'s keys');
    }
    if (!Number.isInteger(this.partBytes) || this.partBytes < 1024) {
      throw new CallsightError('VALIDATION_FAILED', 'The multipart part size must be a whole number of bytes, at least 1 KiB');
    }
  }

  private tierPrefix(tier: AudioTier): string {
    return tier === 'hot' ? `${this.prefix}audio/` : this.archivePrefix;
  }

  /** Closes the client's pooled connections (the hub's close). */
  close(): void {
    this.client.destroy();
  }

  /** The object key of a recording's container in a tier. */
  keyFor(tenantId: string, recordingId: string, tier: AudioTier = 'hot'): string {
    if (!SAFE_ID.test(tenantId) || !SAFE_ID.test(recordingId)) {
      throw new CallsightError('VALIDATION_FAILED', 'Recording ids use letters, digits, "-" and "_" only');
    }
    return `${this.tierPrefix(tier)}${tenantId}/${recordingId}${CONTAINER_SUFFIX}`;
  }

  async write(tenantId: string, recordingId: string, audio: Uint8Array): Promise<StoredAudio> {
    const key = this.keyFor(tenantId, recordingId);
    const keyId = `k_${randomUUID().replaceAll('-', '')}`;
    const dataKey = await this.keys.createDataKey(tenantId, keyId);
    const upload: { id: string | null; sent: boolean } = { id: null, sent: false };
    try {
      const total = containerBytes(decodeHeader(encodeHeader(this.chunkBytes, audio.byteLength)));
      const container = encryptContainer(dataKey, recordingId, audio, this.chunkBytes);
      if (total <= this.partBytes) {
        const body = Buffer.concat([...container], total);
        upload.sent = true;
        await this.send('PutObject', () =>
          this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentLength: body.length, ContentMD5: md5(body), ContentType: 'application/octet-stream' })),
        );
      } else {
        await this.multipartUpload(key, container, upload);
      }
    } catch (error) {
      await this.undoWrite(key, tenantId, keyId, upload);
      throw error;
    } finally {
      dataKey.fill(0);
    }
    const sha256 = createHash('sha256').update(audio).digest('hex');
    return { bytes: audio.byteLength, sha256, keyId };
  }

  /** Parts of `partBytes` (the last one shorter), PART_CONCURRENCY at a time, then CompleteMultipartUpload. */
  private async multipartUpload(key: string, container: Iterable<Buffer>, upload: { id: string | null; sent: boolean }): Promise<void> {
    const created = await this.send('CreateMultipartUpload', () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, ContentType: 'application/octet-stream' })),
    );
    if (!created.UploadId) throw new CallsightError('UPSTREAM_FAILED', 'Object storage started a multipart upload without an upload id');
    upload.id = created.UploadId;
    const uploadId = created.UploadId;
    const parts: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    const sendPart = (partNumber: number, body: Buffer) => {
      const sending = this.send('UploadPart', () =>
        this.client.send(new UploadPartCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length, ContentMD5: md5(body) })),
      )
        .then((answer) => {
          parts.push({ PartNumber: partNumber, ETag: answer.ETag });
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    };
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let partNumber = 0;
    for (const piece of container) {
      pending.push(piece);
      pendingBytes += piece.length;
      while (pendingBytes >= this.partBytes) {
        const joined = Buffer.concat(pending, pendingBytes);
        sendPart(++partNumber, joined.subarray(0, this.partBytes));
        pending = pendingBytes > this.partBytes ? [joined.subarray(this.partBytes)] : [];
        pendingBytes -= this.partBytes;
        while (inFlight.size >= PART_CONCURRENCY) await Promise.race(inFlight);
        if (failure) break;
      }
      if (failure) break;
    }
    if (!failure && pendingBytes > 0) sendPart(++partNumber, Buffer.concat(pending, pendingBytes));
    await Promise.all(inFlight);
    if (failure) throw failure;
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    upload.sent = true;
    await this.send('CompleteMultipartUpload', () =>
      this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })),
    );
  }

  /**
   * After a failed write: abort the multipart upload (its parts are never readable), delete the object in case the
   * final request reached the bucket although its answer did not reach us, and destroy the data key. Cleanup
   * failures are swallowed: the write's own error is what the caller must see, and without the key nothing left
   * behind can be decrypted; the inventory lists any leftover for garbage collection.
   */
  private async undoWrite(key: string, tenantId: string, keyId: string, upload: { id: string | null; sent: boolean }): Promise<void> {
    if (upload.id) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, UploadId: upload.id })).catch(() => undefined);
    }
    if (upload.sent) await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key })).catch(() => undefined);
    await this.keys.destroyDataKey(tenantId, keyId);
  }

  async *read(location: AudioLocation, range?: ByteRange): AsyncIterable<Uint8Array> {
    const dataKey = await this.keys.getDataKey(location.tenantId, location.keyId);
    const key = this.keyFor(location.tenantId, location.recordingId);
    try {
      const head = await this.getRange(key, 0, HEADER_BYTES - 1);
      const header = head.bytes;
      if (header.length !== HEADER_BYTES) throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio header is truncated');
      const layout = decodeHeader(header);
      if (layout.plainLength !== location.bytes) {
        throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio length does not match the catalogue');
      }
      // The object's full size comes with the header's Content-Range: appended or missing bytes show up here.
      if (head.objectBytes !== containerBytes(layout)) {
        throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio size does not match its header');
      }
      if (layout.plainLength === 0) return;
      const start = range?.start ?? 0;
      const end = range?.end ?? layout.plainLength - 1;
      if (start < 0 || end >= layout.plainLength || start > end) {
        throw new CallsightError('RANGE_NOT_SATISFIABLE', 'The requested range is outside the recording');
      }
      const first = Math.floor(start / layout.chunkBytes);
      const last = Math.floor(end / layout.chunkBytes);
      const spanStart = chunkOffset(layout, first);
      const spanEnd = chunkOffset(layout, last) + sealedChunkBytes(layout, last) - 1;
      const body = await this.openRange(key, spanStart, spanEnd);
      try {
        // Cut the streamed span into sealed chunks; each is authenticated before any of its bytes are yielded.
        let index = first;
        let buffered: Buffer[] = [];
        let bufferedBytes = 0;
        for await (const piece of body.stream) {
          buffered.push(Buffer.from(piece));
          bufferedBytes += piece.byteLength;
          while (index <= last && bufferedBytes >= sealedChunkBytes(layout, index)) {
            const need = sealedChunkBytes(layout, index);
            const joined = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered, bufferedBytes);
            const plain = decryptChunk(dataKey, location.recordingId, header, layout, index, joined.subarray(0, need));
            buffered = bufferedBytes > need ? [joined.subarray(need)] : [];
            bufferedBytes -= need;
            const chunkStart = index * layout.chunkBytes;
            index++;
            yield plain.subarray(Math.max(start - chunkStart, 0), Math.min(end - chunkStart + 1, plain.length));
          }
        }
        if (index <= last || bufferedBytes > 0) {
          throw new CallsightError('RECORDING_INTEGRITY', `Stored audio chunk ${Math.min(index, last)} is truncated`);
        }
      } finally {
        body.close();
      }
    } finally {
      dataKey.fill(0);
    }
  }

  async exists(location: AudioLocation): Promise<boolean> {
    return this.existsIn(location, 'hot');
  }

  async remove(location: AudioLocation): Promise<void> {
    return this.removeFrom(location, 'hot');
  }

  async discard(location: AudioLocation): Promise<void> {
    await this.keys.destroyDataKey(location.tenantId, location.keyId);
    await this.remove(location);
  }

  async existsIn(location: AudioLocation, tier: AudioTier): Promise<boolean> {
    const key = this.keyFor(location.tenantId, location.recordingId, tier);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw upstream('HeadObject', error);
    }
  }

  async removeFrom(location: AudioLocation, tier: AudioTier): Promise<void> {
    const key = this.keyFor(location.tenantId, location.recordingId, tier);
    await this.send('DeleteObject', () => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key })));
  }

  /**
   * Copies the container to the other tier's key server-side (the bucket never hands out the bytes, nothing is
   * decrypted), then deletes the source. A crash in between leaves a copy in both tiers; the next move finds the
   * target and only deletes the source. Copies up to 5 GiB (CopyObject's limit; recordings are far smaller).
   */
  async moveTo(location: AudioLocation, tier: AudioTier): Promise<void> {
    const from: AudioTier = tier === 'archive' ? 'hot' : 'archive';
    const sourceKey = this.keyFor(location.tenantId, location.recordingId, from);
    const targetKey = this.keyFor(location.tenantId, location.recordingId, tier);
    if (!(await this.existsIn(location, from))) {
      if (await this.existsIn(location, tier)) return;
      throw new CallsightError('RECORDING_GONE', 'The audio object is in neither tier');
    }
    const storageClass = tier === 'archive' ? this.options.archiveStorageClass : undefined;
    await this.send('CopyObject', () =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: this.options.bucket,
          Key: targetKey,
          CopySource: `${this.options.bucket}/${encodeURIComponent(sourceKey).replaceAll('%2F', '/')}`,
          ...(storageClass ? { StorageClass: storageClass } : {}),
        }),
      ),
    );
    await this.removeFrom(location, from);
  }

  /**
   * Containers of both tiers (ListObjectsV2) and unfinished multipart uploads of the hot tier (ListMultipartUploads:
   * what a process killed mid-upload leaves). A server without ListMultipartUploads (s3rver) lists containers only;
   * a bucket lifecycle rule AbortIncompleteMultipartUpload removes such leftovers there (docs/decisions/object-storage.md).
   */
  async *inventory(tenantId: string): AsyncIterable<StoredItem> {
    this.keyFor(tenantId, 'probe');
    for (const tier of ['hot', 'archive'] as const) {
      const prefix = `${this.tierPrefix(tier)}${tenantId}/`;
      let token: string | undefined;
      do {
        const page = await this.send('ListObjectsV2', () =>
          this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
        );
        for (const object of page.Contents ?? []) {
          const recordingId = recordingIdOf(object.Key ?? '', prefix);
          if (!recordingId) continue;
          yield { tenantId, recordingId, kind: 'container', ref: object.Key!, modifiedAt: object.LastModified ?? new Date(0), bytes: object.Size ?? 0, tier };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    yield* this.unfinishedUploads(tenantId);
  }

  private async *unfinishedUploads(tenantId: string): AsyncIterable<StoredItem> {
    const prefix = `${this.tierPrefix('hot')}${tenantId}/`;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.options.bucket, Prefix: prefix, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}) }),
        );
      } catch (error) {
        if (isNotImplemented(error)) return;
        throw upstream('ListMultipartUploads', error);
      }
      for (const upload of page.Uploads ?? []) {
        const recordingId = recordingIdOf(upload.Key ?? '', prefix);
        if (!recordingId || !upload.UploadId) continue;
        // ref: the upload id and the key, so removeItem can abort exactly this upload.
        yield { tenantId, recordingId, kind: 'partial', ref: `${upload.UploadId} ${upload.Key}`, modifiedAt: upload.Initiated ?? new Date(0), bytes: 0, tier: 'hot' };
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  }

  async removeItem(item: StoredItem): Promise<void> {
    if (item.kind === 'partial') {
      const [uploadId, key, ...rest] = item.ref.split(' ');
      if (!uploadId || rest.length > 0 || key !== this.keyFor(item.tenantId, item.recordingId, 'hot')) {
        throw new CallsightError('VALIDATION_FAILED', 'The item is not one this store listed');
      }
      try {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId }));
      } catch (error) {
        if (!isNotFound(error)) throw upstream('AbortMultipartUpload', error);
      }
      return;
    }
    const tier = item.tier ?? 'hot';
    if (item.ref !== this.keyFor(item.tenantId, item.recordingId, tier)) {
      throw new CallsightError('VALIDATION_FAILED', 'The item is not one this store listed');
    }
    await this.send('DeleteObject', () => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: item.ref })));
  }

  /** A small ranged GET read whole, with the object's full size from Content-Range. */
  private async getRange(key: string, first: number, last: number): Promise<{ bytes: Buffer; objectBytes: number }> {
    const body = await this.openRange(key, first, last);
    try {
      const pieces: Buffer[] = [];
      for await (const piece of body.stream) pieces.push(Buffer.from(piece));
      return { bytes: Buffer.concat(pieces), objectBytes: body.objectBytes };
    } finally {
      body.close();
    }
  }

  private async openRange(key: string, first: number, last: number): Promise<{ stream: AsyncIterable<Uint8Array>; objectBytes: number; close(): void }> {
    let answer;
    try {
      answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: `bytes=${first}-${last}` }));
    } catch (error) {
      if (isNotFound(error)) throw new CallsightError('RECORDING_GONE', 'The audio object is not in the bucket', { cause: error });
      // An object shorter than the range's start (e.g. empty) cannot be a container.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) {
        throw new CallsightError('RECORDING_INTEGRITY', 'Stored audio is truncated', { cause: error });
      }
      throw upstream('GetObject', error);
    }
    const total = /\/(\d+)$/.exec(answer.ContentRange ?? '')?.[1];
    const body = answer.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body || total === undefined) {
      (body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new CallsightError('UPSTREAM_FAILED', 'Object storage answered a ranged GET without a Content-Range');
    }
    return { stream: body, objectBytes: Number(total), close: () => body.destroy?.() };
  }

  private async send<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw upstream(operation, error);
    }
  }
}

function md5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

function recordingIdOf(key: string, prefix: string): string | null {
  if (!key.startsWith(prefix) || !key.endsWith(CONTAINER_SUFFIX)) return null;
  const id = key.slice(prefix.length, -CONTAINER_SUFFIX.length);
  return SAFE_ID.test(id) ? id : null;
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.name === 'NoSuchUpload' || error.$metadata.httpStatusCode === 404;
}

function isNotImplemented(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NotImplemented' || error.$metadata.httpStatusCode === 501);
}

/** An object-storage failure as UPSTREAM_FAILED, naming the operation and status only (no keys, no credentials). */
function upstream(operation: string, error: unknown): Error {
  if (error instanceof CallsightError) return error;
  const status = error instanceof S3ServiceException ? ` (${error.name}, HTTP ${error.$metadata.httpStatusCode ?? '?'})` : '';
  return new CallsightError('UPSTREAM_FAILED', `Object storage failed on ${operation}${status}`, { cause: error });
}
