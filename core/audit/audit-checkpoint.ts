import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import { canonicalJson } from './canonical-json';
import { equalHex, hmacHex, SHA256_HEX } from './digest';
import { validationError } from '../shared/validation';

/**
 * A signed statement of a tenant's chain head, handed to regulators with an audit export (R-ACC-5) and kept
 * by the hub: later verification against it catches a truncated or wholesale recomputed chain.
 * Signed with HMAC-SHA256: the verifier needs the tenant's audit key (Ed25519 would let third parties verify
 * without it; see docs/decisions/audit-chain.md).
 */
export interface AuditCheckpoint {
  readonly version: 1;
  readonly tenantId: string;
  /** Seq of the head event. */
  readonly seq: number;
  /** Hash of the head event. */
  readonly hash: string;
  /** ISO-8601 UTC instant at which the checkpoint was made. */
  readonly at: string;
  /** Number of events present and verified from the chain's start (genesis or prune anchor) to the head. */
  readonly count: number;
}

export interface SignedCheckpoint extends AuditCheckpoint {
  readonly alg: 'HMAC-SHA256';
  /** Identifies the key, so keys can rotate; never the key itself. */
  readonly keyId: string;
  /** Lower-case hex HMAC-SHA256 over "callsight-audit-checkpoint-v1\n" + canonical JSON of the other fields. */
  readonly signature: string;
}

/** A secret for HMAC signing: at least 32 random bytes, named by `id`. */
export interface SigningKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

const DOMAIN = 'callsight-audit-checkpoint-v1';

const checkpointSchema = z.object({
  version: z.literal(1),
  tenantId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(SHA256_HEX, 'must be 64 lower-case hex characters'),
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'must be an ISO-8601 UTC instant'),
  count: z.number().int().nonnegative(),
});

const signedSchema = checkpointSchema.extend({
  alg: z.literal('HMAC-SHA256'),
  keyId: z.string().min(1),
  signature: z.string().regex(SHA256_HEX, 'must be 64 lower-case hex characters'),
});

function signingInput(c: AuditCheckpoint, keyId: string): string {
  return canonicalJson({ version: c.version, tenantId: c.tenantId, seq: c.seq, hash: c.hash, at: c.at, count: c.count, alg: 'HMAC-SHA256', keyId });
}

/** Signs a checkpoint. Throws VALIDATION_FAILED on a malformed checkpoint or a key shorter than 32 bytes. */
export function signCheckpoint(checkpoint: Omit<AuditCheckpoint, 'version'> & { version?: 1 }, key: SigningKey): SignedCheckpoint {
  const parsed = checkpointSchema.safeParse({ ...checkpoint, version: 1 });
  if (!parsed.success) {
    throw validationError('Checkpoint rejected', parsed.error);
  }
  const c = parsed.data;
  return { ...c, alg: 'HMAC-SHA256', keyId: key.id, signature: hmacHex(key.secret, DOMAIN, signingInput(c, key.id)) };
}

export type CheckpointVerification = { readonly ok: true; readonly checkpoint: AuditCheckpoint } | { readonly ok: false; readonly reason: 'malformed' | 'unknown_key' | 'bad_signature' };

/**
 * Checks a signed checkpoint (for example parsed from an export file) with the key named by its keyId.
 * Never throws on bad input; the comparison is constant-time.
 */
export function verifyCheckpoint(signed: unknown, key: SigningKey | ((keyId: string) => SigningKey | undefined)): CheckpointVerification {
  const parsed = signedSchema.safeParse(signed);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const s = parsed.data;
  const k = typeof key === 'function' ? key(s.keyId) : key.id === s.keyId ? key : undefined;
  if (k === undefined) return { ok: false, reason: 'unknown_key' };
  const expected = hmacHex(k.secret, DOMAIN, signingInput(s, s.keyId));
  if (!equalHex(expected, s.signature)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, checkpoint: { version: 1, tenantId: s.tenantId, seq: s.seq, hash: s.hash, at: s.at, count: s.count } };
}
