import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCheckpoint, verifyCheckpoint } from '../../../core/audit/audit-checkpoint';
import { canonicalJson } from '../../../core/audit/canonical-json';

const key = { id: 'audit-2025', secret: new Uint8Array(32).map((_, i) => i * 7 + 1) };
const checkpoint = { tenantId: 't-1', seq: 42, hash: 'ab'.repeat(32), at: '2025-03-01T00:00:00.000Z', count: 42 };

describe('signed checkpoints', () => {
  const signed = signCheckpoint(checkpoint, key);

  it('signs with HMAC-SHA256 over a domain tag and the canonical JSON (checked against node:crypto)', () => {
    const { signature, ...unsigned } = signed;
    const expected = createHmac('sha256', Buffer.from(key.secret)).update(`callsight-audit-checkpoint-v1\n${canonicalJson(unsigned)}`).digest('hex');
    expect(signature).toBe(expected);
    expect(signed).toMatchObject({ version: 1, alg: 'HMAC-SHA256', keyId: 'audit-2025' });
  });

  it('verifies, also after a JSON round trip', () => {
    expect(verifyCheckpoint(JSON.parse(JSON.stringify(signed)), key)).toEqual({ ok: true, checkpoint: { version: 1, ...checkpoint } });
  });

  it.each([
    ['tenantId', 't-2'],
    ['seq', 41],
    ['hash', 'cd'.repeat(32)],
    ['at', '2025-03-02T00:00:00.000Z'],
    ['count', 43],
    ['signature', '00'.repeat(32)],
  ])('rejects a changed %s', (field, value) => {
    expect(verifyCheckpoint({ ...signed, [field]: value }, key)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the wrong key, an unknown key id and malformed input', () => {
    expect(verifyCheckpoint(signed, { id: 'audit-2025', secret: new Uint8Array(32).fill(9) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCheckpoint(signed, { ...key, id: 'other' })).toEqual({ ok: false, reason: 'unknown_key' });
    expect(verifyCheckpoint(signed, (id) => (id === 'audit-2025' ? key : undefined)).ok).toBe(true);
    expect(verifyCheckpoint({ ...signed, keyId: 'rotated' }, (id) => (id === 'audit-2025' ? key : undefined))).toEqual({ ok: false, reason: 'unknown_key' });
    expect(verifyCheckpoint({ seq: 1 }, key)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCheckpoint('nonsense', key)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('does not accept a MAC made for another purpose over the same fields (domain separation)', () => {
    const { signature: _s, ...unsigned } = signed;
    const otherDomain = createHmac('sha256', Buffer.from(key.secret)).update(`callsight-export-manifest-v1\n${canonicalJson(unsigned)}`).digest('hex');
    expect(verifyCheckpoint({ ...signed, signature: otherDomain }, key)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCheckpoint({ ...signed, alg: 'HMAC-SHA512' }, key)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses short keys and malformed checkpoints when signing', () => {
    expect(() => signCheckpoint(checkpoint, { id: 'weak', secret: new Uint8Array(16) })).toThrow(/at least 32/);
    expect(() => signCheckpoint({ ...checkpoint, hash: 'xyz' }, key)).toThrow(/hash: must be 64/);
    expect(() => signCheckpoint({ ...checkpoint, seq: -1 }, key)).toThrow(/Checkpoint rejected/);
  });
});
