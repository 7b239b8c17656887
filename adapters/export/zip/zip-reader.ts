import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { CallsightError } from '../../../core/shared/errors';

/** An entry as the central directory describes it. */
export interface ZipEntryInfo {
  readonly path: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedBytes: number;
  readonly bytes: number;
  readonly localHeaderOffset: number;
  /** Bytes 6..16 of the central record (flags, method, time, date), which the local header must repeat. */
  readonly fixedFields: Buffer;
  readonly extra: Buffer;
}

/** The outcome of reading one entry: its digest, or why its bytes cannot be trusted. */
export type ZipEntryDigest =
  | { readonly path: string; readonly ok: true; readonly sha256: string; readonly bytes: number; readonly content?: Buffer }
  | { readonly path: string; readonly ok: false; readonly problem: string };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const DESCRIPTOR_SIGNATURE = 0x08074b50;
const CHUNK_BYTES = 1024 * 1024;
/** Deflated entries are small JSON files; anything larger is refused instead of inflated into memory. */
const MAX_DEFLATED_BYTES = 256 * 1024 * 1024;

function malformed(why: string): CallsightError {
  return new CallsightError('VALIDATION_FAILED', `The file is not a readable zip archive (${why}).`);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw malformed('unexpected end of file');
    done += bytesRead;
  }
  return buffer;
}

/** Reads the central directory. Throws VALIDATION_FAILED when the archive is not a plain (non-ZIP64) zip. */
export async function readZipDirectory(handle: FileHandle): Promise<ZipEntryInfo[]> {
  const { size } = await handle.stat();
  if (size < 22) throw malformed('too short');
  const tailBytes = Math.min(size, 22 + 0xffff);
  const tail = await readAt(handle, size - tailBytes, tailBytes);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw malformed('no end-of-central-directory record');
  const count = tail.readUInt16LE(eocd + 10);
  const directoryBytes = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw malformed('ZIP64 archives are not produced by Callsight');
  if (directoryOffset + directoryBytes > size - tailBytes + eocd) throw malformed('central directory out of bounds');
  const directory = await readAt(handle, directoryOffset, directoryBytes);
  const entries: ZipEntryInfo[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw malformed('bad central directory record');
    const nameBytes = directory.readUInt16LE(at + 28);
    const extraBytes = directory.readUInt16LE(at + 30);
    const commentBytes = directory.readUInt16LE(at + 32);
    const end = at + 46 + nameBytes + extraBytes + commentBytes;
    if (end > directory.length) throw malformed('central directory record out of bounds');
    entries.push({
      path: directory.toString('utf8', at + 46, at + 46 + nameBytes),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedBytes: directory.readUInt32LE(at + 20),
      bytes: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
      fixedFields: Buffer.from(directory.subarray(at + 8, at + 16)),
      extra: Buffer.from(directory.subarray(at + 46 + nameBytes, at + 46 + nameBytes + extraBytes)),
    });
    at = end;
  }
  if (at !== directory.length) throw malformed('central directory size does not match its records');
  return entries;
}

/**
 * Reads one entry and checks that its local header, data and data descriptor agree with the central directory
 * and its CRC-32; returns the SHA-256 of its plain bytes. `keepContent` keeps the plain bytes (for small files
 * such as the manifest). Streams stored entries in 1 MiB reads.
 */
export async function digestZipEntry(handle: FileHandle, entry: ZipEntryInfo, keepContent = false): Promise<ZipEntryDigest> {
  const fail = (problem: string): ZipEntryDigest => ({ path: entry.path, ok: false, problem });
  const header = await readAt(handle, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) return fail('local header missing');
  if (!header.subarray(6, 14).equals(entry.fixedFields)) return fail('local header differs from the central directory');
  const nameBytes = header.readUInt16LE(26);
  const extraBytes = header.readUInt16LE(28);
  const names = await readAt(handle, entry.localHeaderOffset + 30, nameBytes + extraBytes);
  if (names.toString('utf8', 0, nameBytes) !== entry.path) return fail('local file name differs from the central directory');
  if (!names.subarray(nameBytes).equals(entry.extra)) return fail('local extra field differs from the central directory');
  const usesDescriptor = (entry.flags & 0x08) !== 0;
  const localSizes = [header.readUInt32LE(14), header.readUInt32LE(18), header.readUInt32LE(22)];
  const centralSizes = [entry.crc, entry.compressedBytes, entry.bytes];
  const sizesAgree = localSizes.every((v, i) => v === centralSizes[i] || (usesDescriptor && v === 0));
  if (!sizesAgree) return fail('local sizes differ from the central directory');
  const dataStart = entry.localHeaderOffset + 30 + nameBytes + extraBytes;

  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  const kept: Buffer[] = [];
  const take = (plain: Buffer) => {
    hash.update(plain);
    crc = crc32(plain, crc);
    bytes += plain.length;
    if (keepContent) kept.push(plain);
  };
  if (entry.method === 0) {
    if (entry.compressedBytes !== entry.bytes) return fail('stored entry sizes disagree');
    for (let done = 0; done < entry.compressedBytes; done += CHUNK_BYTES) {
      take(await readAt(handle, dataStart + done, Math.min(CHUNK_BYTES, entry.compressedBytes - done)));
    }
  } else if (entry.method === 8) {
    if (entry.compressedBytes > MAX_DEFLATED_BYTES || entry.bytes > MAX_DEFLATED_BYTES) return fail('deflated entry too large');
    try {
      take(inflateRawSync(await readAt(handle, dataStart, entry.compressedBytes), { maxOutputLength: Math.max(entry.bytes, 1) }));
    } catch {
      return fail('deflated data is corrupt');
    }
  } else {
    return fail(`compression method ${entry.method} is not used by Callsight`);
  }
  if (bytes !== entry.bytes) return fail('size differs from the central directory');
  if ((crc >>> 0) !== entry.crc) return fail('CRC-32 mismatch');
  if (usesDescriptor) {
    const descriptor = await readAt(handle, dataStart + entry.compressedBytes, 16);
    const offset = descriptor.readUInt32LE(0) === DESCRIPTOR_SIGNATURE ? 4 : 0;
    const values = [descriptor.readUInt32LE(offset), descriptor.readUInt32LE(offset + 4), descriptor.readUInt32LE(offset + 8)];
    if (!values.every((v, i) => v === centralSizes[i])) return fail('data descriptor differs from the central directory');
  }
  return { path: entry.path, ok: true, sha256: hash.digest('hex'), bytes, ...(keepContent ? { content: Buffer.concat(kept) } : {}) };
}

/** Opens a zip file for reading its entries; close the handle when done. */
export async function openZip(path: string): Promise<{ handle: FileHandle; entries: ZipEntryInfo[] }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new CallsightError('NOT_FOUND', `Cannot open the bundle file: ${(cause as NodeJS.ErrnoException).code ?? 'unreadable'}.`, { cause });
  }
  try {
    return { handle, entries: await readZipDirectory(handle) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
