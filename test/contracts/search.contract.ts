import { afterAll, beforeAll, expect, it } from 'vitest';
import { matchesScope } from '../../core/access';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { Call } from '../../core/recordings/call';
import type { CallFilter, CallScope, CallSearch, CallSearchHit } from '../../core/recordings/call-repository.port';
import { AGENTS, makeCall, T1, T2 } from './support/fixtures';
import type { OpenStore, StoreUnderTest } from './support/stores';

const TEAM: Record<string, string> = { a1: 'T1', a2: 'T1', a3: 'T2' };

interface Doc {
  readonly call: Call;
  readonly transcript: Transcript;
}

const say = (speaker: 'agent' | 'customer', startS: number, text: string) => ({ speaker, startS, endS: startS + 4, text });

/** Calls with known transcripts; every expectation below is derived from these texts by hand. */
function fixture(): Doc[] {
  const docs: Doc[] = [
    { call: makeCall(1, { agentId: 'a1' }), transcript: { language: 'zh', segments: [say('agent', 0, '您好，请问有什么可以帮您？'), say('customer', 3.5, '我要申请退款')] } },
    { call: makeCall(2, { agentId: 'a2' }), transcript: { language: 'en', segments: [say('customer', 1, 'Refunds take five days? <b>Really</b>'), say('agent', 6, 'I have refunded your order.')] } },
    { call: makeCall(3, { agentId: 'a3' }), transcript: { language: 'en', segments: [say('agent', 0, 'Thank you for calling.')] } },
    { call: makeCall(4, { agentId: 'a1' }), transcript: { language: 'en', segments: [say('customer', 2, 'You thank me? No.')] } },
    { call: makeCall(5, { agentId: 'a2' }), transcript: { language: 'zh', segments: [say('agent', 0, '发票已经寄出'), say('customer', 5, '好的')] } },
    { call: makeCall(6, { agentId: 'a3' }), transcript: { language: 'zh', segments: [say('customer', 0, '我需要发票'), say('agent', 5, '好的')] } },
    { call: makeCall(7, { agentId: 'a1', tags: ['vip'] }), transcript: { language: 'zh', segments: [say('customer', 0, '退款退款退款，马上退款！'), say('agent', 8, '正在为您办理退款')] } },
    // Traditional characters are folded to simplified ones at index and query time.
    { call: makeCall(8, { agentId: 'a2' }), transcript: { language: 'zh', segments: [say('customer', 0, '我想申請退款，還沒收到貨')] } },
    // Thank and you in separate utterances: a phrase must not match across them.
    { call: makeCall(9, { agentId: 'a3' }), transcript: { language: 'en', segments: [say('agent', 0, 'We thank'), say('agent', 2, 'you all')] } },
  ];
  // Calls about orders, for paging and scope.
  for (let n = 10; n <= 22; n++) {
    const agentId = ['a1', 'a2', 'a3'][n % 3] as string;
    docs.push({
      call: makeCall(n, {
        agentId,
        queue: n % 2 === 0 ? 'sales' : 'support',
        tags: n % 4 === 0 ? ['vip'] : [],
        direction: n % 3 === 0 ? 'outbound' : 'inbound',
        channel: n % 5 === 0 ? 'ivr' : 'human',
        inquiryType: n % 2 === 0 ? 'billing' : 'delivery',
        customerPhone: n % 4 === 1 ? '+8613900000001' : '+8613800000000',
        status: n === 21 ? 'archived' : 'stored',
      }),
      transcript: { language: 'zh', segments: [say('customer', 0, `我的订单${n}号什么时候到`), say('agent', 4, n % 5 === 0 ? '订单已发货，订单号已短信发送' : '已经为您查询订单')] },
    });
  }
  return docs;
}

/**
 * The search contract: every CallRepository adapter gives the same answers for the same queries (time-sorted
 * results identical, relevance-sorted results the same set, each exactly once).
 */
export function describeSearchContract(open: OpenStore): void {
  let store: StoreUnderTest;
  const docs = fixture();
  const otherTenant: Doc = {
    call: makeCall(40, { id: 'c07', tenantId: 't2', providerCallId: 'p-other' }),
    transcript: { language: 'zh', segments: [say('customer', 0, '我要退款')] },
  };
  const reviewer = 'qa-1';

  beforeAll(async () => {
    store = await open();
    await store.repo.upsertTenant(T1);
    await store.repo.upsertTenant(T2);
    for (const agent of AGENTS) await store.repo.upsertAgent(agent);
    for (const doc of [...docs, otherTenant]) {
      await store.repo.insertCall(doc.call);
      await store.repo.indexTranscript(doc.call.tenantId, doc.call.id, doc.transcript);
    }
    await store.repo.replaceCallFlags('t1', 'c07', ['threat']);
    await store.repo.replaceCallFlags('t1', 'c12', ['threat']);
    await store.repo.recordCallScore('t1', 'c02', 40, '2026-04-01T00:00:00Z');
    await store.repo.recordCallScore('t1', 'c01', 95, '2026-04-01T00:00:00Z');
    await store.assignReview('t1', 'c15', reviewer);
  });
  afterAll(async () => store?.close());

  const searchAll = async (search: Omit<CallSearch, 'filter'> & { filter?: CallSearch['filter'] }, scope: CallScope = { kind: 'all' }, limit = 50, tenant = 't1') => {
    const out: CallSearchHit[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 200; guard++) {
      const page = await store.repo.searchCalls(tenant, { filter: {}, ...search }, scope, { limit, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  };
  const ids = (hits: readonly CallSearchHit[]) => hits.map((h) => h.call.id);
  const sorted = (list: readonly string[]) => [...list].sort();
  const orderCalls = docs.filter((d) => Number(d.call.id.slice(1)) >= 10);

  it.each([
    ['退款 (two-character word) finds 我要申请退款, traditional 申請退款 and repeated mentions', '退款', ['c01', 'c07', 'c08']],
    ['a keyword that crosses jieba word boundaries (请退 in 申请退款) is found through bigrams', '请退', ['c01', 'c08']],
    ['a longer Chinese keyword must occur as a whole', '申请退款', ['c01', 'c08']],
    ['"refund" finds "Refunds" and "refunded"', 'refund', ['c02']],
    ['English is case-insensitive and stemmed at query time too', 'REFUNDED', ['c02']],
    ['a quoted phrase matches only in order', '"thank you"', ['c03']],
    ['the reversed phrase matches the other call', '"you thank"', ['c04']],
    ['bare words need not be adjacent', 'thank you', ['c03', 'c04', 'c09']],
    ['all terms are required', '退款 发票', []],
    ['mixed terms AND together', '订单 发货', ['c10', 'c15', 'c20']],
    ['no hits', '不存在的词语', []],
    ['a single Chinese character matches inside words', '票', ['c05', 'c06']],
  ] as const)('%s', async (_name, q, expected) => {
    expect(ids(await searchAll({ q }))).toEqual(sorted(expected).reverse());
  });

  it('restricts to a speaker', async () => {
    expect(ids(await searchAll({ q: '发票', speaker: 'agent' }))).toEqual(['c05']);
    expect(ids(await searchAll({ q: '发票', speaker: 'customer' }))).toEqual(['c06']);
    expect(ids(await searchAll({ q: '发票' }))).toEqual(['c06', 'c05']);
    expect(ids(await searchAll({ q: 'refund', speaker: 'customer' }))).toEqual(['c02']);
    expect(ids(await searchAll({ q: '"thank you"', speaker: 'customer' }))).toEqual([]);
  });

  it('returns highlighted, HTML-escaped snippets with the segment start to jump to', async () => {
    const [hit] = await searchAll({ q: '退款', filter: { agentId: 'a1' } });
    expect(hit?.call.id).toBe('c07');
    const [c01] = await searchAll({ q: '申请退款' , filter: { agentId: 'a1' } });
    expect(c01?.hits).toEqual([{ segment: 1, speaker: 'customer', startS: 3.5, snippet: '我要<mark>申请退款</mark>' }]);
    const [c02] = await searchAll({ q: 'refund' });
    expect(c02?.hits).toEqual([
      { segment: 0, speaker: 'customer', startS: 1, snippet: '<mark>Refunds</mark> take five days? &lt;b&gt;Really&lt;/b&gt;' },
      { segment: 1, speaker: 'agent', startS: 6, snippet: 'I have <mark>refunded</mark> your order.' },
    ]);
    const [c08] = await searchAll({ q: '退款', filter: { agentId: 'a2' } });
    expect(c08?.hits[0]?.snippet).toBe('我想申請<mark>退款</mark>，還沒收到貨');
  });

  it('pages time-sorted hits newest first, each exactly once', async () => {
    const expected = [...orderCalls].map((d) => d.call.id).sort().reverse();
    for (const limit of [1, 4, 50]) expect(ids(await searchAll({ q: '订单' }, { kind: 'all' }, limit))).toEqual(expected);
  });

  it('pages relevance-sorted hits, each exactly once, the densest match first', async () => {
    for (const limit of [1, 2, 50]) {
      const hits = ids(await searchAll({ q: '退款', sort: 'relevance' }, { kind: 'all' }, limit));
      expect(sorted(hits)).toEqual(['c01', 'c07', 'c08']);
      expect(hits[0]).toBe('c07');
    }
    const orders = ids(await searchAll({ q: '订单', sort: 'relevance' }, { kind: 'all' }, 3));
    expect(sorted(orders)).toEqual(sorted(orderCalls.map((d) => d.call.id)));
  });

  it.each([
    ['own agent', { kind: 'restricted', agentIds: ['a1'] }],
    ['team', { kind: 'restricted', teams: ['T2'] }],
    ['qa scope', { kind: 'restricted', reviewerId: reviewer, queues: ['sales'] }],
    ['none', { kind: 'none' }],
  ] as const)('applies the %s scope inside the search', async (_name, scope) => {
    const expected = orderCalls
      .filter((d) => matchesScope(scope, { agentId: d.call.agentId, team: TEAM[d.call.agentId ?? ''] ?? null, queue: d.call.queue, reviewerIds: d.call.id === 'c15' ? [reviewer] : [] }))
      .map((d) => d.call.id)
      .sort()
      .reverse();
    expect(ids(await searchAll({ q: '订单' }, scope, 2))).toEqual(expected);
    expect(sorted(ids(await searchAll({ q: '订单', sort: 'relevance' }, scope, 2)))).toEqual(sorted(expected));
  });

  it("never returns another agent's call to an agent", async () => {
    const hits = await searchAll({ q: '退款' }, { kind: 'restricted', agentIds: ['a2'] });
    expect(ids(hits)).toEqual(['c08']);
  });

  it('combines keywords with filters, flags, tags, dates and scores', async () => {
    expect(ids(await searchAll({ q: '退款', filter: { flag: 'threat' } }))).toEqual(['c07']);
    expect(ids(await searchAll({ q: '订单', filter: { flag: 'threat' } }))).toEqual(['c12']);
    expect(ids(await searchAll({ q: '订单', filter: { tag: 'vip' } }))).toEqual(['c20', 'c16', 'c12']);
    expect(ids(await searchAll({ q: '订单', filter: { tag: 'vip', flag: 'threat' } }))).toEqual(['c12']);
    expect(ids(await searchAll({ q: '订单', filter: { from: makeCall(14).startedAt, to: makeCall(17).startedAt } }))).toEqual(['c16', 'c15', 'c14']);
    expect(ids(await searchAll({ q: '退款', filter: { scoreMin: 90 } }))).toEqual(['c01']);
    expect(ids(await searchAll({ q: 'refund', filter: { scoreMax: 50, agentId: 'a2' } }))).toEqual(['c02']);
    expect(ids(await searchAll({ q: 'refund', filter: { agentId: 'a1' } }))).toEqual([]);
  });

  it.each<[string, CallFilter]>([
    ['direction', { direction: 'outbound' }],
    ['channel', { channel: 'ivr' }],
    ['inquiry type', { inquiryType: 'delivery' }],
    ['phone', { customerPhone: '+8613900000001' }],
    ['status', { status: 'archived' }],
    ['inquiry type, direction and date', { inquiryType: 'billing', direction: 'inbound', from: makeCall(12).startedAt, to: makeCall(21).startedAt }],
  ])('applies the %s filter to keyword hits exactly as to their calls', async (_name, filter) => {
    const keep = (call: Call) =>
      (filter.direction === undefined || call.direction === filter.direction) &&
      (filter.channel === undefined || call.channel === filter.channel) &&
      (filter.inquiryType === undefined || call.inquiryType === filter.inquiryType) &&
      (filter.customerPhone === undefined || call.customerPhone === filter.customerPhone) &&
      (filter.status === undefined || call.status === filter.status) &&
      (filter.from === undefined || call.startedAt >= filter.from) &&
      (filter.to === undefined || call.startedAt < filter.to);
    const expected = orderCalls.filter((d) => keep(d.call)).map((d) => d.call.id).sort().reverse();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(orderCalls.length);
    expect(ids(await searchAll({ q: '订单', filter }, { kind: 'all' }, 2))).toEqual(expected);
    expect(ids(await searchAll({ q: '订单', filter }, { kind: 'restricted', teams: ['T1'] }, 2))).toEqual(
      expected.filter((id) => ['a1', 'a2'].includes(orderCalls.find((d) => d.call.id === id)!.call.agentId ?? '')),
    );
    expect(sorted(ids(await searchAll({ q: '订单', filter, sort: 'relevance' }, { kind: 'all' }, 2)))).toEqual(sorted(expected));
  });

  it('isolates tenants', async () => {
    expect(ids(await searchAll({ q: '退款' }, { kind: 'all' }, 50, 't2'))).toEqual(['c07']);
    const [other] = await searchAll({ q: '退款' }, { kind: 'all' }, 50, 't2');
    expect(other?.call.tenantId).toBe('t2');
    expect(other?.hits[0]?.snippet).toBe('我要<mark>退款</mark>');
    expect(ids(await searchAll({ q: '发票' }, { kind: 'all' }, 50, 't2'))).toEqual([]);
  });

  it('re-indexing replaces a transcript and removal takes the call out of the index', async () => {
    await store.repo.indexTranscript('t1', 'c05', { language: 'zh', segments: [say('agent', 0, '保修期一年')] });
    expect(ids(await searchAll({ q: '发票' }))).toEqual(['c06']);
    expect(ids(await searchAll({ q: '保修' }))).toEqual(['c05']);
    await store.repo.removeFromIndex('t1', 'c05');
    expect(ids(await searchAll({ q: '保修' }))).toEqual([]);
    await store.repo.removeFromIndex('t1', 'c05');
    await store.repo.indexTranscript('t1', 'c05', docs[4]?.transcript as Transcript);
    expect(ids(await searchAll({ q: '发票' }))).toEqual(['c06', 'c05']);
  });

  it('without q it lists calls by the filters, with no hits', async () => {
    const page = await store.repo.searchCalls('t1', { filter: { tag: 'vip' } }, { kind: 'all' }, { limit: 50 });
    expect(page.items.map((i) => i.call.id)).toEqual(['c20', 'c16', 'c12', 'c07']);
    expect(page.items.every((i) => i.hits.length === 0)).toBe(true);
  });

  it('rejects bad searches with VALIDATION_FAILED', async () => {
    const bad = (search: CallSearch, cursor?: string) =>
      expect(store.repo.searchCalls('t1', search, { kind: 'all' }, { limit: 5, ...(cursor ? { cursor } : {}) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await bad({ filter: {}, sort: 'relevance' });
    await bad({ filter: {}, q: '"unclosed' });
    await bad({ filter: {}, q: '?!，。' });
    await bad({ filter: {}, q: 'x'.repeat(300) });
    await bad({ filter: {}, q: '订单' }, 'forged');
    const timePage = await store.repo.searchCalls('t1', { filter: {}, q: '订单' }, { kind: 'all' }, { limit: 1 });
    await bad({ filter: {}, q: '订单', sort: 'relevance' }, timePage.nextCursor ?? undefined);
  });

  it('refuses to index a call that is not stored', async () => {
    await expect(store.repo.indexTranscript('t1', 'missing', { language: 'zh', segments: [] })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(store.repo.indexTranscript('t2', 'c01', { language: 'zh', segments: [] })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
  });
}
