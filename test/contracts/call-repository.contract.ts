import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesScope } from '../../core/access';
import type { Call } from '../../core/recordings/call';
import type { CallFilter, CallScope } from '../../core/recordings/call-repository.port';
import { AGENTS, makeCall, T1, T2 } from './support/fixtures';
import type { OpenStore, StoreUnderTest } from './support/stores';

const TEAM: Record<string, string> = { a1: 'T1', a2: 'T1', a3: 'T2' };

/** 20 calls of tenant t1 spread over agents, queues, phones, tags; plus calls of tenant t2. */
function fixtureCalls(): Call[] {
  const calls: Call[] = [];
  for (let n = 1; n <= 20; n++) {
    const agentId = n % 7 === 0 ? null : (['a1', 'a2', 'a3'][n % 3] as string);
    calls.push(
      makeCall(n, {
        agentId,
        queue: n % 2 === 0 ? 'sales' : 'support',
        customerPhone: n % 5 === 0 ? '+8613911112222' : n % 11 === 0 ? null : '+8613800000000',
        direction: n % 4 === 0 ? 'outbound' : 'inbound',
        channel: n % 6 === 0 ? 'ivr' : 'human',
        inquiryType: n % 3 === 0 ? '退款' : 'billing',
        tags: n % 4 === 1 ? ['vip', 'renewal'] : n % 4 === 2 ? ['vip'] : [],
        status: n === 13 ? 'misdial' : 'stored',
      }),
    );
  }
  return calls;
}

/**
 * The CallRepository contract: every adapter (SQLite, PostgreSQL) must give these answers. `open` returns a
 * fresh, empty store.
 */
export function describeCallRepositoryContract(open: OpenStore): void {
  let store: StoreUnderTest;
  const calls = fixtureCalls();
  const otherTenant = [makeCall(30, { id: 'x30', tenantId: 't2', providerCallId: 'p-30' }), makeCall(31, { id: 'c01', tenantId: 't2', providerCallId: 'p-1' })];
  const flags: Record<string, string[]> = { c03: ['threat'], c06: ['threat', 'abuse'], c09: ['abuse'] };
  const scores: Record<string, number> = { c02: 55, c04: 72.5, c08: 90, c12: 100 };
  const reviewer = 'qa-1';
  const assigned = ['c05', 'c10'];

  beforeAll(async () => {
    store = await open();
    await store.repo.upsertTenant(T1);
    await store.repo.upsertTenant(T2);
    for (const agent of AGENTS) await store.repo.upsertAgent(agent);
    for (const call of [...calls, ...otherTenant]) {
      const outcome = await store.repo.insertCall(call, {
        outbox: [{ id: `ob-${call.tenantId}-${call.id}`, tenantId: call.tenantId, kind: 'crm.sync', payload: { callId: call.id } }],
        jobs: [{ id: `job-${call.tenantId}-${call.id}`, tenantId: call.tenantId, kind: 'transcribe', payload: { callId: call.id } }],
      });
      expect(outcome.inserted).toBe(true);
    }
    for (const [id, list] of Object.entries(flags)) await store.repo.replaceCallFlags('t1', id, list);
    for (const [id, score] of Object.entries(scores)) await store.repo.recordCallScore('t1', id, score, '2026-04-01T00:00:00Z');
    for (const id of assigned) await store.assignReview('t1', id, reviewer);
  });
  afterAll(async () => store?.close());

  const listAll = async (filter: CallFilter, scope: CallScope = { kind: 'all' }, tenant = 't1', limit = 4): Promise<Call[]> => {
    const out: Call[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await store.repo.listCalls(tenant, filter, scope, { limit, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  };
  const ids = (list: readonly Call[]) => list.map((c) => c.id);
  const newestFirst = (list: readonly Call[]) =>
    [...list].sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1)).map((c) => c.id);

  it('reads back tenants and agents', async () => {
    expect(await store.repo.getTenant('t1')).toEqual(T1);
    expect(await store.repo.getTenant('nope')).toBeNull();
    expect((await store.repo.listTenants()).map((t) => t.id)).toEqual(['t1', 't2']);
    expect((await store.repo.listAgents('t1')).map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    const a2 = (await store.repo.listAgents('t1'))[1];
    expect(await store.repo.getAgent('t1', 'a2')).toEqual(a2);
    expect(await store.repo.getAgent('t2', 'a2')).toBeNull();
    expect(await store.repo.getAgent('t1', 'nobody')).toBeNull();
    await store.repo.upsertTenant({ ...T2, name: 'Renamed' });
    expect((await store.repo.getTenant('t2'))?.name).toBe('Renamed');
  });

  it('ingest is idempotent: a repeated provider call id writes nothing and returns the stored call', async () => {
    const before = { outbox: await store.countRows('outbox'), jobs: await store.countRows('jobs') };
    const again = await store.repo.insertCall(makeCall(1, { id: 'c-duplicate', customerPhone: '+8610000000000' }), {
      outbox: [{ id: 'ob-dup', tenantId: 't1', kind: 'crm.sync', payload: {} }],
      jobs: [{ id: 'job-dup', tenantId: 't1', kind: 'transcribe', payload: {} }],
    });
    expect(again.inserted).toBe(false);
    expect(again.call.id).toBe('c01');
    expect(await store.countRows('outbox')).toBe(before.outbox);
    expect(await store.countRows('jobs')).toBe(before.jobs);
    expect(await store.repo.findByProviderCallId('t1', 'upload', 'p-1')).toMatchObject({ id: 'c01', tenantId: 't1' });
    expect(await store.repo.findByProviderCallId('t1', 'upload', 'missing')).toBeNull();
  });

  it('stores every field and fills the team from the agent', async () => {
    const stored = await store.repo.getCall('t1', 'c01', { kind: 'all' });
    const expected = calls.find((c) => c.id === 'c01') as Call;
    expect(stored).toEqual({ ...expected, team: TEAM[expected.agentId ?? ''] ?? null });
    expect((await store.repo.getCall('t1', 'c07', { kind: 'all' }))?.team).toBeNull();
  });

  it('pages through every call exactly once, newest first', async () => {
    for (const limit of [1, 3, 7, 50]) {
      const listed = await listAll({}, { kind: 'all' }, 't1', limit);
      expect(ids(listed)).toEqual(newestFirst(calls));
    }
  });

  const filterCases: readonly [string, CallFilter, (c: Call) => boolean][] = [
    ['time range', { from: makeCall(5).startedAt, to: makeCall(12).startedAt }, (c) => c.startedAt >= makeCall(5).startedAt && c.startedAt < makeCall(12).startedAt],
    ['agent', { agentId: 'a2' }, (c) => c.agentId === 'a2'],
    ['phone', { customerPhone: '+8613911112222' }, (c) => c.customerPhone === '+8613911112222'],
    ['direction', { direction: 'outbound' }, (c) => c.direction === 'outbound'],
    ['channel', { channel: 'ivr' }, (c) => c.channel === 'ivr'],
    ['inquiry type', { inquiryType: '退款' }, (c) => c.inquiryType === '退款'],
    ['tag', { tag: 'renewal' }, (c) => c.tags.includes('renewal')],
    ['status', { status: 'misdial' }, (c) => c.status === 'misdial'],
    ['flag', { flag: 'threat' }, (c) => (flags[c.id] ?? []).includes('threat')],
    ['score range', { scoreMin: 70, scoreMax: 90 }, (c) => scores[c.id] !== undefined && (scores[c.id] as number) >= 70 && (scores[c.id] as number) <= 90],
    ['score floor', { scoreMin: 60 }, (c) => scores[c.id] !== undefined && (scores[c.id] as number) >= 60],
    ['tag and flag and agent', { tag: 'vip', flag: 'abuse', agentId: 'a3' }, (c) => c.tags.includes('vip') && (flags[c.id] ?? []).includes('abuse') && c.agentId === 'a3'],
    ['tag and direction', { tag: 'vip', direction: 'inbound' }, (c) => c.tags.includes('vip') && c.direction === 'inbound'],
  ];
  it.each(filterCases)('filters by %s', async (_name, filter, keep) => {
    const expected = newestFirst(calls.filter(keep));
    expect(ids(await listAll(filter))).toEqual(expected);
  });

  const scopes: readonly [string, CallScope][] = [
    ['all', { kind: 'all' }],
    ['none', { kind: 'none' }],
    ['own agent', { kind: 'restricted', agentIds: ['a1'] }],
    ['team', { kind: 'restricted', teams: ['T2'] }],
    ['queue', { kind: 'restricted', queues: ['support'] }],
    ['review assignment only', { kind: 'restricted', reviewerId: reviewer }],
    ['qa scope', { kind: 'restricted', reviewerId: reviewer, teams: ['T2'], queues: ['sales'] }],
    ['empty restricted', { kind: 'restricted' }],
  ];
  it.each(scopes)('applies the %s scope inside the query, as matchesScope says', async (_name, scope) => {
    const expected = newestFirst(
      calls.filter((c) =>
        matchesScope(scope, { agentId: c.agentId, team: TEAM[c.agentId ?? ''] ?? null, queue: c.queue, reviewerIds: assigned.includes(c.id) ? [reviewer] : [] }),
      ),
    );
    expect(ids(await listAll({}, scope, 't1', 3))).toEqual(expected);
    for (const call of calls) {
      const visible = await store.repo.getCall('t1', call.id, scope);
      expect(visible === null).toBe(!expected.includes(call.id));
    }
  });

  it('never shows an agent another agent\'s call', async () => {
    const own = await listAll({}, { kind: 'restricted', agentIds: ['a2'] });
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((c) => c.agentId === 'a2')).toBe(true);
    expect(await listAll({ agentId: 'a1' }, { kind: 'restricted', agentIds: ['a2'] })).toEqual([]);
  });

  it('isolates tenants', async () => {
    expect(ids(await listAll({}, { kind: 'all' }, 't2'))).toEqual(newestFirst(otherTenant));
    expect(await store.repo.getCall('t1', 'x30', { kind: 'all' })).toBeNull();
    expect((await store.repo.getCall('t2', 'c01', { kind: 'all' }))?.providerCallId).toBe('p-1');
    expect((await store.repo.getCall('t1', 'c01', { kind: 'all' }))?.tenantId).toBe('t1');
    expect(await store.repo.countCalls('t1')).toBe(20);
    expect(await store.repo.countCalls('t2')).toBe(2);
  });

  it('updates status, CRM links and scores', async () => {
    await store.repo.updateCallStatus('t1', 'c20', 'archived');
    await store.repo.setCrmLinks('t1', 'c20', [{ crm: 'zendesk', objectType: 'ticket', id: '42' }]);
    const call = await store.repo.getCall('t1', 'c20', { kind: 'all' });
    expect(call?.status).toBe('archived');
    expect(call?.crmLinks).toEqual([{ crm: 'zendesk', objectType: 'ticket', id: '42' }]);
    await store.repo.updateCallStatus('t1', 'c20', 'stored');
    await store.repo.recordCallScore('t1', 'c20', 80, '2026-05-01T00:00:00Z');
    await store.repo.recordCallScore('t1', 'c20', 10, '2026-04-01T00:00:00Z'); // older evaluation: ignored
    expect(ids(await listAll({ scoreMin: 79, scoreMax: 81 }))).toEqual(['c20']);
    await store.repo.recordCallScore('t1', 'c20', null, '2026-05-02T00:00:00Z');
    expect(ids(await listAll({ scoreMin: 79, scoreMax: 81 }))).toEqual([]);
  });

  it('replaces a CRM\'s customer tags on the call and in the tag filter, keeping ingest and other CRMs\' tags', async () => {
    // c01 was ingested with the tags vip and renewal.
    expect(await store.repo.replaceCrmTags('t1', 'c01', 'salesforce', ['type:Customer - Direct', 'rating:Hot', 'rating:Hot'])).toEqual([
      'vip',
      'renewal',
      'sf:rating:Hot',
      'sf:type:Customer - Direct',
    ]);
    await store.repo.replaceCrmTags('t1', 'c01', 'zendesk', ['vip']);
    expect(ids(await listAll({ tag: 'sf:type:Customer - Direct' }))).toEqual(['c01']);
    expect(ids(await listAll({ tag: 'sf:rating:Hot', agentId: calls[0]?.agentId ?? undefined }))).toEqual(['c01']);

    const tagRows = await store.countRows('call_tags');
    expect(await store.repo.replaceCrmTags('t1', 'c01', 'salesforce', ['type:Partner'])).toEqual(['vip', 'renewal', 'zd:vip', 'sf:type:Partner']);
    expect((await store.repo.getCall('t1', 'c01', { kind: 'all' }))?.tags).toEqual(['vip', 'renewal', 'zd:vip', 'sf:type:Partner']);
    expect(await store.countRows('call_tags')).toBe(tagRows - 1);
    expect(ids(await listAll({ tag: 'sf:type:Customer - Direct' }))).toEqual([]);
    expect(ids(await listAll({ tag: 'sf:rating:Hot' }))).toEqual([]);
    expect(ids(await listAll({ tag: 'sf:type:Partner' }))).toEqual(['c01']);
    expect(ids(await listAll({ tag: 'renewal' }))).toEqual(newestFirst(calls.filter((c) => c.tags.includes('renewal'))));

    await expect(store.repo.replaceCrmTags('t1', 'c01', 'salesforce', ['ok', ' '])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store.repo.replaceCrmTags('t1', 'c01', 'salesforce', ['x'.repeat(300)])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await store.repo.getCall('t1', 'c01', { kind: 'all' }))?.tags).toEqual(['vip', 'renewal', 'zd:vip', 'sf:type:Partner']);
    expect(await store.repo.replaceCrmTags('t1', 'x30', 'salesforce', ['type:Other'])).toBeNull();
    expect(await store.repo.replaceCrmTags('t2', 'x30', 'salesforce', [])).toEqual([]);

    expect(await store.repo.replaceCrmTags('t1', 'c01', 'salesforce', [])).toEqual(['vip', 'renewal', 'zd:vip']);
    await store.repo.replaceCrmTags('t1', 'c01', 'zendesk', []);
    expect(await store.countRows('call_tags')).toBe(tagRows - 3);
    expect((await store.repo.getCall('t1', 'c01', { kind: 'all' }))?.tags).toEqual(['vip', 'renewal']);
  });

  it('writes a score\'s outbox messages in its transaction: rolled back with it, committed with it', async () => {
    const outboxBefore = await store.countRows('outbox');
    // The message id is taken (c01's ingest message), so its insert fails inside the transaction.
    const clash = { outbox: [{ id: 'ob-t1-c01', tenantId: 't1', kind: 'crm.record_call', payload: { callId: 'c19' } }], at: '2026-05-03T00:00:00Z' };
    await expect(store.repo.recordCallScore('t1', 'c19', 66, '2026-05-03T00:00:00Z', clash)).rejects.toThrow();
    expect(ids(await listAll({ scoreMin: 65, scoreMax: 67 }))).toEqual([]);
    expect(await store.countRows('outbox')).toBe(outboxBefore);

    const follow = { outbox: [{ id: 'ob-score-c19', tenantId: 't1', kind: 'crm.record_call', payload: { callId: 'c19' } }], at: '2026-05-03T00:00:00Z' };
    await store.repo.recordCallScore('t1', 'c19', 66, '2026-05-03T00:00:00Z', follow);
    expect(ids(await listAll({ scoreMin: 65, scoreMax: 67 }))).toEqual(['c19']);
    expect(await store.countRows('outbox')).toBe(outboxBefore + 1);
    await store.repo.recordCallScore('t1', 'c19', null, '2026-05-04T00:00:00Z', { outbox: [{ ...follow.outbox[0]!, id: 'ob-score-c19-removed' }], at: '2026-05-04T00:00:00Z' });
    expect(ids(await listAll({ scoreMin: 65, scoreMax: 67 }))).toEqual([]);
    expect(await store.countRows('outbox')).toBe(outboxBefore + 2);
  });

  it('rejects a forged cursor with VALIDATION_FAILED', async () => {
    await expect(store.repo.listCalls('t1', {}, { kind: 'all' }, { limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('answers which call ids and recording key ids exist, per tenant, and pages recorded calls by id (storage GC)', async () => {
    expect([...(await store.repo.existingCallIds('t1', ['c01', 'c02', 'nope', 'x30']))].sort()).toEqual(['c01', 'c02']);
    expect([...(await store.repo.existingCallIds('t2', ['c01', 'c02', 'x30']))].sort()).toEqual(['c01', 'x30']);
    expect((await store.repo.existingCallIds('t1', [])).size).toBe(0);
    expect([...(await store.repo.usedKeyIds('t1', ['k-1', 'k-2', 'k-30', 'k-none']))].sort()).toEqual(['k-1', 'k-2']);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.repo.listRecordedCalls('t1', after, 6);
      paged.push(...page.map((r) => `${r.callId}:${r.keyId}`));
      if (page.length < 6) break;
      after = page.at(-1)!.callId;
    }
    expect(paged).toEqual(calls.map((c) => `${c.id}:${c.recording!.keyId}`).sort());
    // A deleted call is a tombstone: it references no audio any more.
    await store.repo.insertCall(makeCall(40, { id: 'd40', tenantId: 't2', providerCallId: 'p-40' }));
    await store.repo.updateCallStatus('t2', 'd40', 'deleted');
    expect([...(await store.repo.existingCallIds('t2', ['d40', 'x30']))]).toEqual(['x30']);
  });
}
