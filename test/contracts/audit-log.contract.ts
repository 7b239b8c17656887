import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendEvent, GENESIS_HASH, verifyChain, type AuditEvent, type AuditEventInput } from '../../core/audit/audit-chain';
import type { AuditLogStore } from '../../core/audit/audit-log.port';
import type { SignedCheckpoint } from '../../core/audit/audit-checkpoint';
import { preparePrune } from '../../core/audit/audit-retention';
import type { Awaitable } from '../../core/shared/awaitable';

/** An audit log under contract test plus the raw database access the port does not offer. */
export interface AuditLogUnderTest {
  readonly log: AuditLogStore;
  /**
   * Runs `steps` one after another in one transaction of the store's database (each step synchronous on SQLite),
   * then commits, or rolls back when `rollback` is set. Returns the steps' results.
   */
  transaction(steps: readonly (() => Awaitable<unknown>)[], options?: { rollback?: boolean }): Promise<unknown[]>;
  /** Tries to change a stored event's action behind the store's back; the schema must refuse. */
  rewriteAction(tenantId: string, seq: number, action: string): Promise<void>;
  close(): Promise<void>;
}

export type OpenAuditLog = () => Promise<AuditLogUnderTest>;

/** Every event of an iterable the port hands out, sync or async; synchronous when it is. */
export function collect(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>): Awaitable<AuditEvent[]> {
  if (Symbol.asyncIterator in events) {
    return (async () => {
      const out: AuditEvent[] = [];
      for await (const event of events) out.push(event);
      return out;
    })();
  }
  return [...events];
}

const day = (d: string) => `${d}T08:00:00.000Z`;

function input(tenantId: string, over: Partial<AuditEventInput> = {}): AuditEventInput {
  return { at: day('2026-03-01'), tenantId, actor: 'u-1', role: 'admin', action: 'view', target: 'call:c1', outcome: 'allowed', ...over };
}

/**
 * The AuditLogStore contract: every adapter (SQLite, PostgreSQL) must give these answers. `open` returns a fresh,
 * empty store shared by the tests below, each of which uses its own tenants.
 */
export function describeAuditLogContract(open: OpenAuditLog): void {
  let store: AuditLogUnderTest;
  let log: AuditLogStore;

  beforeAll(async () => {
    store = await open();
    log = store.log;
  });
  afterAll(async () => store?.close());

  const appendAll = async (inputs: readonly AuditEventInput[]): Promise<AuditEvent[]> => {
    const out: AuditEvent[] = [];
    for (const i of inputs) out.push(await log.append(i));
    return out;
  };

  it('links appended events into a chain that reads back exactly as appended', async () => {
    const appended = await appendAll([
      input('chain', { reason: 'role_permitted', details: { count: 3, rules: ['r1', 'r2'], note: '退款 审核', nested: { ok: true, none: null } } }),
      input('chain', { actor: null, role: null, target: null, outcome: 'denied', reason: null, details: null, action: 'token_rejected' }),
      input('chain', { at: '2026-03-01T08:00:00.123456Z', action: 'custom_action_name' }),
    ]);
    expect(appended.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(appended[0]!.prevHash).toBe(GENESIS_HASH);
    expect(appended[1]!.prevHash).toBe(appended[0]!.hash);
    expect(appended[2]!.prevHash).toBe(appended[1]!.hash);
    expect(appended[1]).not.toHaveProperty('reason');
    expect(appended[1]).not.toHaveProperty('details');

    expect(await log.get('chain', 1)).toEqual(appended[0]);
    expect(await log.get('chain', 2)).toEqual(appended[1]);
    expect(await log.get('chain', 4)).toBeNull();
    expect(await log.get('other', 1)).toBeNull();
    expect(await log.head('chain')).toEqual(appended[2]);
    expect(await log.head('nobody')).toBeNull();
    expect(await collect(log.iterate('chain'))).toEqual(appended);
    expect(await collect(log.iterate('chain', 2))).toEqual(appended.slice(1));
    expect(await collect(log.iterate('chain', 9))).toEqual([]);
    expect(await log.query('chain', { limit: 10 })).toEqual(appended);
    const verified = await verifyChain(log.iterate('chain'));
    expect(verified).toEqual({ ok: true, checked: 3, head: { seq: 3, hash: appended[2]!.hash } });
  });

  it('refuses a malformed event with VALIDATION_FAILED and writes nothing', async () => {
    const first = await log.append(input('invalid'));
    for (const bad of [{ action: 'Not Snake' }, { at: '2026-03-01 08:00' }, { outcome: 'maybe' as 'allowed' }, { actor: '' }]) {
      await expect(Promise.resolve().then(() => log.append(input('invalid', bad)))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await log.head('invalid')).toEqual(first);
    expect((await log.append(input('invalid'))).seq).toBe(2);
  });

  it('keeps one chain per tenant and lists tenants in byte order', async () => {
    const b = await appendAll([input('B-tenant'), input('B-tenant')]);
    const a = await log.append(input('a-tenant', { action: 'play' }));
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(await log.query('a-tenant', { limit: 10 })).toEqual([a]);
    expect(await log.query('B-tenant', { limit: 10 })).toEqual(b);
    const tenants = await log.tenants();
    expect(tenants.indexOf('B-tenant')).toBeGreaterThanOrEqual(0);
    expect(tenants.indexOf('B-tenant')).toBeLessThan(tenants.indexOf('a-tenant'));
    // Default sort compares UTF-16 code units: byte order for these ASCII ids.
    expect(tenants).toEqual([...tenants].sort());
    expect(new Set(tenants).size).toBe(tenants.length);
  });

  it('filters a listing by time, actor, action, target, outcome and seq, in seq order', async () => {
    const t = 'filters';
    const events = await appendAll([
      input(t, { at: day('2026-01-01'), actor: 'u-1', action: 'view', target: 'call:c1', outcome: 'allowed' }),
      input(t, { at: day('2026-01-02'), actor: 'u-2', action: 'play', target: 'call:c1', outcome: 'denied' }),
      input(t, { at: day('2026-01-03'), actor: 'u-1', action: 'play', target: 'call:c2', outcome: 'allowed' }),
      // A clock that stepped back: order stays by seq, the time filter still applies per event.
      input(t, { at: day('2025-12-31'), actor: 'u-2', action: 'view', target: 'call:c2', outcome: 'error' }),
      input(t, { at: day('2026-01-05'), actor: 'u-1', action: 'view', target: 'call:c1', outcome: 'allowed' }),
    ]);
    const seqs = async (q: Omit<Parameters<AuditLogStore['query']>[1], 'limit'>, limit = 100) => (await log.query(t, { ...q, limit })).map((e) => e.seq);
    expect(await seqs({})).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs({ from: day('2026-01-02') })).toEqual([2, 3, 5]);
    expect(await seqs({ to: day('2026-01-03') })).toEqual([1, 2, 4]);
    expect(await seqs({ from: day('2026-01-02'), to: day('2026-01-05') })).toEqual([2, 3]);
    expect(await seqs({ actor: 'u-1' })).toEqual([1, 3, 5]);
    expect(await seqs({ action: 'play' })).toEqual([2, 3]);
    expect(await seqs({ target: 'call:c1' })).toEqual([1, 2, 5]);
    expect(await seqs({ outcome: 'error' })).toEqual([4]);
    expect(await seqs({ actor: 'u-1', action: 'view', target: 'call:c1' })).toEqual([1, 5]);
    expect(await seqs({ afterSeq: 3 })).toEqual([4, 5]);
    expect(await seqs({ afterSeq: 5 })).toEqual([]);
    expect(await seqs({}, 2)).toEqual([1, 2]);
    expect(await seqs({ afterSeq: 2 }, 2)).toEqual([3, 4]);
    expect(await seqs({ actor: 'u-3' })).toEqual([]);
    expect(await log.query(t, { action: 'play', limit: 1 })).toEqual([events[1]]);
  });

  it('appends concurrently without gaps or forks: 20 appends to one chain give seq 1..20 and verify', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => Promise.resolve().then(() => log.append(input('race', { details: { i } })))),
    );
    expect(results.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = await collect(log.iterate('race'));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => (e.details as { i: number }).i)).size).toBe(20);
    expect(await verifyChain(stored)).toMatchObject({ ok: true, checked: 20, head: { seq: 20 } });
  });

  it('appends concurrently to several tenants, each chain staying whole', async () => {
    const tenants = ['race-x', 'race-y', 'race-z'];
    await Promise.all(Array.from({ length: 24 }, (_, i) => Promise.resolve().then(() => log.append(input(tenants[i % 3]!, { details: { i } })))));
    for (const tenant of tenants) {
      const result = await verifyChain(log.iterate(tenant));
      expect(result).toMatchObject({ ok: true, checked: 8, head: { seq: 8 } });
    }
  });

  it('joins an outer transaction: a rollback takes the appends with it, a commit keeps them', async () => {
    const first = await log.append(input('outer'));
    await store.transaction(
      [() => log.append(input('outer', { action: 'play' })), () => log.append(input('outer', { action: 'download' }))],
      { rollback: true },
    );
    expect(await log.head('outer')).toEqual(first);
    expect(await log.query('outer', { limit: 10 })).toEqual([first]);

    const [second, seen, head] = (await store.transaction([
      () => log.append(input('outer', { action: 'play' })),
      () => collect(log.iterate('outer')),
      () => log.head('outer'),
    ])) as [AuditEvent, AuditEvent[], AuditEvent];
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(seen).toEqual([first, second]);
    expect(head).toEqual(second);
    expect(await log.head('outer')).toEqual(second);
    expect(await verifyChain(log.iterate('outer'))).toMatchObject({ ok: true, checked: 2 });
  });

  it('refuses to change a stored event', async () => {
    const event = await log.append(input('immutable'));
    await expect(store.rewriteAction('immutable', 1, 'play')).rejects.toThrow();
    expect(await log.get('immutable', 1)).toEqual(event);
  });

  it('keeps signed checkpoints per tenant, the first one saved for a seq winning', async () => {
    const checkpoint = (tenantId: string, seq: number, signature: string): SignedCheckpoint => ({
      version: 1, tenantId, seq, hash: 'a'.repeat(64), at: day('2026-03-02'), count: seq, alg: 'HMAC-SHA256', keyId: 'k1', signature,
    });
    expect(await log.latestCheckpoint('cp')).toBeNull();
    await log.saveCheckpoint(checkpoint('cp', 5, '1'.repeat(64)));
    await log.saveCheckpoint(checkpoint('cp', 12, '2'.repeat(64)));
    await log.saveCheckpoint(checkpoint('cp', 9, '3'.repeat(64)));
    await log.saveCheckpoint(checkpoint('cp', 12, '4'.repeat(64)));
    await log.saveCheckpoint(checkpoint('cp-other', 40, '5'.repeat(64)));
    expect(await log.latestCheckpoint('cp')).toEqual(checkpoint('cp', 12, '2'.repeat(64)));
    expect(await log.latestCheckpoint('cp-other')).toEqual(checkpoint('cp-other', 40, '5'.repeat(64)));
  });

  it('finds the last prunable event before the first young one, never the head', async () => {
    const t = 'prunable';
    expect(await log.lastPrunable(t, day('2030-01-01'))).toBeNull();
    const events = await appendAll([
      input(t, { at: day('2024-01-01') }),
      input(t, { at: day('2024-06-01') }),
      input(t, { at: day('2025-06-01') }),
      input(t, { at: day('2024-02-01') }),
      input(t, { at: day('2025-07-01') }),
    ]);
    expect(await log.lastPrunable(t, day('2023-01-01'))).toBeNull();
    expect(await log.lastPrunable(t, day('2024-03-01'))).toEqual(events[0]);
    expect(await log.lastPrunable(t, day('2025-01-01'))).toEqual(events[1]);
    expect(await log.lastPrunable(t, day('2030-01-01'))).toEqual(events[3]);
    expect(await log.countThrough(t, 0)).toBe(0);
    expect(await log.countThrough(t, 2)).toBe(2);
    expect(await log.countThrough(t, 99)).toBe(5);
    expect(await log.countThrough('nobody', 99)).toBe(0);
  });

  it('prunes atomically: the attesting event, the anchor and the deletion, twice over', async () => {
    const t = 'prune';
    expect(await log.anchor(t)).toBeNull();
    await appendAll([
      input(t, { at: day('2024-01-01') }),
      input(t, { at: day('2024-01-02') }),
      input(t, { at: day('2024-01-03') }),
      input(t, { at: day('2026-01-01') }),
    ]);
    const cutoff = new Date(day('2025-01-01'));
    const lastPruned = (await log.lastPrunable(t, cutoff.toISOString()))!;
    expect(lastPruned.seq).toBe(3);
    const plan = preparePrune({ head: (await log.head(t))!, lastPruned, prunedCount: await log.countThrough(t, 3), previousAnchor: await log.anchor(t), cutoff, at: day('2026-02-01'), actor: 'system:audit-retention' });
    expect(await log.prune(plan)).toBe(3);
    expect(await log.anchor(t)).toEqual({ tenantId: t, seq: 3, hash: lastPruned.hash, prunedCount: 3, at: day('2026-02-01') });
    expect(await log.get(t, 3)).toBeNull();
    expect(await log.head(t)).toEqual(plan.event);
    expect((await collect(log.iterate(t))).map((e) => e.seq)).toEqual([4, 5]);
    expect(await log.tenants()).toContain(t);
    expect(await verifyChain(log.iterate(t, 4), { start: { seq: 3, hash: lastPruned.hash } })).toMatchObject({ ok: true, checked: 2 });

    await log.append(input(t, { at: day('2026-02-02') }));
    const laterCutoff = new Date(day('2026-02-02'));
    const nextLast = (await log.lastPrunable(t, laterCutoff.toISOString()))!;
    expect(nextLast.seq).toBe(5);
    const again = preparePrune({ head: (await log.head(t))!, lastPruned: nextLast, prunedCount: await log.countThrough(t, 5), previousAnchor: await log.anchor(t), cutoff: laterCutoff, at: day('2026-02-03'), actor: null });
    expect(await log.prune(again)).toBe(2);
    expect(await log.anchor(t)).toEqual({ tenantId: t, seq: 5, hash: nextLast.hash, prunedCount: 5, at: day('2026-02-03') });
    expect(await verifyChain(log.iterate(t, 6), { start: { seq: 5, hash: nextLast.hash } })).toMatchObject({ ok: true, checked: 2, head: { seq: 7 } });
  });

  it('refuses a prune prepared on a head that has moved, changing nothing', async () => {
    const t = 'prune-stale';
    await appendAll([input(t, { at: day('2024-01-01') }), input(t, { at: day('2024-01-02') }), input(t, { at: day('2026-01-01') })]);
    const cutoff = new Date(day('2025-01-01'));
    const lastPruned = (await log.lastPrunable(t, cutoff.toISOString()))!;
    const plan = preparePrune({ head: (await log.head(t))!, lastPruned, prunedCount: 2, previousAnchor: null, cutoff, at: day('2026-02-01'), actor: null });
    const moved = await log.append(input(t, { at: day('2026-01-31') }));
    await expect(Promise.resolve().then(() => log.prune(plan))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await log.anchor(t)).toBeNull();
    expect(await log.head(t)).toEqual(moved);
    expect(await log.countThrough(t, 99)).toBe(4);
    // A plan forged on a foreign head (right seq, wrong hash) is refused the same way.
    const forged = { ...plan, event: appendEvent({ seq: 4, hash: 'f'.repeat(64) }, { ...input(t), action: 'audit_pruned' }) };
    await expect(Promise.resolve().then(() => log.prune(forged))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await log.countThrough(t, 99)).toBe(4);
  });
}
