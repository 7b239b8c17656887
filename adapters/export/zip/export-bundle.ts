import { CallsightError } from '../../../core/shared/errors';
import type { SigningKey } from '../../../core/audit/audit-checkpoint';
import {
  buildBundleManifest,
  signManifest,
  verifyManifest,
  type BundleFile,
  type BundleManifest,
  type BundleMeta,
  type ManifestProblem,
  type SignedManifest,
} from '../../../core/audit/export-manifest';
import { digestZipEntry, openZip } from './zip-reader';
import { streamZip, type ZipEntrySource } from './zip-writer';

/** Where the signed manifest sits in every bundle; it lists every other entry. */
export const MANIFEST_PATH = 'manifest.json';
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export type KeyResolver = SigningKey | ((keyId: string) => SigningKey | undefined);

/**
 * Streams an export bundle (R-ACC-3): the given entries, then `manifest.json` with the SHA-256 and size of each
 * one, signed with `key`. Entries are read once, in order. Throws VALIDATION_FAILED before writing the
 * manifest if a path is unsafe, repeated, or is the manifest's own.
 */
export function streamExportBundle(input: { readonly meta: BundleMeta; readonly entries: AsyncIterable<ZipEntrySource> | Iterable<ZipEntrySource>; readonly key: SigningKey }): AsyncGenerator<Uint8Array> {
  const mtime = new Date(input.meta.createdAt);
  const guarded = (async function* () {
    for await (const entry of input.entries) {
      if (entry.path === MANIFEST_PATH) throw new CallsightError('VALIDATION_FAILED', `A bundle entry may not be named ${MANIFEST_PATH}.`);
      yield entry;
    }
  })();
  return streamZip(
    guarded,
    (files: readonly BundleFile[]) => {
      const signed = signManifest(buildBundleManifest(files, input.meta), input.key);
      return { path: MANIFEST_PATH, content: new TextEncoder().encode(`${JSON.stringify(signed, null, 2)}\n`), compress: true };
    },
    { mtime },
  );
}

export type BundleProblem =
  | ManifestProblem
  | { readonly kind: 'missing_manifest' }
  | { readonly kind: 'duplicate_entry'; readonly path: string }
  | { readonly kind: 'unreadable'; readonly path: string; readonly detail: string };

export interface BundleVerification {
  readonly ok: boolean;
  readonly problems: readonly BundleProblem[];
  /** The manifest as read (whether or not its signature holds); null when absent or not JSON. */
  readonly manifest: BundleManifest | null;
  readonly keyId: string | null;
}

/** Reads a bundle's signed manifest without verifying it (to learn its tenant and key id). Null when absent or unreadable. */
export async function readBundleManifest(path: string): Promise<SignedManifest | null> {
  const { handle, entries } = await openZip(path);
  try {
    const entry = entries.find((e) => e.path === MANIFEST_PATH);
    if (!entry || entry.bytes > MAX_MANIFEST_BYTES) return null;
    const digest = await digestZipEntry(handle, entry, true);
    if (!digest.ok || !digest.content) return null;
    return parseManifest(digest.content);
  } finally {
    await handle.close();
  }
}

function parseManifest(content: Buffer): SignedManifest | null {
  try {
    return JSON.parse(content.toString('utf8')) as SignedManifest;
  } catch {
    return null;
  }
}

/**
 * Verifies a bundle file offline: the manifest's signature, then every entry against it (SHA-256 and size, no
 * entry missing or added), and the zip structure of each entry (local header, CRC-32, data descriptor), so one
 * changed byte anywhere in a file fails. Lists every problem; throws only when the file is not a zip at all.
 */
export async function verifyExportBundle(path: string, key: KeyResolver): Promise<BundleVerification> {
  const { handle, entries } = await openZip(path);
  try {
    const problems: BundleProblem[] = [];
    const seen = new Set<string>();
    const actual: BundleFile[] = [];
    let signed: SignedManifest | null = null;
    let manifestFound = false;
    for (const entry of entries) {
      if (seen.has(entry.path)) {
        problems.push({ kind: 'duplicate_entry', path: entry.path });
        continue;
      }
      seen.add(entry.path);
      const isManifest = entry.path === MANIFEST_PATH;
      if (isManifest && entry.bytes > MAX_MANIFEST_BYTES) {
        problems.push({ kind: 'unreadable', path: entry.path, detail: 'manifest too large' });
        manifestFound = true;
        continue;
      }
      const digest = await digestZipEntry(handle, entry, isManifest);
      if (!digest.ok) {
        problems.push({ kind: 'unreadable', path: entry.path, detail: digest.problem });
        if (isManifest) manifestFound = true;
        continue;
      }
      if (isManifest) {
        manifestFound = true;
        signed = digest.content ? parseManifest(digest.content) : null;
      } else {
        actual.push({ path: entry.path, sha256: digest.sha256, bytes: digest.bytes });
      }
    }
    if (!manifestFound) problems.push({ kind: 'missing_manifest' });
    else if (signed === null && !problems.some((p) => p.kind === 'unreadable' && p.path === MANIFEST_PATH)) problems.push({ kind: 'malformed' });
    if (signed !== null) problems.push(...verifyManifest(signed, key, actual).problems);
    const manifest = signed !== null && typeof signed === 'object' && signed.manifest && typeof signed.manifest === 'object' ? signed.manifest : null;
    const keyId = signed !== null && typeof signed?.signature?.keyId === 'string' ? signed.signature.keyId : null;
    return { ok: problems.length === 0, problems, manifest, keyId };
  } finally {
    await handle.close();
  }
}
