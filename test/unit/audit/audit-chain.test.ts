import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendEvent,
  computeEventHash,
  GENESIS_HASH,
  verifyChain,
  verifyChainSync,
  type AuditEvent,
  type AuditEventInput,
} from '../../../core/audit/audit-chain';
import { signCheckpoint, verifyCheckpoint } from '../../../core/audit/audit-checkpoint';
import { canonicalJson } from '../../../core/audit/canonical-json';

const TENANT = 't-1';

function input(i: number): AuditEventInput {
  const kinds: AuditEventInput[] = [
    { at: '', tenantId: TENANT, actor: 'u-agent', role: 'agent', action: 'play', target: `call:c-${i}`, outcome: 'allowed', reason: 'own_call' },
    { at: '', tenantId: TENANT, actor: 'u-qa', role: 'qa', action: 'view', target: `call:c-${i}`, outcome: 'denied', reason: 'out_of_review_scope' },
    { at: '', tenantId: TENANT, actor: null, role: null, action: 'token_rejected', target: null, outcome: 'denied', reason: 'bad_signature' },
    { at: '', tenantId: TENANT, actor: 'u-admin', role: 'admin', action: 'request_export', target: `export:e-${i}`, outcome: 'allowed', details: { callCount: 3, callIds: ['c-1', 'c-2', 'c-3'] } },
  ];
  return { ...kinds[i % kinds.length]!, at: new Date(Date.UTC(2025, 0, 1, 8, 0, i)).toISOString() };
}

function buildChain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) events.push(appendEvent(events[i - 1] ?? null, input(i)));
  return events;
}

const chain = buildChain(10);

describe('appendEvent', () => {
  it('numbers events from 1 and links each to the previous hash', () => {
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
  });

  it('hashes SHA-256(prevHash bytes || canonical JSON without hash), checked against node:crypto', () => {
    for (const event of chain) {
      const { hash, ...rest } = event;
      const expected = createHash('sha256').update(Buffer.from(event.prevHash, 'hex')).update(canonicalJson(rest), 'utf8').digest('hex');
      expect(hash).toBe(expected);
    }
  });

  it('hashes an absent, null or undefined reason alike, so a database round trip keeps the hash', () => {
    const e = chain[2]!;
    expect(e.reason).toBe('bad_signature');
    const withoutReason = appendEvent(null, { ...input(3), details: null, reason: undefined });
    expect(computeEventHash({ ...withoutReason, reason: null, details: null })).toBe(withoutReason.hash);
    expect(computeEventHash({ ...withoutReason, reason: undefined })).toBe(withoutReason.hash);
  });

  it.each([
    [{ at: '2025-01-01 08:00' }, /at: must be an ISO-8601 UTC instant/],
    [{ tenantId: '' }, /tenantId/],
    [{ action: 'Play Call' }, /action: must be snake_case/],
    [{ outcome: 'maybe' }, /outcome/],
    [{ details: { n: Number.NaN } }, /details/],
  ])('rejects a malformed input %j', (patch, message) => {
    expect(() => appendEvent(null, { ...input(0), ...(patch as object) } as AuditEventInput)).toThrow(message);
  });

  it('refuses to extend another tenant’s chain', () => {
    expect(() => appendEvent(chain[0]!, { ...input(1), tenantId: 't-2' })).toThrow(/own tenant/);
  });
});

describe('verifyChain', () => {
  it('accepts an untouched chain and reports its head', () => {
    expect(verifyChainSync(chain)).toEqual({ ok: true, checked: 10, head: { seq: 10, hash: chain[9]!.hash } });
  });

  it('accepts an empty chain', () => {
    expect(verifyChainSync([])).toMatchObject({ ok: true, checked: 0 });
  });

  it('reads async iterables', async () => {
    async function* stream() {
      for (const e of chain) yield e;
    }
    expect(await verifyChain(stream())).toMatchObject({ ok: true, checked: 10 });
    expect(await verifyChain(chain.filter((e) => e.seq !== 4))).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'seq_gap' } });
  });

  it.each([1, 2, 5, 9])('names a deleted event %i as a seq gap', (seq) => {
    const result = verifyChainSync(chain.filter((e) => e.seq !== seq));
    expect(result).toEqual({ ok: false, checked: seq - 1, head: seq === 1 ? { seq: 0, hash: GENESIS_HASH } : { seq: seq - 1, hash: chain[seq - 2]!.hash }, firstBroken: { seq, reason: 'seq_gap' } });
  });

  it('catches a deleted last event only against a known head (what signed checkpoints are for)', () => {
    const truncated = chain.slice(0, 9);
    expect(verifyChainSync(truncated).ok).toBe(true);
    expect(verifyChainSync(truncated, { expectedHead: { seq: 10, hash: chain[9]!.hash } })).toMatchObject({ ok: false, firstBroken: { seq: 10, reason: 'seq_gap' } });
  });

  const columns: [keyof AuditEvent, unknown][] = [
    ['seq', 99],
    ['at', '2025-01-01T09:00:00.000Z'],
    ['tenantId', 't-2'],
    ['actor', 'u-intruder'],
    ['role', 'admin'],
    ['action', 'view'],
    ['target', 'call:c-other'],
    ['outcome', 'error'],
    ['reason', 'tenant_wide'],
    ['details', { callCount: 1 }],
    ['prevHash', 'f'.repeat(64)],
    ['hash', 'e'.repeat(64)],
  ];
  it.each(columns.flatMap(([column, value]) => [3, 7].map((seq) => [column, seq, value] as const)))('names a changed %s of event %i as a hash mismatch', (column, seq, value) => {
    const tampered = chain.map((e) => (e.seq === seq ? ({ ...e, [column]: value } as AuditEvent) : e));
    expect(verifyChainSync(tampered)).toMatchObject({ ok: false, checked: seq - 1, firstBroken: { seq, reason: 'hash_mismatch' } });
  });

  it('names a removed optional column as a hash mismatch', () => {
    const tampered = chain.map((e) => (e.seq === 4 ? ({ ...e, details: undefined } as AuditEvent) : e));
    expect(verifyChainSync(tampered).firstBroken).toEqual({ seq: 4, reason: 'hash_mismatch' });
  });

  it.each([
    [3, 4],
    [2, 7],
    [1, 10],
  ])('names two swapped events (%i and %i) as reordered at the first', (a, b) => {
    const swapped = [...chain];
    [swapped[a - 1], swapped[b - 1]] = [swapped[b - 1]!, swapped[a - 1]!];
    expect(verifyChainSync(swapped)).toMatchObject({ ok: false, checked: a - 1, firstBroken: { seq: a, reason: 'reordered' } });
  });

  it('names a replayed (duplicated) event as reordered', () => {
    const replayed = [...chain.slice(0, 5), chain[3]!, ...chain.slice(5)];
    expect(verifyChainSync(replayed).firstBroken).toEqual({ seq: 6, reason: 'reordered' });
  });

  it('names a forged event that hashes correctly but breaks the next link as prev_mismatch', () => {
    const forged = appendEvent(chain[3]!, { ...input(4), actor: 'u-covering-tracks' });
    const tampered = chain.map((e) => (e.seq === 5 ? forged : e));
    expect(verifyChainSync(tampered)).toMatchObject({ ok: false, checked: 5, firstBroken: { seq: 6, reason: 'prev_mismatch' } });
  });

  it('names an event transplanted from another chain as prev_mismatch', () => {
    const other = buildChain(3).map((e) => e);
    const foreign = appendEvent({ seq: 2, hash: 'a'.repeat(64) }, input(2));
    expect(verifyChainSync([other[0]!, other[1]!, foreign]).firstBroken).toEqual({ seq: 3, reason: 'prev_mismatch' });
  });

  it('catches a chain recomputed from a changed event only with a signed head', () => {
    const rewritten: AuditEvent[] = [];
    chain.forEach((e, i) => rewritten.push(appendEvent(rewritten[i - 1] ?? null, i === 2 ? { ...input(i), outcome: 'allowed' } : input(i))));
    expect(verifyChainSync(rewritten).ok).toBe(true);
    const key = { id: 'k1', secret: new Uint8Array(32).fill(7) };
    const signed = signCheckpoint({ tenantId: TENANT, seq: 10, hash: chain[9]!.hash, at: '2025-01-02T00:00:00.000Z', count: 10 }, key);
    const checked = verifyCheckpoint(signed, key);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(verifyChainSync(rewritten, { expectedHead: checked.checkpoint })).toMatchObject({ ok: false, firstBroken: { seq: 10, reason: 'hash_mismatch' } });
    expect(verifyChainSync(chain, { expectedHead: checked.checkpoint }).ok).toBe(true);
  });

  it('verifies a range from a start link the caller vouches for', () => {
    expect(verifyChainSync(chain.slice(4), { start: { seq: 4, hash: chain[3]!.hash }, trustStart: true })).toMatchObject({ ok: true, checked: 6 });
    expect(verifyChainSync(chain.slice(4), { start: { seq: 4, hash: 'b'.repeat(64) }, trustStart: true }).firstBroken).toEqual({ seq: 5, reason: 'prev_mismatch' });
  });

  it('refuses an unattested start anchor', () => {
    expect(verifyChainSync(chain.slice(4), { start: { seq: 4, hash: chain[3]!.hash } })).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'anchor_unattested' } });
  });
});
