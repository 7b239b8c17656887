import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEventInput } from '../../core/audit/audit-chain';
import type { AuditLogStore } from '../../core/audit/audit-log.port';
import type { Call, Tenant } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { LegalHold } from '../../core/retention/legal-hold';
import type { RetentionStore, Tombstone } from '../../core/retention/retention-store.port';
import { andThen, type Awaitable } from '../../core/shared/awaitable';
import { makeCall, T1, T2 } from './support/fixtures';

/**
 * A retention store under contract test, with the call repository and the audit log of the same database: the
 * audit log is the "other store" whose writes a deletion's or a status move's callback makes inside the transaction.
 */
export interface RetentionStoreUnderTest {
  readonly store: RetentionStore;
  readonly calls: CallRepository;
  readonly audit: AuditLogStore;
  /**
   * True where the store awaits a promise its callback returns (PostgreSQL); false where it refuses one because
   * its transaction cannot span an await (SQLite).
   */
  readonly awaitsCallbacks: boolean;
  close(): Promise<void>;
}

export type OpenRetentionStore = () => Promise<RetentionStoreUnderTest>;

const WALK: Tenant = { ...T1, id: 'walk', name: 'Id order' };
const AT = '2026-03-10T09:00:00.000Z';

/** `n` minutes after AT, as the ISO text both stores keep. */
function minute(n: number): string {
  return new Date(Date.parse(AT) + n * 60_000).toISOString();
}

function hold(tenantId: string, id: string, over: Partial<LegalHold> = {}): LegalHold {
  return { id, tenantId, by: { kind: 'agent', agentId: 'a1' }, reason: 'litigation 2026-17', author: 'u-admin', createdAt: AT, ...over };
}

function tombstoneOf(call: Call, over: Partial<Tombstone> = {}): Tombstone {
  return {
    tenantId: call.tenantId,
    callId: call.id,
    deletedAt: minute(1),
    ruleId: 'misdial-30d',
    basis: 'policy',
    actor: 'retention-sweep',
    audioSha256: call.recording?.sha256 ?? null,
    ...over,
  };
}

function certificate(call: Call, actor = 'retention-sweep'): AuditEventInput {
  return {
    at: minute(1),
    tenantId: call.tenantId,
    actor,
    role: null,
    action: 'retention_delete',
    target: `call:${call.id}`,
    outcome: 'allowed',
    reason: 'retention_rule',
    details: { certificate: 'deletion' },
  };
}

/** Runs `work` as a promise, so that a synchronous store's throw becomes a rejection like an asynchronous one's. */
function attempt<T>(work: () => Awaitable<T>): Promise<T> {
  return Promise.resolve().then(work);
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The RetentionStore contract: SQLite and PostgreSQL must give these answers. The concurrency tests run on both;
 * on SQLite the calls take turns (one connection, synchronous), on PostgreSQL they race on separate connections.
 * One database serves the whole suite, so every test works on calls, holds and sweeps of its own.
 */
export function describeRetentionStoreContract(open: OpenRetentionStore): void {
  let s: RetentionStoreUnderTest;
  let store: RetentionStore;
  let seq = 0;
  /** A tenant id no other test uses (tables other than calls do not require a tenant row). */
  const freshTenant = (prefix: string) => `${prefix}-${++seq}`;

  const reread = async (call: Pick<Call, 'tenantId' | 'id'>) =>
    (await s.calls.getCall(call.tenantId, call.id, { kind: 'all' })) ?? fail(`call ${call.id} is not stored`);

  /** Inserts a call of tenant t1 that no other test uses and returns it as stored. */
  async function newCall(over: Partial<Call> = {}): Promise<Call> {
    const n = ++seq;
    await s.calls.insertCall(makeCall(n % 100, { id: `call-${String(n).padStart(4, '0')}`, providerCallId: `p-call-${n}`, ...over }));
    return reread({ tenantId: over.tenantId ?? T1.id, id: `call-${String(n).padStart(4, '0')}` });
  }

  const auditTargets = async (tenantId: string) => (await s.audit.query(tenantId, { limit: 1000 })).map((e) => e.target);
  /** A callback that pauses on stores that await it, so that concurrent callers overlap inside their transactions. */
  const pause = (): Awaitable<void> => (s.awaitsCallbacks ? new Promise((resolve) => setTimeout(resolve, 100)) : undefined);

  beforeAll(async () => {
    s = await open();
    store = s.store;
    for (const tenant of [T1, T2, WALK]) await s.calls.upsertTenant(tenant);
  });
  afterAll(async () => s?.close());

  // ---- policies ----

  it('saves a policy as version 1, then +1 on every save, and reads back the latest', async () => {
    const tenantId = freshTenant('policy');
    expect(await store.getPolicy(tenantId)).toBeNull();
    expect(await store.putPolicy(tenantId, { source: 'preset', preset: 'general', policy: { name: '通用' } }, 'u-1', AT)).toBe(1);
    expect(await store.putPolicy(tenantId, { source: 'custom', preset: null, policy: { name: 'mine', rules: [] } }, 'u-2', minute(5))).toBe(2);
    expect(await store.getPolicy(tenantId)).toEqual({
      tenantId,
      policy: { source: 'custom', preset: null, policy: { name: 'mine', rules: [] } },
      version: 2,
      updatedBy: 'u-2',
      updatedAt: minute(5),
    });
    expect(await store.getPolicy(freshTenant('policy'))).toBeNull();
  });

  it('gives each of concurrent policy saves its own version', async () => {
    const tenantId = freshTenant('policy');
    const versions = await Promise.all([1, 2, 3, 4, 5].map((n) => attempt(() => store.putPolicy(tenantId, { n }, `u-${n}`, minute(n)))));
    expect([...versions].sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store.getPolicy(tenantId))?.version).toBe(5);
  });

  // ---- legal holds ----

  it('stores a hold unreleased and reads it back; another tenant does not see it', async () => {
    const tenantId = freshTenant('holds');
    const placed = hold(tenantId, 'h-1', { by: { kind: 'customer', phone: '+8613800000000', crmId: '客户-9' }, expiresAt: minute(60) });
    await store.insertHold(placed);
    expect(await store.getHold(tenantId, 'h-1')).toEqual({ ...placed, releasedAt: null, releasedBy: null });
    await store.insertHold(hold(tenantId, 'h-2'));
    expect(await store.getHold(tenantId, 'h-2')).toMatchObject({ expiresAt: null, releasedAt: null, releasedBy: null });
    expect(await store.getHold(freshTenant('holds'), 'h-1')).toBeNull();
    expect(await store.getHold(tenantId, 'h-absent')).toBeNull();
  });

  it('refuses a second hold with the same id with CONFLICT and keeps the first; another tenant may reuse the id', async () => {
    const tenantId = freshTenant('holds');
    await store.insertHold(hold(tenantId, 'h-1', { reason: 'first' }));
    await expect(attempt(() => store.insertHold(hold(tenantId, 'h-1', { reason: 'second' })))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.getHold(tenantId, 'h-1'))?.reason).toBe('first');
    const other = freshTenant('holds');
    await store.insertHold(hold(other, 'h-1', { reason: 'other tenant' }));
    expect((await store.getHold(other, 'h-1'))?.reason).toBe('other tenant');
  });

  it('releases a hold once: true, then false with the first release kept; an absent hold gives false', async () => {
    const tenantId = freshTenant('holds');
    await store.insertHold(hold(tenantId, 'h-1'));
    expect(await store.releaseHold(tenantId, 'h-1', 'u-legal', minute(10))).toBe(true);
    expect(await store.releaseHold(tenantId, 'h-1', 'u-other', minute(20))).toBe(false);
    expect(await store.getHold(tenantId, 'h-1')).toMatchObject({ releasedAt: minute(10), releasedBy: 'u-legal' });
    expect(await store.releaseHold(tenantId, 'h-absent', 'u-legal', minute(10))).toBe(false);
    expect(await store.releaseHold(freshTenant('holds'), 'h-1', 'u-legal', minute(10))).toBe(false);
  });

  it('lets exactly one of concurrent releases of a hold win', async () => {
    const tenantId = freshTenant('holds');
    await store.insertHold(hold(tenantId, 'h-1'));
    const results = await Promise.all(['u-a', 'u-b', 'u-c'].map((by, i) => attempt(() => store.releaseHold(tenantId, 'h-1', by, minute(i + 1)))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['u-a', 'u-b', 'u-c'][results.indexOf(true)];
    expect((await store.getHold(tenantId, 'h-1'))?.releasedBy).toBe(winner);
  });

  it('lists unreleased holds oldest first, expired ones included, released ones and other tenants not', async () => {
    const tenantId = freshTenant('holds');
    await store.insertHold(hold(tenantId, 'h-b', { createdAt: minute(2) }));
    await store.insertHold(hold(tenantId, 'h-a', { createdAt: minute(2) }));
    await store.insertHold(hold(tenantId, 'h-c', { createdAt: minute(1), expiresAt: minute(1) }));
    await store.insertHold(hold(tenantId, 'h-d', { createdAt: minute(0) }));
    await store.releaseHold(tenantId, 'h-d', 'u-legal', minute(3));
    await store.insertHold(hold(freshTenant('holds'), 'h-x'));
    expect((await store.unreleasedHolds(tenantId)).map((h) => h.id)).toEqual(['h-c', 'h-a', 'h-b']);
    expect(await store.unreleasedHolds(freshTenant('holds'))).toEqual([]);
  });

  it('pages holds newest first (ties by id, byte order), each exactly once', async () => {
    const tenantId = freshTenant('holds');
    const ids = ['h-B', 'h-_', 'h-a', 'h-b', 'h-c'];
    for (const [i, id] of ids.entries()) await store.insertHold(hold(tenantId, id, { createdAt: i < 4 ? minute(5) : minute(1) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listHolds(tenantId, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((h) => h.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['h-b', 'h-a', 'h-_', 'h-B', 'h-c']);
    expect(pages).toBe(3);
    const exact = await store.listHolds(tenantId, { limit: 5 });
    expect(exact.items).toHaveLength(5);
    expect(exact.nextCursor).toBeNull();
  });

  it('lists only holds active at an instant: neither released nor expired by then', async () => {
    const tenantId = freshTenant('holds');
    await store.insertHold(hold(tenantId, 'h-open', { createdAt: minute(1) }));
    await store.insertHold(hold(tenantId, 'h-later', { createdAt: minute(2), expiresAt: minute(31) }));
    await store.insertHold(hold(tenantId, 'h-lapsing', { createdAt: minute(3), expiresAt: minute(30) }));
    await store.insertHold(hold(tenantId, 'h-released', { createdAt: minute(4) }));
    await store.releaseHold(tenantId, 'h-released', 'u-legal', minute(5));
    const active = await store.listHolds(tenantId, { activeAt: minute(30), limit: 10 });
    expect(active.items.map((h) => h.id)).toEqual(['h-later', 'h-open']);
    const first = await store.listHolds(tenantId, { activeAt: minute(30), limit: 1 });
    expect(first.items.map((h) => h.id)).toEqual(['h-later']);
    const second = await store.listHolds(tenantId, { activeAt: minute(30), limit: 1, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'h-open' })], nextCursor: null });
    expect((await store.listHolds(tenantId, { limit: 10 })).items).toHaveLength(4);
  });

  it('rejects a cursor it did not issue with VALIDATION_FAILED', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      await expect(attempt(() => store.listHolds(freshTenant('holds'), { limit: 10, cursor }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  // ---- calls in id order ----

  it('walks a tenant\'s calls in id byte order, in pages after an id, whatever their status', async () => {
    const ids = ['b1', 'B1', '_1', 'a1', 'a10', 'a2', '退款-1'];
    const inserted = new Map<string, Call>();
    for (const [i, id] of ids.entries()) {
      await s.calls.insertCall(makeCall(i, { id, tenantId: WALK.id, providerCallId: `walk-${i}`, status: i === 3 ? 'misdial' : 'stored', tags: i === 0 ? ['vip'] : [] }));
      inserted.set(id, await reread({ tenantId: WALK.id, id }));
    }
    await s.calls.insertCall(makeCall(50, { id: 'a0', providerCallId: 'walk-other' }));
    const byteOrder = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(byteOrder).toEqual(['B1', '_1', 'a1', 'a10', 'a2', 'b1', '退款-1']);

    const first = await store.callsAfter(WALK.id, null, 3);
    expect(first.map((c) => c.id)).toEqual(byteOrder.slice(0, 3));
    expect(first[2]).toEqual(inserted.get('a1'));
    expect((await store.callsAfter(WALK.id, 'a1', 3)).map((c) => c.id)).toEqual(byteOrder.slice(3, 6));
    expect((await store.callsAfter(WALK.id, 'a', 100)).map((c) => c.id)).toEqual(byteOrder.slice(2));
    expect(await store.callsAfter(WALK.id, '退款-1', 3)).toEqual([]);
    expect(await store.countCalls(WALK.id)).toBe(ids.length);
    expect(await store.countCalls('no-such-tenant')).toBe(0);

    for (const pageSize of [1, 2, 7, 1000]) {
      const walked: Call[] = [];
      for await (const call of store.iterateCalls(WALK.id, pageSize)) walked.push(call);
      expect(walked.map((c) => c.id)).toEqual(byteOrder);
      expect(walked).toEqual(byteOrder.map((id) => inserted.get(id)));
    }
    const none: Call[] = [];
    for await (const call of store.iterateCalls('no-such-tenant')) none.push(call);
    expect(none).toEqual([]);
  });

  // ---- deletion ----

  it('finalizes a deletion once: tombstone, tombstone row, thaw forgotten, certificate; again changes nothing', async () => {
    const call = await newCall();
    await store.recordThaw(call.tenantId, call.id, 'u-qa', minute(0));
    expect(await store.getTombstone(call.tenantId, call.id)).toBeNull();
    const tombstone = tombstoneOf(call);
    let certified = 0;
    const certify = () => {
      certified++;
      return s.audit.append(certificate(call));
    };
    expect(await store.finalizeDeletion(tombstone, certify)).toBe(true);
    expect(await store.getTombstone(call.tenantId, call.id)).toEqual(tombstone);
    expect(await reread(call)).toEqual({ ...call, status: 'deleted', recording: null });
    expect((await store.thawedSince(call.tenantId, minute(-60))).has(call.id)).toBe(false);
    expect(await auditTargets(call.tenantId)).toContain(`call:${call.id}`);

    expect(await store.finalizeDeletion(tombstoneOf(call, { basis: 'admin', ruleId: null, actor: 'u-admin', deletedAt: minute(9) }), certify)).toBe(false);
    expect(certified).toBe(1);
    expect(await store.getTombstone(call.tenantId, call.id)).toEqual(tombstone);
    expect(await store.getTombstone(T2.id, call.id)).toBeNull();
  });

  it('keeps an admin deletion\'s tombstone with no rule and no audio digest', async () => {
    const call = await newCall({ recording: null, status: 'misdial' });
    const tombstone = tombstoneOf(call, { basis: 'admin', ruleId: null, actor: 'u-admin', audioSha256: null });
    expect(await store.finalizeDeletion(tombstone, () => undefined)).toBe(true);
    expect(await store.getTombstone(call.tenantId, call.id)).toEqual(tombstone);
    expect((await reread(call)).status).toBe('deleted');
  });

  it('rolls a deletion back when its certificate fails: no tombstone, call and thaw unchanged, no audit event', async () => {
    const call = await newCall();
    await store.recordThaw(call.tenantId, call.id, 'u-qa', minute(0));
    const eventsBefore = await auditTargets(call.tenantId);
    const failing = () =>
      andThen(s.audit.append(certificate(call)), () =>
        andThen(store.recordThaw(call.tenantId, call.id, 'u-inside', minute(2)), () => {
          throw new Error('certificate rejected');
        }),
      );
    await expect(attempt(() => store.finalizeDeletion(tombstoneOf(call), failing))).rejects.toThrow('certificate rejected');
    expect(await store.getTombstone(call.tenantId, call.id)).toBeNull();
    expect(await reread(call)).toEqual(call);
    expect((await store.thawedSince(call.tenantId, minute(-60))).get(call.id)).toBe(minute(0));
    expect(await auditTargets(call.tenantId)).toEqual(eventsBefore);

    expect(await store.finalizeDeletion(tombstoneOf(call), () => s.audit.append(certificate(call)))).toBe(true);
  });

  it('lets exactly one of concurrent deletions of a call write the tombstone and its certificate', async () => {
    const call = await newCall();
    let certified = 0;
    const results = await Promise.all(
      ['u-a', 'u-b', 'u-c'].map((actor) =>
        attempt(() =>
          store.finalizeDeletion(tombstoneOf(call, { actor }), () => {
            certified++;
            return andThen(s.audit.append(certificate(call, actor)), pause);
          }),
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(certified).toBe(1);
    const winner = ['u-a', 'u-b', 'u-c'][results.indexOf(true)];
    expect((await store.getTombstone(call.tenantId, call.id))?.actor).toBe(winner);
    const certificates = (await s.audit.query(call.tenantId, { target: `call:${call.id}`, limit: 10 })).map((e) => e.actor);
    expect(certificates).toEqual([winner]);
  });

  // ---- status moves ----

  it('moves a call between statuses only from the listed ones, running the callback only when it moved', async () => {
    const call = await newCall();
    let ran = 0;
    const after = () => {
      ran++;
      return s.audit.append({ ...certificate(call), action: 'retention_archive' });
    };
    expect(await store.transitionStatus(call.tenantId, call.id, ['stored', 'misdial'], 'archived', after)).toBe(true);
    expect(await reread(call)).toEqual({ ...call, status: 'archived' });
    expect(await store.transitionStatus(call.tenantId, call.id, ['stored', 'misdial'], 'archived', after)).toBe(false);
    expect(await store.transitionStatus(call.tenantId, call.id, [], 'stored', after)).toBe(false);
    expect(await store.transitionStatus(call.tenantId, 'no-such-call', ['stored', 'archived'], 'stored', after)).toBe(false);
    expect(await store.transitionStatus(T2.id, call.id, ['archived'], 'stored', after)).toBe(false);
    expect(ran).toBe(1);
    const thawAndAudit = () => andThen(store.recordThaw(call.tenantId, call.id, 'u-qa', minute(4)), after);
    expect(await store.transitionStatus(call.tenantId, call.id, ['archived', 'stored'], 'stored', thawAndAudit)).toBe(true);
    expect(ran).toBe(2);
    expect((await reread(call)).status).toBe('stored');
    expect((await store.thawedSince(call.tenantId, minute(4))).get(call.id)).toBe(minute(4));
  });

  it('rolls a status move back when its callback fails: status unchanged, callback writes undone', async () => {
    const call = await newCall();
    const failing = () =>
      andThen(store.recordThaw(call.tenantId, call.id, 'u-qa', minute(3)), () => {
        throw new Error('audit unavailable');
      });
    await expect(attempt(() => store.transitionStatus(call.tenantId, call.id, ['stored'], 'archived', failing))).rejects.toThrow('audit unavailable');
    expect((await reread(call)).status).toBe('stored');
    expect((await store.thawedSince(call.tenantId, minute(-60))).has(call.id)).toBe(false);
  });

  it('lets exactly one of concurrent moves of a call from the same status happen', async () => {
    const call = await newCall();
    let ran = 0;
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        attempt(() =>
          store.transitionStatus(call.tenantId, call.id, ['stored'], 'archived', () => {
            ran++;
            return pause();
          }),
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(ran).toBe(1);
    expect((await reread(call)).status).toBe('archived');
  });

  it('treats a callback that returns a promise as its kind of store must: awaited inside, or refused with nothing written', async () => {
    const call = await newCall();
    const asyncCertify = async () => {
      await store.recordThaw(call.tenantId, call.id, 'u-inside', minute(7));
      await s.audit.append(certificate(call));
    };
    if (s.awaitsCallbacks) {
      expect(await store.finalizeDeletion(tombstoneOf(call), asyncCertify)).toBe(true);
      expect(await store.getTombstone(call.tenantId, call.id)).not.toBeNull();
      expect((await store.thawedSince(call.tenantId, minute(7))).get(call.id)).toBe(minute(7));
      const other = await newCall();
      const rejecting = async () => {
        await store.recordThaw(other.tenantId, other.id, 'u-inside', minute(7));
        throw new Error('late failure');
      };
      await expect(attempt(() => store.transitionStatus(other.tenantId, other.id, ['stored'], 'archived', rejecting))).rejects.toThrow('late failure');
      expect((await reread(other)).status).toBe('stored');
      expect((await store.thawedSince(other.tenantId, minute(-60))).has(other.id)).toBe(false);
    } else {
      await expect(attempt(() => store.finalizeDeletion(tombstoneOf(call), () => Promise.resolve()))).rejects.toThrow(/cannot span an await/);
      await expect(attempt(() => store.transitionStatus(call.tenantId, call.id, ['stored'], 'archived', () => Promise.resolve()))).rejects.toThrow(
        /cannot span an await/,
      );
      expect(await store.getTombstone(call.tenantId, call.id)).toBeNull();
      expect(await reread(call)).toEqual(call);
    }
  });

  // ---- sweeps ----

  it('starts, checkpoints and finishes a sweep, one running per tenant', async () => {
    const tenantId = freshTenant('sweep');
    expect(await store.openSweep(tenantId)).toBeNull();
    const started = await store.startSweep(tenantId, 'sw-1', AT, minute(1));
    expect(started).toEqual({
      tenantId, id: 'sw-1', status: 'running', decidedAt: AT, startedAt: minute(1), finishedAt: null, cursorId: null, processed: 0, counts: {},
    });
    expect(await store.openSweep(tenantId)).toEqual(started);
    await expect(attempt(() => store.startSweep(tenantId, 'sw-2', AT, minute(2)))).rejects.toMatchObject({ code: 'CONFLICT' });
    const elsewhere = freshTenant('sweep');
    expect((await store.startSweep(elsewhere, 'sw-1', AT, minute(2))).status).toBe('running');

    await store.checkpointSweep(tenantId, 'sw-1', 'c-0500', 500, { keep: 480, archive: 15, delete: 5, held: 0 });
    expect(await store.openSweep(tenantId)).toMatchObject({ cursorId: 'c-0500', processed: 500, counts: { keep: 480, archive: 15, delete: 5, held: 0 } });
    await store.finishSweep(tenantId, 'sw-1', minute(9), 730, { keep: 700, archive: 20, delete: 8, held: 2 });
    expect(await store.openSweep(tenantId)).toBeNull();

    const next = await store.startSweep(tenantId, 'sw-2', minute(10), minute(10));
    expect(next).toMatchObject({ id: 'sw-2', status: 'running', processed: 0, counts: {} });
    await expect(attempt(() => store.startSweep(tenantId, 'sw-1', minute(11), minute(11)))).rejects.toMatchObject({ code: 'CONFLICT' });
    await store.finishSweep(tenantId, 'sw-2', minute(12), 0, {});
    await expect(attempt(() => store.startSweep(tenantId, 'sw-1', minute(13), minute(13)))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.openSweep(tenantId)).toBeNull();
  });

  it('lets exactly one of concurrent sweep starts for a tenant run; the others get CONFLICT', async () => {
    const tenantId = freshTenant('sweep');
    const results = await Promise.allSettled(['sw-a', 'sw-b', 'sw-c'].map((id) => attempt(() => store.startSweep(tenantId, id, AT, AT))));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CONFLICT' });
    expect((await store.openSweep(tenantId))?.id).toBe((won[0] as PromiseFulfilledResult<{ id: string }>).value.id);
  });

  // ---- thaws ----

  it('records thaws, the latest per call winning, and lists those at or after an instant', async () => {
    const tenantId = freshTenant('thaw');
    await store.recordThaw(tenantId, 'c-1', 'u-qa', minute(1));
    await store.recordThaw(tenantId, 'c-2', 'u-qa', minute(5));
    await store.recordThaw(tenantId, 'c-3', 'u-qa', minute(2));
    await store.recordThaw(tenantId, 'c-3', 'u-other', minute(8));
    await store.recordThaw(freshTenant('thaw'), 'c-9', 'u-qa', minute(9));
    expect(await store.thawedSince(tenantId, minute(5))).toEqual(new Map([['c-2', minute(5)], ['c-3', minute(8)]]));
    expect((await store.thawedSince(tenantId, minute(0))).size).toBe(3);
    expect(await store.thawedSince(tenantId, minute(9))).toEqual(new Map());
  });
}
