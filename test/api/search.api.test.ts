import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { callPageSchema } from '../../core/api/calls.api';

let hub: TestHub;
let admin: string;
const ids: Record<string, string> = {};

async function upload(providerCallId: string, agentId: string, startedAt: string): Promise<string> {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ providerCallId, direction: 'inbound', startedAt, agentId, customerPhone: '138 1234 5678', inquiryType: '退款', tags: ['search-api'] }));
  form.set('audio', new Blob([Buffer.from(synthesizeCallWav({ durationS: 8, seed: providerCallId }))]), 'call.wav');
  const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function importTranscript(callId: string, segments: { speaker: 'agent' | 'customer'; startS: number; endS: number; text: string }[]) {
  const response = await fetch(`${hub.url}/api/v1/calls/${callId}/transcript`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ format: 'segments', data: { language: 'auto', segments } }),
  });
  expect(response.status).toBe(202);
}

async function search(query: string, token = admin) {
  // The demo call of the test hub may mention the same words: every search is narrowed to this file's calls.
  const response = await fetch(`${hub.url}/api/v1/calls?tag=search-api&${query}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 1 });
  admin = await hub.token('admin');
  ids.refund = await upload('s-1', 'a-zhangwei', '2026-11-02T09:15:00Z');
  ids.english = await upload('s-2', 'a-lina', '2026-11-02T10:15:00Z');
  ids.other = await upload('s-3', 'a-lina', '2026-11-02T11:15:00Z');
  await importTranscript(ids.refund, [
    { speaker: 'agent', startS: 0, endS: 2, text: '您好，请问有什么可以帮您？' },
    { speaker: 'customer', startS: 2.5, endS: 5, text: '我要申请退款 <script>' },
  ]);
  await importTranscript(ids.english, [
    { speaker: 'customer', startS: 1.2, endS: 3, text: 'Refunds are too slow' },
    { speaker: 'agent', startS: 3.5, endS: 6, text: 'Thank you for waiting' },
  ]);
  await importTranscript(ids.other, [{ speaker: 'customer', startS: 0, endS: 2, text: '发票什么时候开' }]);
});
afterAll(async () => hub.close());

describe('GET /api/v1/calls with q', () => {
  it('finds a two-character Chinese keyword and returns an escaped, highlighted snippet with its timestamp', async () => {
    const { status, body } = await search(`q=${encodeURIComponent('退款')}`);
    expect(status).toBe(200);
    expect(callPageSchema.safeParse(body).success).toBe(true);
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([ids.refund]);
    expect(body.items[0].hits).toEqual([{ segment: 1, speaker: 'customer', startS: 2.5, snippet: '我要申请<mark>退款</mark> &lt;script&gt;' }]);
  });

  it('stems English, restricts to a speaker, and matches quoted phrases in order', async () => {
    expect((await search('q=refund')).body.items.map((i: { id: string }) => i.id)).toEqual([ids.english]);
    expect((await search('q=refund&speaker=agent')).body.items).toEqual([]);
    expect((await search(`q=${encodeURIComponent('"thank you"')}&speaker=agent`)).body.items[0].hits[0].startS).toBe(3.5);
    expect((await search(`q=${encodeURIComponent('"you thank"')}`)).body.items).toEqual([]);
  });

  it('hides snippet text from masked roles, who get the hits\' timestamps only', async () => {
    const qa = await hub.token('qa', { teams: ['north'] });
    const { body } = await search(`q=${encodeURIComponent('退款')}`, qa);
    expect(body.items[0].hits).toEqual([{ segment: 1, speaker: 'customer', startS: 2.5, snippet: null }]);
  });

  it('records that a keyword search ran and how it was sorted, never the words', async () => {
    const before = (await hub.hub.auditLog.head('demo'))!.seq;
    await search(`q=${encodeURIComponent('退款')}&sort=relevance`);
    const [event] = await hub.hub.auditLog.query('demo', { afterSeq: before, limit: 10 });
    expect(event).toMatchObject({ action: 'list', outcome: 'allowed', details: { keywordSearch: true, sort: 'relevance', filters: ['tag'] } });
    expect(JSON.stringify(event)).not.toContain('退款');
  });

  it('keeps the scope inside the search: an agent finds only their own calls', async () => {
    const lina = await hub.token('agent', { agentId: 'a-lina', user: 'u-lina' });
    expect((await search(`q=${encodeURIComponent('退款')}`, lina)).body.items).toEqual([]);
    expect((await search(`q=${encodeURIComponent('发票')}`, lina)).body.items.map((i: { id: string }) => i.id)).toEqual([ids.other]);
  });

  it('combines q with filters and sorts by relevance with a cursor', async () => {
    expect((await search(`q=${encodeURIComponent('退款')}&agentId=a-lina`)).body.items).toEqual([]);
    expect((await search(`q=${encodeURIComponent('退款')}&inquiryType=${encodeURIComponent('退款')}`)).body.items).toHaveLength(1);
    const first = await search(`q=${encodeURIComponent('"thank you" refund')}&sort=relevance&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids.english]);
    expect(first.body.nextCursor).toBeNull();
  });

  it('answers without hits when q is absent, as before', async () => {
    const { body } = await search('limit=10');
    expect(body.items).toHaveLength(3);
    expect(body.items[0].hits).toBeUndefined();
  });

  it.each([
    ['sort=relevance', 'sort=relevance needs q'],
    ['speaker=agent', 'speaker needs q'],
    ['q=%22open', 'quote'],
    ['scoreMin=5&scoreMax=1', 'scoreMin'],
    ['q=x&sort=best', 'sort'],
  ])('rejects %s with VALIDATION_FAILED', async (query, fragment) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain(fragment);
  });
});
