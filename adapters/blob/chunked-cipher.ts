import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CallsightError } from '../../core/shared/errors';

/**
 * Chunked AES-256-GCM container ("CSA1"), written byte for byte the same by every audio store (the data folder and
 * object storage), so a recording moves between stores and tiers without being decrypted or re-encrypted.
 *
 * header (24 bytes): magic "CSA1" | version u8 = 1 | reserved u8[3] | chunkSize u32 BE | plainLength u64 BE | reserved u32
 * chunk i:           nonce (12 random bytes) | ciphertext (chunkSize bytes; the last chunk may be shorter) | tag (16)
 *
 * Each chunk's AAD is: header | recordingId (UTF-8) | 0x00 | chunk index u32 BE | last-chunk flag u8.
 * So a chunk cannot be moved to another recording or position, the header (and its length) cannot be altered,
 * and cutting the file short is detected because the chunk that must carry the last flag is missing or
 * authenticates only with the flag it was written with.
 */
export const HEADER_BYTES = 24;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
const MAGIC = Buffer.from('CSA1');

export interface ContainerLayout {
  readonly chunkBytes: number;
  readonly plainLength: number;
  readonly chunkCount: number;
}

export function encodeHeader(chunkBytes: number, plainLength: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(1, 4);
  header.writeUInt32BE(chunkBytes, 8);
  header.writeBigUInt64BE(BigInt(plainLength), 12);
  return header;
}

export function decodeHeader(header: Buffer): ContainerLayout {
  if (header.length < HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC) || header.readUInt8(4) !== 1) {
    throw new CallsightError('RECORDING_INTEGRITY', 'The stored audio container header is not valid');
  }
  const chunkBytes = header.readUInt32BE(8);
  const plainLength = Number(header.readBigUInt64BE(12));
  if (chunkBytes < 1024 || chunkBytes > 16 * 1024 * 1024) {
    throw new CallsightError('RECORDING_INTEGRITY', 'The stored audio container header is not valid');
  }
  return { chunkBytes, plainLength, chunkCount: Math.max(1, Math.ceil(plainLength / chunkBytes)) };
}

/** Byte offset of chunk `index` in the container file. */
export function chunkOffset(layout: ContainerLayout, index: number): number {
  return HEADER_BYTES + index * (NONCE_BYTES + layout.chunkBytes + TAG_BYTES);
}

/** Plain length of chunk `index`. */
export function chunkPlainLength(layout: ContainerLayout, index: number): number {
  if (index < layout.chunkCount - 1) return layout.chunkBytes;
  return layout.plainLength - index * layout.chunkBytes;
}

function chunkAad(header: Buffer, recordingId: string, index: number, last: boolean): Buffer {
  const id = Buffer.from(recordingId, 'utf8');
  const aad = Buffer.alloc(header.length + id.length + 6);
  header.copy(aad, 0);
  id.copy(aad, header.length);
  aad.writeUInt8(0, header.length + id.length);
  aad.writeUInt32BE(index, header.length + id.length + 1);
  aad.writeUInt8(last ? 1 : 0, header.length + id.length + 5);
  return aad;
}

/**
 * Encrypts a whole recording into container parts: the header, then one Buffer per chunk (nonce, ciphertext
 * and tag laid out contiguously so they can be written without copying).
 */
export function* encryptContainer(
  key: Uint8Array,
  recordingId: string,
  plain: Uint8Array,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<Buffer> {
  const header = encodeHeader(chunkBytes, plain.byteLength);
  yield header;
  const layout = decodeHeader(header);
  // One call for every nonce of the recording: each chunk still gets its own random 96-bit nonce.
  const nonces = randomBytes(NONCE_BYTES * layout.chunkCount);
  for (let i = 0; i < layout.chunkCount; i++) {
    const start = i * chunkBytes;
    const slice = plain.subarray(start, Math.min(start + chunkBytes, plain.byteLength));
    const sealed = Buffer.allocUnsafe(NONCE_BYTES + slice.byteLength + TAG_BYTES);
    const nonce = nonces.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
    nonce.copy(sealed, 0);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(chunkAad(header, recordingId, i, i === layout.chunkCount - 1));
    const body = cipher.update(slice);
    body.copy(sealed, NONCE_BYTES);
    cipher.final();
    cipher.getAuthTag().copy(sealed, NONCE_BYTES + body.length);
    yield sealed;
  }
}

/** Decrypts one chunk; throws RECORDING_INTEGRITY when it does not authenticate (no plaintext is returned). */
export function decryptChunk(
  key: Uint8Array,
  recordingId: string,
  header: Buffer,
  layout: ContainerLayout,
  index: number,
  sealed: Buffer,
): Buffer {
  const expected = NONCE_BYTES + chunkPlainLength(layout, index) + TAG_BYTES;
  if (sealed.length !== expected) {
    throw new CallsightError('RECORDING_INTEGRITY', `Stored audio chunk ${index} is truncated`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(chunkAad(header, recordingId, index, index === layout.chunkCount - 1));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const out = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    decipher.final();
    return out;
  } catch (cause) {
    throw new CallsightError('RECORDING_INTEGRITY', `Stored audio chunk ${index} failed authentication`, { cause });
  }
}

/** Size in bytes of the whole container of a recording of this layout (header and every sealed chunk). */
export function containerBytes(layout: ContainerLayout): number {
  const last = layout.chunkCount - 1;
  return chunkOffset(layout, last) + NONCE_BYTES + chunkPlainLength(layout, last) + TAG_BYTES;
}

/** Size in bytes of sealed chunk `index` (nonce, ciphertext, tag). */
export function sealedChunkBytes(layout: ContainerLayout, index: number): number {
  return NONCE_BYTES + chunkPlainLength(layout, index) + TAG_BYTES;
}
