import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildBundleManifest, signManifest, verifyManifest, type BundleFile } from '../../../core/audit/export-manifest';
import { sha256Hex } from '../../../core/audit/digest';

const key = { id: 'export-1', secret: new Uint8Array(32).fill(3) };
const encoder = new TextEncoder();
const contents: Record<string, Uint8Array> = {
  'calls/c-1/audio.wav': new Uint8Array([82, 73, 70, 70, 1, 2, 3, 4]),
  'calls/c-1/metadata.json': encoder.encode('{"id":"c-1","inquiryType":"退费"}'),
  'calls/c-1/transcript.json': encoder.encode('{"segments":[]}'),
};
const filesOf = (c: Record<string, Uint8Array>): BundleFile[] => Object.entries(c).map(([path, bytes]) => ({ path, sha256: sha256Hex(bytes), bytes: bytes.length }));
const meta = { tenantId: 't-1', exportId: 'e-1', requestedBy: 'u-admin-1', approvedBy: 'u-admin-2', createdAt: '2025-03-01T10:00:00.000Z', extra: { callCount: 1 } };

describe('export bundle manifest', () => {
  const manifest = buildBundleManifest(filesOf(contents).reverse(), meta);
  const signed = signManifest(manifest, key);

  it('lists every file sorted by path with totals', () => {
    expect(manifest.files.map((f) => f.path)).toEqual(Object.keys(contents).sort());
    expect(manifest.fileCount).toBe(3);
    expect(manifest.totalBytes).toBe(Object.values(contents).reduce((s, b) => s + b.length, 0));
  });

  it('computes SHA-256 the same way node:crypto does', () => {
    for (const [path, bytes] of Object.entries(contents)) {
      expect(manifest.files.find((f) => f.path === path)!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('verifies an intact bundle, also after a pretty-printed JSON round trip', () => {
    const reparsed = JSON.parse(JSON.stringify(signed, null, 2));
    expect(verifyManifest(reparsed, key, filesOf(contents))).toEqual({ ok: true, problems: [] });
  });

  it.each(Object.keys(contents))('fails when one byte of %s changes', (path) => {
    const changed = { ...contents, [path]: contents[path]!.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(verifyManifest(signed, key, filesOf(changed))).toEqual({ ok: false, problems: [{ kind: 'digest_mismatch', path }] });
  });

  it('reports missing and unexpected files', () => {
    const { 'calls/c-1/transcript.json': _gone, ...rest } = contents;
    const result = verifyManifest(signed, key, filesOf({ ...rest, 'calls/c-2/audio.wav': new Uint8Array([1]) }));
    expect(result.problems).toEqual([
      { kind: 'missing_file', path: 'calls/c-1/transcript.json' },
      { kind: 'unexpected_file', path: 'calls/c-2/audio.wav' },
    ]);
  });

  it('fails when the manifest itself is edited to match a changed file', () => {
    const edited = JSON.parse(JSON.stringify(signed));
    edited.manifest.files[0].sha256 = 'f'.repeat(64);
    expect(verifyManifest(edited, key).problems).toEqual([{ kind: 'bad_signature' }]);
    const approver = JSON.parse(JSON.stringify(signed));
    approver.manifest.meta.approvedBy = 'u-someone';
    expect(verifyManifest(approver, key).problems).toEqual([{ kind: 'bad_signature' }]);
  });

  it('fails with the wrong key and on malformed input', () => {
    expect(verifyManifest(signed, { id: 'export-1', secret: new Uint8Array(32).fill(4) }).problems).toEqual([{ kind: 'bad_signature' }]);
    expect(verifyManifest(signed, { id: 'other', secret: key.secret }).problems).toEqual([{ kind: 'unknown_key' }]);
    expect(verifyManifest({ manifest: {} }, key).problems).toEqual([{ kind: 'malformed' }]);
  });

  it.each([
    [[{ path: '../etc/passwd', sha256: 'a'.repeat(64), bytes: 1 }], /relative/],
    [[{ path: '/abs', sha256: 'a'.repeat(64), bytes: 1 }], /relative/],
    [[{ path: 'a//b', sha256: 'a'.repeat(64), bytes: 1 }], /relative/],
    [[{ path: 'a', sha256: 'A'.repeat(64), bytes: 1 }], /sha256: must be 64/],
    [[{ path: 'a', sha256: 'a'.repeat(64), bytes: -1 }], /bytes/],
    [[{ path: 'a', sha256: 'a'.repeat(64), bytes: 1 }, { path: 'a', sha256: 'b'.repeat(64), bytes: 2 }], /listed twice/],
  ])('rejects unsafe file list #%#', (files, message) => {
    expect(() => buildBundleManifest(files as BundleFile[], meta)).toThrow(message);
  });

  it('rejects a bundle approved by its requester', () => {
    expect(() => buildBundleManifest([], { ...meta, approvedBy: meta.requestedBy })).toThrow(/someone other than its requester/);
  });
});
