import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import type { SigningKey } from './audit-checkpoint';
import { canonicalJson, type JsonValue } from './canonical-json';
import { equalHex, hmacHex, SHA256_HEX } from './digest';
import { validationError } from '../shared/validation';

/**
 * The manifest of an export bundle (R-ACC-3): every file of the zip with its SHA-256 and size, plus who asked
 * and who approved. Signed with HMAC-SHA256 over its canonical JSON, so the manifest's own formatting in the
 * zip does not matter; `callsight export verify` recomputes the digests and checks the signature offline.
 */
export interface BundleFile {
  /** Relative path inside the bundle, `/`-separated, no `..` segments. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface BundleMeta {
  readonly tenantId: string;
  readonly exportId: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** Free-form facts without personal data (reason code, call count, filter summary...). */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

export interface BundleManifest {
  readonly format: 'callsight-export-manifest';
  readonly version: 1;
  readonly meta: BundleMeta;
  /** Sorted by path. */
  readonly files: readonly BundleFile[];
  readonly fileCount: number;
  readonly totalBytes: number;
}

export interface SignedManifest {
  readonly manifest: BundleManifest;
  readonly signature: { readonly alg: 'HMAC-SHA256'; readonly keyId: string; readonly value: string };
}

const DOMAIN = 'callsight-export-manifest-v1';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const safePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'), 'must be a relative /-separated path without empty, . or .. segments');

const fileSchema = z.object({
  path: safePath,
  sha256: z.string().regex(SHA256_HEX, 'must be 64 lower-case hex characters'),
  bytes: z.number().int().nonnegative(),
});

const metaSchema = z.object({
  tenantId: z.string().min(1),
  exportId: z.string().min(1),
  requestedBy: z.string().min(1),
  approvedBy: z.string().min(1),
  createdAt: z.string().regex(ISO_UTC, 'must be an ISO-8601 UTC instant'),
  extra: z.record(z.string(), z.any()).optional(),
});

function fail(what: string, error: z.ZodError): CallsightError {
  return validationError(what, error);
}

/**
 * Builds a manifest from the bundle's files (the manifest itself is not listed). Throws VALIDATION_FAILED on
 * an unsafe or duplicate path, a malformed digest, or requester and approver being the same person.
 */
export function buildBundleManifest(files: readonly BundleFile[], meta: BundleMeta): BundleManifest {
  const parsedFiles = z.array(fileSchema).safeParse(files);
  if (!parsedFiles.success) throw fail('Bundle files rejected', parsedFiles.error);
  const parsedMeta = metaSchema.safeParse(meta);
  if (!parsedMeta.success) throw fail('Bundle metadata rejected', parsedMeta.error);
  if (meta.requestedBy === meta.approvedBy) throw new CallsightError('VALIDATION_FAILED', 'Bundle metadata rejected: an export must be approved by someone other than its requester.');
  const sorted = [...parsedFiles.data].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.path === sorted[i - 1]!.path) throw new CallsightError('VALIDATION_FAILED', `Bundle files rejected: ${sorted[i]!.path} is listed twice.`);
  }
  return {
    format: 'callsight-export-manifest',
    version: 1,
    meta: { ...meta },
    files: sorted,
    fileCount: sorted.length,
    totalBytes: sorted.reduce((sum, f) => sum + f.bytes, 0),
  };
}

/** Signs a manifest with HMAC-SHA256 over its canonical JSON. */
export function signManifest(manifest: BundleManifest, key: SigningKey): SignedManifest {
  return { manifest, signature: { alg: 'HMAC-SHA256', keyId: key.id, value: hmacHex(key.secret, DOMAIN, canonicalJson(manifest)) } };
}

export type ManifestProblem =
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unknown_key' }
  | { readonly kind: 'bad_signature' }
  | { readonly kind: 'missing_file'; readonly path: string }
  | { readonly kind: 'unexpected_file'; readonly path: string }
  | { readonly kind: 'digest_mismatch'; readonly path: string }
  | { readonly kind: 'size_mismatch'; readonly path: string };

export interface ManifestVerification {
  readonly ok: boolean;
  readonly problems: readonly ManifestProblem[];
}

const signedSchema = z.object({
  manifest: z.object({
    format: z.literal('callsight-export-manifest'),
    version: z.literal(1),
    meta: metaSchema,
    files: z.array(fileSchema),
    fileCount: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
  }),
  signature: z.object({ alg: z.literal('HMAC-SHA256'), keyId: z.string().min(1), value: z.string().regex(SHA256_HEX) }),
});

/**
 * Verifies a signed manifest (parsed JSON from a bundle) and, when `actualFiles` is given (digests the caller
 * computed from the zip's entries, manifest excluded), that every file is present, unchanged and nothing was
 * added. Never throws on bad input; lists every problem found.
 */
export function verifyManifest(
  signed: unknown,
  key: SigningKey | ((keyId: string) => SigningKey | undefined),
  actualFiles?: readonly BundleFile[],
): ManifestVerification {
  const parsed = signedSchema.safeParse(signed);
  if (!parsed.success) return { ok: false, problems: [{ kind: 'malformed' }] };
  const { manifest, signature } = signed as SignedManifest;
  const k = typeof key === 'function' ? key(signature.keyId) : key.id === signature.keyId ? key : undefined;
  if (k === undefined) return { ok: false, problems: [{ kind: 'unknown_key' }] };
  const problems: ManifestProblem[] = [];
  let expected: string;
  try {
    expected = hmacHex(k.secret, DOMAIN, canonicalJson(manifest));
  } catch {
    return { ok: false, problems: [{ kind: 'malformed' }] };
  }
  if (!equalHex(expected, signature.value)) problems.push({ kind: 'bad_signature' });
  if (actualFiles !== undefined) {
    const actual = new Map(actualFiles.map((f) => [f.path, f]));
    for (const listed of manifest.files) {
      const found = actual.get(listed.path);
      if (found === undefined) problems.push({ kind: 'missing_file', path: listed.path });
      else if (found.sha256 !== listed.sha256) problems.push({ kind: 'digest_mismatch', path: listed.path });
      else if (found.bytes !== listed.bytes) problems.push({ kind: 'size_mismatch', path: listed.path });
      actual.delete(listed.path);
    }
    for (const path of actual.keys()) problems.push({ kind: 'unexpected_file', path });
  }
  return { ok: problems.length === 0, problems };
}
