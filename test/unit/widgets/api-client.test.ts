import { describe, expect, it, vi } from 'vitest';
import { createHubClient, HubApiError } from '../../../widgets/core/api-client';
import { makeCall, transcriptFixture } from './fixtures/hub-fixtures';

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly authorization: string | null;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function setup(answers: Array<(seen: Seen) => Response | Promise<Response>>, tokens = ['t1', 't2', 't3']) {
  const seen: Seen[] = [];
  let tokenIndex = 0;
  const fetchToken = vi.fn(async () => ({ token: tokens[tokenIndex++] ?? 'tX', hubUrl: 'https://hub.example.com/' }));
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const entry = { url: String(input), method: init?.method ?? 'GET', authorization: headers.get('Authorization') };
    seen.push(entry);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected request ${entry.method} ${entry.url}`);
    return answer(entry);
  });
  const client = createHubClient({ fetchToken, fetch: fetchStub as unknown as typeof fetch });
  return { client, seen, fetchToken };
}

describe('hub API client', () => {
  it('sends the bearer token and the customer filter, and returns the page', async () => {
    const { client, seen } = setup([() => jsonResponse(200, { items: [makeCall()], nextCursor: 'n1' })]);
    const page = await client.listCalls({ customerPhone: '+8613812345678', limit: 25 });
    expect(page.items.map((c) => c.id)).toEqual(['c_1']);
    expect(page.nextCursor).toBe('n1');
    expect(seen[0]).toEqual({
      url: 'https://hub.example.com/api/v1/calls?customerPhone=%2B8613812345678&limit=25',
      method: 'GET',
      authorization: 'Bearer t1',
    });
  });

  it('reuses one session for consecutive and concurrent calls', async () => {
    const { client, fetchToken } = setup([
      () => jsonResponse(200, makeCall({ id: 'c_1' })),
      () => jsonResponse(200, makeCall({ id: 'c_2' })),
      () => jsonResponse(200, makeCall({ id: 'c_3' })),
    ]);
    await Promise.all([client.getCall('c_1'), client.getCall('c_2')]);
    await client.getCall('c_3');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('fetches a fresh token once after a 401 and retries the request', async () => {
    const { client, seen, fetchToken } = setup([
      () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }),
      () => jsonResponse(200, makeCall()),
    ]);
    const call = await client.getCall('c_1');
    expect(call.id).toBe('c_1');
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('gives up after the second 401 with the hub code', async () => {
    const { client, fetchToken } = setup([
      () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }),
      () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }),
    ]);
    await expect(client.getCall('c_1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it.each([
    [403, { error: { code: 'FORBIDDEN', message: 'not yours' } }, 'FORBIDDEN'],
    [404, { error: { code: 'CALL_NOT_FOUND', message: 'gone' } }, 'CALL_NOT_FOUND'],
    [410, { error: { code: 'RECORDING_GONE', message: 'gone' } }, 'RECORDING_GONE'],
    [429, undefined, 'RATE_LIMITED'],
    [502, 'not json', 'UPSTREAM_FAILED'],
    [403, { error: { code: 'lower case is not a code' } }, 'FORBIDDEN'],
  ])('maps status %i with body %j to code %s', async (status, body, code) => {
    const { client } = setup([() => (typeof body === 'string' ? new Response(body, { status }) : jsonResponse(status, body))]);
    const failure = await client.getCall('c_1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HubApiError);
    expect(failure).toMatchObject({ code, status });
  });

  it('keeps the customer phone out of error messages', async () => {
    const { client } = setup([() => jsonResponse(500, { error: { code: 'INTERNAL', message: 'boom' } })]);
    const failure = (await client.listCalls({ customerPhone: '+8613812345678' }).catch((e: unknown) => e)) as Error;
    expect(failure.message).not.toContain('138');
    expect(failure.message).toContain('/api/v1/calls');
  });

  it('reports an unreachable hub as NETWORK', async () => {
    const { client } = setup([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    await expect(client.getCall('c_1')).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
  });

  it('rejects answers that are not in the documented shape', async () => {
    const { client } = setup([() => jsonResponse(200, { items: [{ id: 1 }] })]);
    await expect(client.listCalls({})).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('reports a failing host token as SESSION_FAILED and asks again next time', async () => {
    const fetchToken = vi
      .fn()
      .mockRejectedValueOnce(new Error('zaf said no'))
      .mockResolvedValueOnce({ token: 'ok', hubUrl: 'https://hub.example.com' });
    const fetchStub = vi.fn(async () => jsonResponse(200, makeCall()));
    const client = createHubClient({ fetchToken, fetch: fetchStub as unknown as typeof fetch });
    await expect(client.getCall('c_1')).rejects.toMatchObject({ code: 'SESSION_FAILED' });
    await expect(client.getCall('c_1')).resolves.toMatchObject({ id: 'c_1' });
  });

  it('posts for a playback URL and resolves a relative answer against the hub', async () => {
    const { client, seen } = setup([() => jsonResponse(200, { url: '/api/v1/playback/tok', expiresAt: '2026-11-02T09:20:00.000Z' })]);
    const playback = await client.createPlaybackUrl('c_1');
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'https://hub.example.com/api/v1/calls/c_1/playback-url' });
    expect(playback).toEqual({ url: 'https://hub.example.com/api/v1/playback/tok', expiresAt: '2026-11-02T09:20:00.000Z' });
  });

  it('returns the transcript, and null for TRANSCRIPT_NOT_FOUND', async () => {
    const { client } = setup([
      () => jsonResponse(200, transcriptFixture),
      () => jsonResponse(404, { error: { code: 'TRANSCRIPT_NOT_FOUND', message: 'none yet' } }),
      () => jsonResponse(404, { error: { code: 'CALL_NOT_FOUND', message: 'no call' } }),
    ]);
    await expect(client.getTranscript('c_1')).resolves.toEqual(transcriptFixture);
    await expect(client.getTranscript('c_1')).resolves.toBeNull();
    await expect(client.getTranscript('c_1')).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
  });

  it('checks answers against the shared contract: a call in another shape is BAD_RESPONSE, fields a widget can do without may be absent', async () => {
    const { agentName: _name, team: _team, flags: _flags, risk: _risk, ...bare } = makeCall();
    const { client } = setup([
      () => jsonResponse(200, makeCall({ direction: 'sideways' as never })),
      () => jsonResponse(200, { ...makeCall(), customerPhone: 138 }),
      () => jsonResponse(200, bare),
      () => jsonResponse(200, { items: [bare] }),
    ]);
    await expect(client.getCall('c_1')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(client.getCall('c_1')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(client.getCall('c_1')).resolves.toMatchObject({ id: 'c_1', direction: 'inbound' });
    await expect(client.listCalls({})).resolves.toMatchObject({ items: [{ id: 'c_1' }], nextCursor: null });
  });

  it('reads the hub code from an error body without a message', async () => {
    const { client } = setup([() => jsonResponse(404, { error: { code: 'TRANSCRIPT_NOT_FOUND' } })]);
    await expect(client.getTranscript('c_1')).resolves.toBeNull();
  });

  it('rejects a playback answer without a URL and a transcript without segments', async () => {
    const { client } = setup([
      () => jsonResponse(200, { expiresAt: '2026-11-02T09:20:00.000Z' }),
      () => jsonResponse(200, { language: 'zh', highlights: [] }),
    ]);
    await expect(client.createPlaybackUrl('c_1')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(client.getTranscript('c_1')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('escapes call ids in paths', async () => {
    const { client, seen } = setup([() => jsonResponse(200, makeCall())]);
    await client.getCall('../admin');
    expect(seen[0]!.url).toBe('https://hub.example.com/api/v1/calls/..%2Fadmin');
  });
});
