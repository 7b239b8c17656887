import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { createOpenAiTranscriptionsFake, FAKE_OPENAI_BASE_URL } from '../fakes/openai-transcriptions.fake';

const API_KEY = 'sk-test-transcription-key';
const fake = createOpenAiTranscriptionsFake({
  apiKey: API_KEY,
  respond: () => ({
    task: 'transcribe',
    language: 'english',
    duration: 20,
    text: 'This call may be recorded for quality purposes. It is a guaranteed return with no risk.',
    segments: [
      { id: 0, seek: 0, start: 0.4, end: 4.2, text: ' This call may be recorded for quality purposes.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 },
      { id: 1, seek: 0, start: 5.1, end: 9.8, text: ' It is a guaranteed return with no risk.', tokens: [], temperature: 0, avg_logprob: -0.25, compression_ratio: 1.1, no_speech_prob: 0.02 },
    ],
  }),
});
const server = setupServer(...fake.handlers);
let hub: TestHub;
let admin: string;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'demo', name: 'Demo', defaultRegion: 'US', industry: 'finance' });
  admin = await hub.token('admin');
  const saved = await fetch(`${hub.url}/api/v1/settings/analysis`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ transcriber: { kind: 'openai-compatible', baseUrl: FAKE_OPENAI_BASE_URL, model: 'whisper-1', language: 'en', apiKey: API_KEY } }),
  });
  expect(saved.status).toBe(200);
});
afterEach(() => fake.reset());
afterAll(async () => {
  server.close();
  await hub.close();
});

async function upload(providerCallId: string) {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ providerCallId, direction: 'outbound', startedAt: '2026-11-20T10:00:00Z', agentId: 'a-emma' }));
  form.set('audio', new Blob([Buffer.from(synthesizeCallWav({ durationS: 20, seed: providerCallId }))]), 'call.wav');
  const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${admin}` } });
  return (await response.json()) as { id: string };
}

describe('ingest -> transcription -> analysis', () => {
  it('queues a stored call for transcription with the tenant transcriber, then analyses the transcript', async () => {
    const { id } = await upload('asr-1');
    expect((await hub.hub.jobQueue.counts()).some((c) => c.kind === 'call.transcribe' && c.status === 'queued')).toBe(true);
    await hub.hub.jobs.drain();

    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fake.uploads[0]?.fields['response_format']).toEqual(['verbose_json']);
    expect(fake.uploads[0]?.file?.bytes.length).toBeGreaterThan(1000);

    const transcript = await hub.hub.transcripts.getTranscript('demo', id);
    expect(transcript?.segments.map((s) => s.text.trim())).toEqual([
      'This call may be recorded for quality purposes.',
      'It is a guaranteed return with no risk.',
    ]);
    const analysis = (await (await fetch(`${hub.url}/api/v1/calls/${id}/analysis`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
    expect(analysis.scripts.find((s: any) => s.id === 'recording_notice').found).toBe(true);
    expect(analysis.sensitive.map((h: any) => h.term)).toContain('guaranteed return');
  });

  it('keeps a failing transcription queued for a retry with the error code, and never loses the call', async () => {
    fake.queueFaults(...Array.from({ length: 8 }, () => ({ status: 503, json: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } })));
    const { id } = await upload('asr-2');
    await hub.hub.jobs.drain();
    const jobs = await hub.hub.jobQueue.list({ kind: 'call.transcribe', limit: 10 });
    const job = jobs.find((j) => (j.payload as { callId: string }).callId === id);
    expect(job?.status).toBe('queued');
    expect(job?.lastError).toMatch(/^UPSTREAM_FAILED|^RATE_LIMITED/);
    expect(job?.lastError).not.toContain(API_KEY);
    expect(hub.hub.transcripts.getTranscript('demo', id)).toBeNull();
    expect(await hub.hub.calls.getCall('demo', id, { kind: 'all' })).not.toBeNull();
  });
});
