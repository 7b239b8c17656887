import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';
import {
  analysisResponseSchema,
  analysisSettingsResponseSchema,
  demandInsightsResponseSchema,
  transcriptImportResponseSchema,
  transcriptResponseSchema,
} from '../../core/api/analysis.api';
import { errorBodySchema } from '../../core/api/common.api';

let hub: TestHub;
let admin: string;
let qa: string;

const TRANSCRIPT = {
  language: 'zh',
  segments: [
    { speaker: 'agent', startS: 0.5, endS: 4, text: '您好，本次通话将录音，请问有什么可以帮您？' },
    { speaker: 'customer', startS: 4.5, endS: 9, text: '我想买理财，这个产品安全吗？' },
    { speaker: 'agent', startS: 9.5, endS: 13, text: '放心，这个产品保 本，稳赚不赔。' },
    { speaker: 'customer', startS: 13.5, endS: 19, text: '好的，我的卡号是6222020200112345679，手机13812345678。' },
    { speaker: 'agent', startS: 19.5, endS: 22, text: '好的，已为您登记。' },
  ],
};

async function api(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
}

async function storeCall(providerCallId: string, audio: Uint8Array, agentId = 'a-zhangwei') {
  const { call } = await hub.hub.ingest(
    'demo',
    { providerCallId, direction: 'inbound', startedAt: '2026-11-10T08:00:00Z', agentId, customerPhone: '+8613800001111', inquiryType: '理财咨询' },
    audio,
  );
  return call;
}

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'demo', name: 'Demo', defaultRegion: 'CN', industry: 'finance' });
  await hub.hub.calls.upsertAgent({ tenantId: 'demo', id: 'a-zhangwei', name: '张伟', team: 'north', seniority: 'senior', hiredAt: '2021-01-01' });
  await hub.hub.calls.upsertAgent({ tenantId: 'demo', id: 'a-emma', name: 'Emma', team: 'south', seniority: 'new', hiredAt: '2026-01-01' });
  admin = await hub.token('admin');
  qa = await hub.token('qa', { teams: ['north'] });
});
afterAll(async () => hub.close());

describe('transcript import, analysis and the transcript API', () => {
  let callId: string;
  let audio: Uint8Array;

  beforeAll(async () => {
    audio = synthesizeCallWav({ durationS: 25, seed: 'pii-call', bitsPerSample: 16 });
    callId = (await storeCall('pii-call', audio)).id;
    const imported = await api('POST', `/api/v1/calls/${callId}/transcript`, admin, { format: 'segments', data: TRANSCRIPT });
    expect(imported.status).toBe(202);
    expect(transcriptImportResponseSchema.parse(imported.body)).toEqual({ callId, segments: 5, analysis: 'queued' });
    await hub.hub.jobs.drain();
  });

  it('analyses an imported transcript: sensitive words despite evasion, the recording notice, PII, risk', async () => {
    const { status, body } = await api('GET', `/api/v1/calls/${callId}/analysis`, admin);
    expect(status).toBe(200);
    analysisResponseSchema.parse(body);
    expect(body.sensitive.map((h: any) => h.term)).toEqual(expect.arrayContaining(['保本', '稳赚不赔']));
    expect(body.scripts.find((s: any) => s.id === 'recording_notice')?.found).toBe(true);
    expect(body.pii.map((p: any) => p.kind).sort()).toEqual(['bank_card', 'phone']);
    expect(body.flags.map((f: any) => f.code)).toEqual(expect.arrayContaining(['SENSITIVE_WORD', 'PII_PRESENT']));
    expect(body.risk).toBeGreaterThan(0);
    expect(body.redactedSegments).toBeUndefined();
  });

  it('shows the list view flags and risk from the analysis', async () => {
    const { body } = await api('GET', `/api/v1/calls/${callId}`, admin);
    expect(body.flags).toEqual(expect.arrayContaining(['SENSITIVE_WORD', 'PII_PRESENT']));
    expect(body.risk).toBeGreaterThan(0);
    const flagged = await api('GET', `/api/v1/calls/${callId}`, admin);
    expect(flagged.status).toBe(200);
  });

  it('serves the full transcript with highlights to an admin and the redacted one to QA', async () => {
    const full = await api('GET', `/api/v1/calls/${callId}/transcript`, admin);
    transcriptResponseSchema.parse(full.body);
    expect(full.body.masked).toBe(false);
    expect(full.body.segments[3].text).toContain('6222020200112345679');
    expect(full.body.highlights.filter((h: any) => h.kind === 'pii')).toHaveLength(2);
    const sensitive = full.body.highlights.filter((h: any) => h.kind === 'sensitive');
    expect(sensitive.map((h: any) => full.body.segments[h.segment].text.slice(h.start, h.end))).toEqual(['保 本', '稳赚不赔']);

    const masked = await api('GET', `/api/v1/calls/${callId}/transcript`, qa);
    transcriptResponseSchema.parse(masked.body);
    expect(masked.body.masked).toBe(true);
    const text = masked.body.segments.map((s: any) => s.text).join('\n');
    expect(text).not.toContain('6222020200112345679');
    expect(text).not.toContain('13812345678');
    expect(text).toContain('[BANK_CARD]');
    expect(masked.body.highlights.some((h: any) => h.kind === 'pii')).toBe(true);
  });

  it('plays a redacted copy to QA: the PII spans are replaced, everything else is byte-identical', async () => {
    const adminAudio = Buffer.from(await (await fetch(`${hub.url}/api/v1/calls/${callId}/audio`, { headers: { Authorization: `Bearer ${admin}` } })).arrayBuffer());
    expect(adminAudio.equals(Buffer.from(audio))).toBe(true);
    const qaResponse = await fetch(`${hub.url}/api/v1/calls/${callId}/audio`, { headers: { Authorization: `Bearer ${qa}` } });
    expect(qaResponse.status).toBe(200);
    const qaAudio = Buffer.from(await qaResponse.arrayBuffer());
    expect(qaAudio.length).toBe(audio.length);
    expect(qaAudio.equals(Buffer.from(audio))).toBe(false);
    const analysis = (await api('GET', `/api/v1/calls/${callId}/analysis`, admin)).body;
    const bytesPerSecond = 8000 * 2;
    const inSpan = (offset: number) =>
      analysis.redactionSpans.some((s: any) => offset >= 44 + Math.floor(s.startS * 8000) * 2 - 2 && offset < 44 + Math.ceil(s.endS * 8000) * 2 + 2);
    for (let offset = 0; offset < audio.length; offset += 97) {
      if (!inSpan(offset)) expect(qaAudio[offset]).toBe(audio[offset]);
    }
    const span = analysis.redactionSpans[0];
    const mid = 44 + Math.floor(((span.startS + span.endS) / 2) * 8000) * 2;
    expect(qaAudio.subarray(mid, mid + bytesPerSecond / 10).equals(Buffer.from(audio.subarray(mid, mid + bytesPerSecond / 10)))).toBe(false);
  });

  it('refuses QA playback of an MP3 holding personal data, for which no redacted copy can be made', async () => {
    const mp3 = await storeCall('pii-mp3', synthesizeSilentMp3(25));
    await api('POST', `/api/v1/calls/${mp3.id}/transcript`, admin, { format: 'segments', data: TRANSCRIPT });
    await hub.hub.jobs.drain();
    const response = await fetch(`${hub.url}/api/v1/calls/${mp3.id}/audio`, { headers: { Authorization: `Bearer ${qa}` } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).error.code).toBe('REDACTION_UNAVAILABLE');
  });

  it('hides the transcript of a call outside the reader\'s scope (404) and answers 404 before any transcript exists', async () => {
    const other = await storeCall('other-agent', synthesizeCallWav({ durationS: 10, seed: 'o' }), 'a-emma');
    const agent = await hub.token('agent', { agentId: 'a-zhangwei' });
    expect((await api('GET', `/api/v1/calls/${other.id}/transcript`, agent)).status).toBe(404);
    expect((await api('GET', `/api/v1/calls/${other.id}/transcript`, qa)).status).toBe(404);
    const none = await api('GET', `/api/v1/calls/${other.id}/transcript`, admin);
    expect(none.status).toBe(404);
    expect(errorBodySchema.parse(none.body).error.code).toBe('TRANSCRIPT_NOT_FOUND');
    const malformed = await api('GET', '/api/v1/calls/not..an..id/transcript', admin);
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('CALL_NOT_FOUND');
  });

  it('refuses a malformed transcript import with 400 and stores nothing', async () => {
    const call = await storeCall('bad-import', synthesizeCallWav({ durationS: 10, seed: 'b' }));
    const bad = await api('POST', `/api/v1/calls/${call.id}/transcript`, admin, { format: 'segments', data: { segments: [{ speaker: 'robot', startS: 0, endS: 1, text: 'x' }] } });
    expect(bad.status).toBe(400);
    expect(hub.hub.transcripts.getTranscript('demo', call.id)).toBeNull();
    expect((await api('POST', `/api/v1/calls/${call.id}/transcript`, qa, { data: TRANSCRIPT })).status).toBe(403);
  });
});

describe('tenant analysis settings', () => {
  it('adds a tenant lexicon term that the next analysis finds, and never echoes the ASR key', async () => {
    const saved = await api('PUT', '/api/v1/settings/analysis', admin, {
      lexicon: ['内部价'],
      transcriber: { kind: 'openai-compatible', baseUrl: 'https://asr.example.com', model: 'whisper-1', apiKey: 'sk-secret-value-123' },
    });
    expect(saved.status).toBe(200);
    analysisSettingsResponseSchema.parse(saved.body);
    expect(JSON.stringify(saved.body)).not.toContain('sk-secret-value-123');
    expect(saved.body.transcriber.apiKeySet).toBe(true);
    const read = await api('GET', '/api/v1/settings/analysis', admin);
    expect(analysisSettingsResponseSchema.parse(read.body)).toEqual(saved.body);
    expect(JSON.stringify(read.body)).not.toContain('sk-secret-value-123');
    expect(read.body.lexicon).toEqual(['内部价']);
    // Switch transcription off again so that new calls are not queued for a transcriber that does not exist here.
    await api('PUT', '/api/v1/settings/analysis', admin, { lexicon: ['内部价'], transcriber: { kind: 'none' } });

    const call = await storeCall('lexicon-call', synthesizeCallWav({ durationS: 12, seed: 'l' }));
    await api('POST', `/api/v1/calls/${call.id}/transcript`, admin, {
      data: { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 5, text: '这个是内 部 价，只给您。' }] },
    });
    await hub.hub.jobs.drain();
    const analysis = await api('GET', `/api/v1/calls/${call.id}/analysis`, admin);
    expect(analysis.body.sensitive.map((h: any) => h.term)).toContain('内部价');
  });

  it('refuses invalid settings with 400 and keeps the previous ones; non-admins get 403', async () => {
    const bad = await api('PUT', '/api/v1/settings/analysis', admin, { requiredScripts: ['no_such_script'] });
    expect(bad.status).toBe(400);
    expect((await api('GET', '/api/v1/settings/analysis', admin)).body.lexicon).toEqual(['内部价']);
    expect((await api('PUT', '/api/v1/settings/analysis', qa, { lexicon: [] })).status).toBe(403);
  });
});

describe('knowledge facts and negation in the tenant settings', () => {
  it('checks a saved fact and clears a negated promise in the next analysis; refuses an uncheckable fact with 400', async () => {
    await hub.hub.ensureTenant({ id: 'bank', name: 'Bank', defaultRegion: 'CN', industry: 'finance' });
    const bankAdmin = await hub.token('admin', { tenant: 'bank' });
    const settings = {
      knowledgeFacts: [{ id: 'refund_days', statement: '退款 7 个工作日到账', keywords: ['退款', ['到账', '到帐']] }],
      negation: { negators: ['绝非'] },
      disclaimers: ['过往业绩不代表未来表现'],
      lexicon: [{ term: '必涨', negatable: true }],
    };
    const saved = await api('PUT', '/api/v1/settings/analysis', bankAdmin, settings);
    expect(saved.status).toBe(200);
    expect(analysisSettingsResponseSchema.parse(saved.body)).toEqual(settings);
    const { call } = await hub.hub.ingest('bank', { providerCallId: 'facts-1', direction: 'inbound', startedAt: '2026-11-10T08:00:00Z' }, synthesizeCallWav({ durationS: 12, seed: 'f1' }));
    const segments = [
      { speaker: 'agent', startS: 0, endS: 4, text: '退款三个工作日到账。' },
      { speaker: 'agent', startS: 5, endS: 9, text: '这个产品不保本，也绝非必涨。' },
    ];
    expect((await api('POST', `/api/v1/calls/${call.id}/transcript`, bankAdmin, { data: { language: 'zh', segments } })).status).toBe(202);
    await hub.hub.jobs.drain();
    const { status, body } = await api('GET', `/api/v1/calls/${call.id}/analysis`, bankAdmin);
    expect(status).toBe(200);
    analysisResponseSchema.parse(body);
    expect(body.flags).toContainEqual(expect.objectContaining({ code: 'KNOWLEDGE_CONTRADICTION', details: ['refund_days'] }));
    expect(body.knowledge.contradictions).toEqual([
      expect.objectContaining({ factId: 'refund_days', segment: 0, said: { min: 3, max: 3, unit: 'business_day' }, expected: { min: 7, max: 7, unit: 'business_day' } }),
    ]);
    expect(body.knowledge.contradictions[0].startS).toBeGreaterThan(0);
    expect(body.knowledge.contradictions[0].endS).toBeLessThan(4);
    expect(body.sensitive.map((h: any) => h.term)).toEqual([]);
    expect(body.flags.map((f: any) => f.code)).not.toContain('SENSITIVE_WORD');

    const bad = await api('PUT', '/api/v1/settings/analysis', bankAdmin, { knowledgeFacts: [{ id: 'box', statement: '退货需要保留原包装' }] });
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(bad.body).error.code).toBe('VALIDATION_FAILED');
    expect((await api('GET', '/api/v1/settings/analysis', bankAdmin)).body).toEqual(settings);
  });
});

describe('demand insights', () => {
  it('counts demand categories over the calls the reader can reach, without mining spoken digits', async () => {
    await hub.hub.ensureTenant({ id: 'shop', name: 'Shop', defaultRegion: 'CN', industry: 'ecommerce' });
    const shopAdmin = await hub.token('admin', { tenant: 'shop' });
    const ids: string[] = [];
    for (const [n, text] of [
      [1, '退款流程复杂得要命，而且物流太慢了。我的手机是一三八一二三四五六七八。'],
      [2, '快递还没到，物流太慢了。'],
      [3, '我想问一下怎么退款，申请退款好几次了。'],
    ] as const) {
      const { call } = await hub.hub.ingest('shop', { providerCallId: `demand-${n}`, direction: 'inbound', startedAt: '2026-11-10T08:00:00Z' }, synthesizeCallWav({ durationS: 12, seed: `d${n}` }));
      ids.push(call.id);
      await api('POST', `/api/v1/calls/${call.id}/transcript`, shopAdmin, { data: { language: 'zh', segments: [{ speaker: 'customer', startS: 0, endS: 5, text }] } });
    }
    await hub.hub.jobs.drain();
    const { status, body } = await api('GET', '/api/v1/insights/demands', shopAdmin);
    expect(status).toBe(200);
    demandInsightsResponseSchema.parse(body);
    expect(body.totalCalls).toBe(3);
    const counts = Object.fromEntries(body.categories.map((c: any) => [c.id, c.calls]));
    expect(counts).toMatchObject({ refund_complex: 2, logistics_delay: 2 });
    expect(JSON.stringify(body.phrases)).not.toMatch(/一三八|1381|三四五/);
    expect(body.demands.length).toBeGreaterThan(0);
    expect(body.demands.map((d: any) => d.label)).toContain('物流太慢');
    expect(JSON.stringify(body.demands)).not.toMatch(/一三八|1381|三四五/);
    expect(Array.isArray(body.emerging)).toBe(true);
    // Another tenant's admin sees none of these calls.
    expect((await api('GET', '/api/v1/insights/demands', admin)).body.categories.some((c: any) => c.callIds.some((id: string) => ids.includes(id)))).toBe(false);
  });
});
