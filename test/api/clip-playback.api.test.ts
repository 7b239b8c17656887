/**
 * A training clip plays through its own playback link (issue 15 item 4): any reader of the clip, an agent with a
 * colleague's example pinned to their coaching task included, hears the clip's range only, masked as for QA; the
 * link never plays the call, and a call with spoken personal data but no redacted copy is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavLayout } from '../../core/recordings/wav-layout';
import { startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { api, storeAnalysis } from './quality-fixtures';

const T = 'clips';
let hub: TestHub;
let manager: string;
let colleagueCall: string;
let piiCall: string;
const original = synthesizeCallWav({ durationS: 40, seed: 'colleague', sampleRate: 8000, bitsPerSample: 16 });

async function ingest(agentId: string, id: string, audio: Uint8Array, text: string): Promise<string> {
  const metadata = { providerCallId: id, direction: 'inbound', startedAt: new Date(Date.now() - 86_400_000).toISOString(), agentId, queue: 'q-general', customerPhone: '+8613812345678' };
  const { call } = await hub.hub.ingest(T, metadata, audio);
  // The product's own analysis of the transcript finds (or not) spoken personal data to redact.
  storeAnalysis(hub, call, { language: 'zh', segments: [{ speaker: 'customer', startS: 1, endS: 12, text }] });
  return call.id;
}

async function play(url: string, range?: string) {
  const response = await fetch(url, range ? { headers: { Range: range } } : {});
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: T, name: 'Clips', defaultRegion: 'CN', industry: 'general' });
  for (const id of ['a-1', 'a-2', 'a-3']) await hub.hub.calls.upsertAgent({ tenantId: T, id, name: id, team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  manager = await hub.token('manager', { tenant: T, user: 'm-1', teams: ['north'] });
  colleagueCall = await ingest('a-2', 'colleague-1', original, '我想查询一下退款进度。');
  piiCall = await ingest('a-2', 'colleague-2', synthesizeCallWav({ durationS: 20, seed: 'pii' }), '我的电话是13812345678。');
}, 60_000);

afterAll(async () => {
  await hub?.close();
});

describe('clip playback links', () => {
  it("plays a colleague's example pinned to an agent's coaching task: the clip's range only, and never the call", async () => {
    const agent = await hub.token('agent', { tenant: T, user: 'u-a1', agentId: 'a-1' });
    const clip = await api(hub, 'POST', '/api/v1/clips', manager, { callId: colleagueCall, startS: 10, endS: 17.5, label: 'good', note: '先确认订单号' });
    expect(clip.status).toBe(201);
    // Not pinned yet: the agent does not reach the clip.
    expect((await api(hub, 'POST', `/api/v1/clips/${clip.body.id}/playback-url`, agent)).status).toBe(404);

    const task = await api(hub, 'POST', '/api/v1/coaching/tasks', manager, { agentId: 'a-1', criterionIds: ['issue_resolved'], advice: '先确认订单号再查询。' });
    expect(task.status).toBe(201);
    expect((await api(hub, 'POST', `/api/v1/coaching/tasks/${task.body.id}/clips`, manager, { clipId: clip.body.id })).status).toBe(201);

    const link = await api(hub, 'POST', `/api/v1/clips/${clip.body.id}/playback-url`, agent);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(/\/api\/v1\/clip-playback\/[^/]+$/);
    const before = (await hub.hub.auditLog.head(T))!.seq;
    const whole = await play(link.body.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    const layout = readWavLayout(whole.bytes);
    expect(layout.declaredDataBytes).toBe(7.5 * 8000 * 2);
    const from = readWavLayout(original).dataOffset + 10 * 8000 * 2;
    expect(Buffer.from(whole.bytes.subarray(layout.dataOffset)).equals(Buffer.from(original.subarray(from, from + 7.5 * 8000 * 2)))).toBe(true);
    expect((await hub.hub.auditLog.query(T, { afterSeq: before, limit: 5 })).map((e) => [e.action, e.target, e.outcome, e.actor])).toContainEqual([
      'play_clip',
      `clip:${clip.body.id}`,
      'allowed',
      'u-a1',
    ]);

    const part = await play(link.body.url, 'bytes=0-99');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${whole.bytes.length}`);
    expect(Buffer.from(part.bytes).equals(Buffer.from(whole.bytes.subarray(0, 100)))).toBe(true);

    // The clip's token is not a call's: the call's playback route refuses it, and the agent may not play the call.
    const token = link.body.url.split('/').pop()!;
    expect((await play(`${hub.url}/api/v1/playback/${token}`)).status).toBe(403);
    expect((await api(hub, 'POST', `/api/v1/calls/${colleagueCall}/playback-url`, agent)).status).toBe(404);
    // Another agent, without the pin, does not reach it.
    const other = await hub.token('agent', { tenant: T, user: 'u-a3', agentId: 'a-3' });
    expect((await api(hub, 'POST', `/api/v1/clips/${clip.body.id}/playback-url`, other)).status).toBe(404);
  });

  it('refuses a clip of a call with spoken personal data and no redacted copy, for every reader, and a forged or expired link', async () => {
    // The analysis found the spoken phone number; no redacted copy was made (the test hub runs no jobs).
    expect((await hub.hub.transcripts.getAnalysis(T, piiCall))?.redactionSpans.length ?? 0).toBeGreaterThan(0);
    expect(await hub.hub.transcripts.getRedactedAudio(T, piiCall)).toBeNull();
    const clip = await api(hub, 'POST', '/api/v1/clips', manager, { callId: piiCall, startS: 2, endS: 8, label: 'bad' });
    expect(clip.status).toBe(201);
    const refused = await api(hub, 'POST', `/api/v1/clips/${clip.body.id}/playback-url`, manager);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('REDACTION_UNAVAILABLE');

    const { token } = await hub.hub.playback.issueClip({ tenantId: T, userId: 'm-1', role: 'manager', teams: ['north'], queues: [] }, clip.body.id, new Date(Date.now() - 10 * 60_000));
    expect((await play(`${hub.url}/api/v1/clip-playback/${token}`)).status).toBe(403);
    expect((await play(`${hub.url}/api/v1/clip-playback/not-a-token`)).status).toBe(403);
  });
});
