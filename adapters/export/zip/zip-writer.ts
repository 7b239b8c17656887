import { createHash } from 'node:crypto';
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import type { BundleFile } from '../../../core/audit/export-manifest';

/** One file to put in a zip: its bytes, whole or streamed in chunks. */
export interface ZipEntrySource {
  /** `/`-separated path inside the archive. */
  readonly path: string;
  readonly content: Uint8Array | AsyncIterable<Uint8Array>;
  /** Deflate the entry (text); audio is stored as is, it does not compress. */
  readonly compress?: boolean;
}

/** The last entry, built once every other entry's digest is known (the signed manifest). */
export type ClosingEntry = (files: readonly BundleFile[]) => ZipEntrySource & { readonly content: Uint8Array };

/**
 * Streams a zip archive: each entry is read once, hashed (SHA-256 and size of its plain bytes) while it is
 * written, and `close` receives every digest to build the final entry. Memory stays at one chunk per entry
 * plus fflate's buffers; the consumer's pace drives reading (async generator back-pressure).
 * No ZIP64: the caller keeps archives under 4 GiB.
 */
export async function* streamZip(entries: AsyncIterable<ZipEntrySource> | Iterable<ZipEntrySource>, close: ClosingEntry, options: { mtime?: Date } = {}): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw failure;
    while (pending.length > 0) yield pending.shift()!;
  };
  const files: BundleFile[] = [];
  const addEntry = async function* (entry: ZipEntrySource): AsyncGenerator<Uint8Array> {
    const file: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void } = entry.compress ? new ZipDeflate(entry.path, { level: 6 }) : new ZipPassThrough(entry.path);
    if (options.mtime) file.mtime = options.mtime;
    zip.add(file);
    const hash = createHash('sha256');
    let bytes = 0;
    if (entry.content instanceof Uint8Array) {
      hash.update(entry.content);
      bytes = entry.content.byteLength;
      file.push(entry.content, true);
    } else {
      for await (const chunk of entry.content) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        file.push(chunk, false);
        yield* drain();
      }
      file.push(new Uint8Array(0), true);
    }
    yield* drain();
    files.push({ path: entry.path, sha256: hash.digest('hex'), bytes });
  };
  try {
    for await (const entry of entries) yield* addEntry(entry);
    yield* addEntry(close([...files]));
    zip.end();
    yield* drain();
  } catch (error) {
    zip.terminate();
    throw error;
  }
}
