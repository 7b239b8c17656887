import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveFromMaster } from '../../adapters/keys/key-wrapping';

/** deriveFromMaster reuses what it derived per master: the bytes must be HKDF's, whatever happened before. */
const hkdf = (master: Buffer, tenantId: string, purpose: string) =>
  Buffer.from(hkdfSync('sha256', master, Buffer.from(tenantId), Buffer.from(`callsight:${purpose}`), 32));

describe('secrets derived from a tenant master', () => {
  it('are HKDF-SHA256 of the master, tenant and purpose, on the first call and on later ones', () => {
    const master = randomBytes(32);
    for (let i = 0; i < 2; i++) {
      expect(deriveFromMaster(master, 't-1', 'jwt')).toEqual(hkdf(master, 't-1', 'jwt'));
      expect(deriveFromMaster(master, 't-1', 'playback-url')).toEqual(hkdf(master, 't-1', 'playback-url'));
      expect(deriveFromMaster(master, 't-2', 'jwt')).toEqual(hkdf(master, 't-2', 'jwt'));
    }
  });

  it('follow a new master for the same tenant and purpose', () => {
    const first = randomBytes(32);
    const second = randomBytes(32);
    expect(deriveFromMaster(first, 't-3', 'jwt')).toEqual(hkdf(first, 't-3', 'jwt'));
    expect(deriveFromMaster(second, 't-3', 'jwt')).toEqual(hkdf(second, 't-3', 'jwt'));
  });

  it('give each caller its own Buffer: zeroing one does not change the next', () => {
    const master = randomBytes(32);
    deriveFromMaster(master, 't-4', 'kek').fill(0);
    expect(deriveFromMaster(master, 't-4', 'kek')).toEqual(hkdf(master, 't-4', 'kek'));
  });
});
