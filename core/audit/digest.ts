import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { CallsightError } from '../shared/errors';

/** Lower-case hex SHA-256, 64 characters. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of bytes or of a string's UTF-8 encoding, as lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/** Smallest accepted HMAC key: 32 bytes, the SHA-256 output size (RFC 2104 section 3). */
export const MIN_HMAC_KEY_BYTES = 32;

/** HMAC-SHA256 of `domain` + "\n" + `message` (domain separation keeps one signature from passing as another kind). */
export function hmacHex(key: Uint8Array, domain: string, message: string): string {
  if (!(key instanceof Uint8Array) || key.length < MIN_HMAC_KEY_BYTES) {
    throw new CallsightError('VALIDATION_FAILED', `The signing key must be at least ${MIN_HMAC_KEY_BYTES} random bytes; generate one with a CSPRNG and keep it in the key store.`);
  }
  return bytesToHex(hmac(sha256, key, utf8ToBytes(`${domain}\n${message}`)));
}

/** Compares two hex strings in time independent of where they differ (for MACs). */
export function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export { bytesToHex, hexToBytes, utf8ToBytes };
