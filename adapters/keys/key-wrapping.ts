import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CallsightError } from '../../core/shared/errors';

/**
 * The key formats both key stores share (the file vault and the database vault), so that a data key, a sealed secret
 * and a derived secret mean the same bytes whichever store holds them. See docs/decisions/key-rotation.md.
 */

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Starts a secret sealed in the current format (under a sealing data key); legacy ones start with a random nonce. */
export const SEALED_V1_MAGIC = Buffer.from('CSs1', 'latin1');
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export type GenerationState = 'active' | 'retiring' | 'destroyed';

/** Throws VALIDATION_FAILED for a tenant id that cannot name a key (the same rule as the file vault's file names). */
export function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new CallsightError('VALIDATION_FAILED', 'Tenant ids use lower-case letters, digits, "-" and "_" (max 63)');
  }
}

/**
 * Derivations already made, per master secret object (the key stores keep one Buffer per tenant master): an entry
 * lives no longer than the master it came from, and no copy of a master is made.
 */
const derivedByMaster = new WeakMap<Buffer, Map<string, Buffer>>();

/**
 * A 32-byte secret for one purpose derived from the tenant master secret (HKDF-SHA256, salt = tenant id), a fresh
 * Buffer each call. Derived once per master Buffer, tenant and purpose: every API request verifies its token with
 * the derived `jwt` secret, and HKDF each time was a measurable share of the hub's CPU (docs/performance.md).
 */
export function deriveFromMaster(master: Buffer, tenantId: string, purpose: string): Buffer {
  let memo = derivedByMaster.get(master);
  if (!memo) derivedByMaster.set(master, (memo = new Map()));
  const key = `${tenantId}\0${purpose}`;
  let secret = memo.get(key);
  if (!secret) {
    secret = Buffer.from(hkdfSync('sha256', master, Buffer.from(tenantId), Buffer.from(`callsight:${purpose}`), 32));
    memo.set(key, secret);
  }
  return Buffer.from(secret);
}

/** Generation 0 keeps the AAD of the format before rotation; later generations bind the generation too. */
export function wrapAad(tenantId: string, keyId: string, generation: number): Buffer {
  return Buffer.from(generation === 0 ? `${tenantId}\0${keyId}` : `${tenantId}\0${keyId}\0g${generation}`);
}

export function sealedAad(tenantId: string, purpose: string, format: 0 | 1): Buffer {
  return Buffer.from(format === 0 ? `${tenantId}\0secret:${purpose}` : `${tenantId}\0secret:${purpose}\0v1`);
}

/** AES-256-GCM: nonce (12) | ciphertext | tag (16). */
export function sealAesGcm(key: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Opens `sealAesGcm`'s output; throws (node's error) when it does not authenticate. */
export function openAesGcmBytes(key: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

export function wrapKey(kek: Buffer, tenantId: string, keyId: string, generation: number, dataKey: Buffer): Buffer {
  return sealAesGcm(kek, wrapAad(tenantId, keyId, generation), dataKey);
}

export function unwrapKey(kek: Buffer, tenantId: string, keyId: string, generation: number, wrapped: Buffer): Buffer {
  try {
    return openAesGcmBytes(kek, wrapAad(tenantId, keyId, generation), wrapped);
  } catch (cause) {
    throw new CallsightError('RECORDING_INTEGRITY', 'A wrapped data key failed authentication', { cause });
  }
}

export function openAesGcm(key: Buffer, aad: Buffer, sealed: Buffer): string {
  return openAesGcmBytes(key, aad, sealed).toString('utf8');
}

/** Seals a provider secret in the current format (v1) under its sealing key. */
export function sealV1(key: Buffer, tenantId: string, purpose: string, plaintext: string): Buffer {
  return Buffer.concat([SEALED_V1_MAGIC, sealAesGcm(key, sealedAad(tenantId, purpose, 1), Buffer.from(plaintext, 'utf8'))]);
}

/** Whether the sealed bytes look like the current format (the legacy format may start with the magic by chance). */
export function looksSealedV1(sealed: Buffer): boolean {
  return sealed.length >= SEALED_V1_MAGIC.length + NONCE_BYTES + TAG_BYTES && sealed.subarray(0, SEALED_V1_MAGIC.length).equals(SEALED_V1_MAGIC);
}

/**
 * Opens a sealed provider secret: the current format under the sealing key (when there is one), else the legacy
 * format directly under the generation-0 KEK. `legacyKek` is asked only when needed; it throws when generation 0 is
 * destroyed.
 */
export function openSealedSecret(
  tenantId: string,
  purpose: string,
  sealed: Buffer,
  sealingKey: Buffer | null,
  legacyKek: () => Buffer,
): { plaintext: string; format: 0 | 1 } {
  if (sealingKey && looksSealedV1(sealed)) {
    try {
      return { plaintext: openAesGcm(sealingKey, sealedAad(tenantId, purpose, 1), sealed.subarray(SEALED_V1_MAGIC.length)), format: 1 };
    } catch {
      // 1 in 2^32 legacy secrets start with the magic by chance: try the legacy format below.
    }
  }
  const kek = legacyKek();
  try {
    return { plaintext: openAesGcm(kek, sealedAad(tenantId, purpose, 0), sealed), format: 0 };
  } catch (cause) {
    throw new CallsightError('INTERNAL', 'A stored provider secret failed authentication', { cause });
  }
}

/** The key id of a provider-credential sealing key; the inventory of recording keys never lists these. */
export function sealingKeyId(purpose: string): string {
  return `secret:${purpose}`;
}

export const SEALING_KEY_PREFIX = 'secret:';
