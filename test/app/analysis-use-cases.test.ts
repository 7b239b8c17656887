import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor, systemActor } from '../../app/shared/actor';
import {
  analysisResponseSchema,
  analysisSettingsResponseSchema,
  demandInsightsResponseSchema,
  transcriptImportResponseSchema,
  transcriptResponseSchema,
} from '../../core/api/analysis.api';
import { ANALYZE_JOB, TRANSCRIBE_JOB, createAnalysisUseCases, purgeCallAnalysis, transcriptionJobsFor } from '../../app/analysis/index';
import { createJiebaTokenizer } from '../../adapters/text/jieba';
import { analysisFixture, openAnalysisStorage, PII_TRANSCRIPT } from './analysis-fakes';
import { principal } from './support/audit-spy';

let opened: Awaited<ReturnType<typeof openAnalysisStorage>>;
let t: Awaited<ReturnType<typeof analysisFixture>>;
const admin = principal('admin');
const qa = principal('qa', { teams: ['north'] });
const worker = systemActor('t1', 'worker');

beforeEach(async () => {
  opened = await openAnalysisStorage();
  t = await analysisFixture(opened.storage);
});
afterEach(async () => opened.close());

/** Imports the PII transcript for a new call and runs its analysis job, then forgets the audit events so far. */
async function analysedCall(n: number, over = {}) {
  const call = await t.addCall(n, over);
  await t.analysis.importTranscript(admin, { id: call.id, data: PII_TRANSCRIPT });
  await t.analysis.analyzeCall(worker, { callId: call.id });
  t.spy.events.length = 0;
  return call;
}

describe('analysis.import-transcript', () => {
  it('stores the transcript, tells the search index and queues the analysis; one allowed event with the format', async () => {
    const call = await t.addCall(1);
    const answer = await t.analysis.importTranscript(admin, { id: call.id, format: 'segments', data: PII_TRANSCRIPT });
    expect(transcriptImportResponseSchema.parse(answer)).toEqual({ callId: call.id, segments: 3, analysis: 'queued' });
    expect(await opened.storage.transcripts.getTranscript('t1', call.id)).toMatchObject({ source: 'import:segments' });
    expect(t.stored).toEqual([{ tenantId: 't1', callId: call.id }]);
    expect(await opened.storage.jobQueue.list({ kind: ANALYZE_JOB, limit: 10 })).toHaveLength(1);
    expect(t.spy.events).toEqual([
      expect.objectContaining({ action: 'import_transcript', target: `call:${call.id}`, outcome: 'allowed', reason: 'segments', details: { segments: 3 } }),
    ]);
  });

  it('imports a provider transcript through the importer port', async () => {
    const call = await t.addCall(1);
    await expect(t.analysis.importTranscript(admin, { id: call.id, format: 'amazon-transcribe', data: {} })).resolves.toMatchObject({ segments: 1 });
    expect(await opened.storage.transcripts.getTranscript('t1', call.id)).toMatchObject({ source: 'import:amazon-transcribe' });
  });

  it('refuses a malformed transcript with VALIDATION_FAILED and stores nothing; one error event', async () => {
    const call = await t.addCall(1);
    const bad = { segments: [{ speaker: 'robot', startS: 0, endS: 1, text: 'x' }] };
    await expect(t.analysis.importTranscript(admin, { id: call.id, data: bad })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await opened.storage.transcripts.getTranscript('t1', call.id)).toBeNull();
    expect(t.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });

  it('refuses other roles with the admins-and-integrations message, and unknown or malformed ids as CALL_NOT_FOUND', async () => {
    await expect(t.analysis.importTranscript(qa, { id: 'c01', data: PII_TRANSCRIPT })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Only admins and integrations may import transcripts',
    });
    await expect(t.analysis.importTranscript(admin, { id: 'nope', data: PII_TRANSCRIPT })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(t.analysis.importTranscript(admin, { id: '../etc', data: PII_TRANSCRIPT })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason, e.target])).toEqual([
      ['denied', 'role_not_permitted', 'call:c01'],
      ['denied', 'not_found_or_out_of_scope', 'call:nope'],
      ['denied', 'not_found_or_out_of_scope', null],
    ]);
  });
});

describe('analysis.get-transcript', () => {
  it('serves the full text with PII and sensitive-word highlights to an admin', async () => {
    const call = await analysedCall(1);
    const body = transcriptResponseSchema.parse(await t.analysis.getTranscript(admin, { id: call.id }));
    expect(body).toMatchObject({ callId: call.id, masked: false, source: 'import:segments' });
    expect(body.segments[2]!.text).toContain('6222020200112345679');
    expect(body.highlights.filter((h) => h.kind === 'pii')).toHaveLength(2);
    expect(body.highlights.filter((h) => h.kind === 'sensitive').map((h) => h.term)).toEqual(expect.arrayContaining(['保本', '稳赚不赔']));
    expect(t.spy.events).toEqual([expect.objectContaining({ action: 'view_transcript', outcome: 'allowed', details: { masked: false } })]);
  });

  it('serves QA the redacted text, masked', async () => {
    const call = await analysedCall(1);
    const body = await t.analysis.getTranscript(qa, { id: call.id });
    expect(body.masked).toBe(true);
    expect(JSON.stringify(body.segments)).not.toMatch(/6222020200112345679|13812345678/);
    expect(body.highlights.some((h) => h.kind === 'pii')).toBe(true);
  });

  it('answers CALL_NOT_FOUND out of scope and TRANSCRIPT_NOT_FOUND before a transcript exists, one denied event each', async () => {
    const other = await t.addCall(2, { agentId: 'a2' });
    await expect(t.analysis.getTranscript(principal('agent', { agentId: 'a1' }), { id: other.id })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(t.analysis.getTranscript(admin, { id: other.id })).rejects.toMatchObject({ code: 'TRANSCRIPT_NOT_FOUND' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'not_found_or_out_of_scope'],
      ['denied', 'no_transcript'],
    ]);
  });

  it('refuses an auditor before reading anything', async () => {
    await expect(t.analysis.getTranscript(principal('auditor'), { id: 'c01' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(t.spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'role_not_permitted' })]);
  });
});

describe('analysis.get-analysis', () => {
  it('serves the analysis without the redacted segments; ANALYSIS_NOT_FOUND before it exists', async () => {
    const call = await analysedCall(1);
    const body = analysisResponseSchema.parse(await t.analysis.getAnalysis(admin, { id: call.id }));
    expect(body.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['SENSITIVE_WORD', 'PII_PRESENT']));
    expect(await t.analysis.getAnalysis(qa, { id: call.id })).toMatchObject({ masked: true });
    const fresh = await t.addCall(2);
    await expect(t.analysis.getAnalysis(admin, { id: fresh.id })).rejects.toMatchObject({ code: 'ANALYSIS_NOT_FOUND' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['allowed', 'analysis'],
      ['allowed', 'analysis'],
      ['denied', 'no_analysis'],
    ]);
  });
});

describe('analysis.analyze-call and analysis.transcribe-call (jobs, system only)', () => {
  it('analyses the stored transcript, keeps a redacted WAV copy, and records the flags it found', async () => {
    const call = await t.addCall(1);
    await t.analysis.importTranscript(admin, { id: call.id, data: PII_TRANSCRIPT });
    t.spy.events.length = 0;
    const outcome = await t.analysis.analyzeCall(worker, { callId: call.id });
    expect(outcome.skipped).toBeNull();
    expect(await opened.storage.transcripts.getAnalysis('t1', call.id)).not.toBeNull();
    expect(await opened.storage.transcripts.getRedactedAudio('t1', call.id)).toMatchObject({ format: 'wav' });
    expect(t.redactions).toHaveLength(1);
    expect(t.spy.events).toEqual([
      expect.objectContaining({ actor: 'worker', role: null, action: 'analyze_call', target: `call:${call.id}`, outcome: 'allowed' }),
    ]);

    // Re-analysis replaces the redacted copy and discards the one it replaced.
    const first = (await opened.storage.transcripts.getRedactedAudio('t1', call.id))!;
    await t.analysis.analyzeCall(worker, { callId: call.id });
    const second = (await opened.storage.transcripts.getRedactedAudio('t1', call.id))!;
    expect(second.recordingId).not.toBe(first.recordingId);
    expect(t.audio.files.has(`t1/${first.recordingId}`)).toBe(false);
    expect(t.audio.files.has(`t1/${second.recordingId}`)).toBe(true);
  });

  it('skips a deleted call and fails with TRANSCRIPT_NOT_FOUND without a transcript; refuses users', async () => {
    const gone = await t.addCall(1, { status: 'deleted' });
    await expect(t.analysis.analyzeCall(worker, { callId: gone.id })).resolves.toEqual({ skipped: 'call_gone' });
    const bare = await t.addCall(2);
    await expect(t.analysis.analyzeCall(worker, { callId: bare.id })).rejects.toMatchObject({ code: 'TRANSCRIPT_NOT_FOUND' });
    await expect(t.analysis.analyzeCall(admin, { callId: bare.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['allowed', 'call_gone'],
      ['error', 'transcript_not_found'],
      ['denied', 'system_only'],
    ]);
  });

  it('transcribes with the tenant transcriber and its opened key, then queues the analysis', async () => {
    await t.analysis.saveSettings(admin, { transcriber: { kind: 'openai-compatible', baseUrl: 'https://asr.example.com', model: 'whisper-1', apiKey: 'sk-1' } });
    const call = await t.addCall(1);
    expect(await transcriptionJobsFor(t.ports, call)).toEqual([expect.objectContaining({ kind: TRANSCRIBE_JOB, payload: { callId: call.id } })]);
    t.spy.events.length = 0;
    await expect(t.analysis.transcribeCall(worker, { callId: call.id })).resolves.toEqual({ skipped: null, segments: 3 });
    expect(t.transcribed).toEqual([expect.objectContaining({ kind: 'openai-compatible', apiKey: 'sk-1', language: 'auto', agentChannel: 0 })]);
    expect(await opened.storage.transcripts.getTranscript('t1', call.id)).toMatchObject({ source: 'fake-openai-compatible' });
    expect(await opened.storage.jobQueue.list({ kind: ANALYZE_JOB, limit: 10 })).toHaveLength(1);
    expect(t.spy.events).toEqual([expect.objectContaining({ action: 'transcribe_call', outcome: 'allowed', details: { segments: 3 } })]);
    expect(JSON.stringify(t.spy.events)).not.toContain('sk-1');
  });

  it('does nothing when transcription is off, and queues no transcription job', async () => {
    const call = await t.addCall(1);
    expect(await transcriptionJobsFor(t.ports, call)).toEqual([]);
    await expect(t.analysis.transcribeCall(worker, { callId: call.id })).resolves.toEqual({ skipped: 'transcription_off' });
    expect(t.transcribed).toEqual([]);
    await expect(t.analysis.transcribeCall(worker, { callId: '../x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['allowed', 'transcription_off'],
      ['error', 'validation_failed'],
    ]);
  });

  it('purges the transcript, analysis and redacted copy of a deleted call', async () => {
    const call = await analysedCall(1);
    const copy = (await opened.storage.transcripts.getRedactedAudio('t1', call.id))!;
    await purgeCallAnalysis(t.ports, 't1', call.id);
    expect(await opened.storage.transcripts.getTranscript('t1', call.id)).toBeNull();
    expect(await opened.storage.transcripts.getAnalysis('t1', call.id)).toBeNull();
    expect(t.audio.files.has(`t1/${copy.recordingId}`)).toBe(false);
  });
});

describe('analysis.get-settings and analysis.save-settings', () => {
  it('saves a lexicon and a transcriber key that is never echoed; reads them back; one event per call', async () => {
    const saved = await t.analysis.saveSettings(admin, {
      lexicon: ['内部价'],
      transcriber: { kind: 'openai-compatible', baseUrl: 'https://asr.example.com', model: 'whisper-1', apiKey: 'sk-secret-value-123' },
    });
    expect(analysisSettingsResponseSchema.parse(saved)).toMatchObject({ lexicon: ['内部价'], transcriber: { apiKeySet: true } });
    const read = analysisSettingsResponseSchema.parse(await t.analysis.getSettings(admin, undefined));
    expect(read).toEqual(saved);
    expect(JSON.stringify([saved, read, t.spy.events])).not.toContain('sk-secret-value-123');
    expect(t.spy.events.map((e) => [e.action, e.target, e.outcome])).toEqual([
      ['change_settings', 'settings:analysis', 'allowed'],
      ['view_settings', 'settings:analysis', 'allowed'],
    ]);
  });

  it('keeps the stored key when the transcriber is saved again without one, and drops it for another engine', async () => {
    const asr = { kind: 'openai-compatible', baseUrl: 'https://asr.example.com', model: 'whisper-1' } as const;
    await t.analysis.saveSettings(admin, { transcriber: { ...asr, apiKey: 'sk-1' } });
    expect((await t.analysis.saveSettings(admin, { transcriber: asr })).transcriber).toMatchObject({ apiKeySet: true });
    expect((await t.analysis.saveSettings(admin, { transcriber: { kind: 'none' } })).transcriber).toEqual({ kind: 'none', apiKeySet: false });
  });

  it('refuses settings the analysis cannot use, keeping the previous ones; non-admins get FORBIDDEN', async () => {
    await t.analysis.saveSettings(admin, { lexicon: ['内部价'] });
    await expect(t.analysis.saveSettings(admin, { requiredScripts: ['no_such_script'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.analysis.saveSettings(admin, { lexicon: 'x' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^Invalid analysis settings: lexicon/),
    });
    expect((await t.analysis.getSettings(admin, undefined)).lexicon).toEqual(['内部价']);
    await expect(t.analysis.saveSettings(qa, { lexicon: [] })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only admins may change the analysis settings' });
    await expect(t.analysis.getSettings(qa, undefined)).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only admins may read the analysis settings' });
    expect(t.spy.events.map((e) => [e.outcome, e.reason ?? null])).toEqual([
      ['allowed', null],
      ['error', 'validation_failed'],
      ['error', 'validation_failed'],
      ['allowed', null],
      ['denied', 'role_not_permitted'],
      ['denied', 'role_not_permitted'],
    ]);
  });

  it('the operator saves settings as `cli`, and the next analysis of this process finds the new term', async () => {
    const call = await t.addCall(1);
    await t.analysis.importTranscript(admin, { id: call.id, data: { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 5, text: '这个是内 部 价，只给您。' }] } });
    await t.analysis.analyzeCall(worker, { callId: call.id });
    expect((await t.analysis.getAnalysis(admin, { id: call.id })).sensitive.map((h) => h.term)).not.toContain('内部价');
    await t.analysis.saveSettings(cliActor('t1'), { lexicon: ['内部价'] });
    expect((await opened.storage.transcripts.getSettings('t1'))?.updatedBy).toBe('cli');
    await t.analysis.analyzeCall(worker, { callId: call.id });
    expect((await t.analysis.getAnalysis(admin, { id: call.id })).sensitive.map((h) => h.term)).toContain('内部价');
  });
});

describe('analysis settings: knowledge facts, negation, disclaimers', () => {
  async function analyse(text: string, n = 1) {
    const call = await t.addCall(n);
    await t.analysis.importTranscript(admin, { id: call.id, data: { language: 'zh', segments: [{ speaker: 'agent', startS: 2, endS: 8, text }] } });
    await t.analysis.analyzeCall(worker, { callId: call.id });
    return t.analysis.getAnalysis(admin, { id: call.id });
  }

  it('a saved fact is read back and checked: the agent stating 3 instead of 7 working days raises KNOWLEDGE_CONTRADICTION with evidence', async () => {
    const facts = [{ id: 'refund_days', statement: '退款 7 个工作日到账' }];
    const saved = analysisSettingsResponseSchema.parse(await t.analysis.saveSettings(admin, { knowledgeFacts: facts }));
    expect(saved.knowledgeFacts).toEqual(facts);
    expect((await t.analysis.getSettings(admin, undefined)).knowledgeFacts).toEqual(facts);
    const wrong = analysisResponseSchema.parse(await analyse('您放心，退款三个工作日到账。'));
    expect(wrong.flags).toContainEqual(expect.objectContaining({ code: 'KNOWLEDGE_CONTRADICTION', severity: 'medium', count: 1, details: ['refund_days'] }));
    expect(wrong.knowledge).toMatchObject({
      checked: 1,
      contradictions: [expect.objectContaining({ factId: 'refund_days', verdict: 'contradicts', segment: 0, speaker: 'agent', startS: expect.any(Number) })],
    });
    const right = await analyse('退款七个工作日到账，请您留意。', 2);
    expect(right.flags.map((f) => f.code)).not.toContain('KNOWLEDGE_CONTRADICTION');
    expect(right.knowledge).toMatchObject({ checked: 1, contradictions: [] });
  });

  it('refuses a fact the analysis cannot check with VALIDATION_FAILED and keeps the saved settings', async () => {
    await t.analysis.saveSettings(admin, { lexicon: ['内部价'] });
    await expect(t.analysis.saveSettings(admin, { knowledgeFacts: [{ id: 'pack', statement: '退货需要保留原包装' }] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const twice = { id: 'a', statement: '退款 7 个工作日到账' };
    await expect(t.analysis.saveSettings(admin, { knowledgeFacts: [twice, twice] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.analysis.saveSettings(admin, { knowledgeFacts: [{ id: '', statement: '退款 7 个工作日到账' }] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^Invalid analysis settings: knowledgeFacts/),
    });
    expect(await t.analysis.getSettings(admin, undefined)).toEqual({ lexicon: ['内部价'] });
  });

  it('a negated promise ("不保本") is not a violation; the same word unnegated is; negation can be turned off', async () => {
    const negated = await analyse('这个产品不保本，请您注意风险。');
    expect(negated.sensitive.map((h) => h.term)).not.toContain('保本');
    expect(negated.flags.map((f) => f.code)).not.toContain('SENSITIVE_WORD');
    expect(negated.clearedSensitive).toContainEqual(expect.objectContaining({ term: '保本', clearedBy: 'negation' }));
    expect((await analyse('这个产品保本，您放心。', 2)).sensitive.map((h) => h.term)).toContain('保本');
    await t.analysis.saveSettings(admin, { negation: { enabled: false } });
    expect((await analyse('这个产品不保本，请您注意风险。', 3)).sensitive.map((h) => h.term)).toContain('保本');
  });

  it('tenant terms are negatable only when marked so, and tenant disclaimers clear any hit inside them', async () => {
    const saved = await t.analysis.saveSettings(admin, {
      lexicon: ['包过', { term: '必涨', negatable: true }],
      disclaimers: ['我们不承诺内部价'],
    });
    expect(saved.lexicon).toEqual(['包过', { term: '必涨', negatable: true }]);
    const hits = (await analyse('这只基金不必涨，考试也不包过。')).sensitive.map((h) => h.term);
    expect(hits).toContain('包过');
    expect(hits).not.toContain('必涨');
    await t.analysis.saveSettings(admin, { lexicon: ['内部价'], disclaimers: ['我们不承诺内部价'] });
    expect((await analyse('提醒您，我们不承诺内部价。', 2)).sensitive.map((h) => h.term)).not.toContain('内部价');
    expect((await analyse('这个是内部价，只给您。', 3)).sensitive.map((h) => h.term)).toContain('内部价');
    await expect(t.analysis.saveSettings(admin, { disclaimers: [''] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.analysis.saveSettings(admin, { negation: { negators: 'not' } } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('analysis.get-demand-insights', () => {
  it('counts demands over the calls the reader may list, never mining spoken digits', async () => {
    const texts = ['退款流程复杂得要命，而且物流太慢了。我的手机是一三八一二三四五六七八。', '快递还没到，物流太慢了。', '我想问一下怎么退款，申请退款好几次了。'];
    for (const [i, text] of texts.entries()) {
      const call = await t.addCall(i + 1, { agentId: i === 2 ? 'a2' : 'a1' });
      await t.analysis.importTranscript(admin, { id: call.id, data: { language: 'zh', segments: [{ speaker: 'customer', startS: 0, endS: 5, text }] } });
      await t.analysis.analyzeCall(worker, { callId: call.id });
    }
    t.spy.events.length = 0;
    const all = demandInsightsResponseSchema.parse(await t.analysis.getDemandInsights(admin, {}));
    expect(all.totalCalls).toBe(3);
    expect(all.truncated).toBe(false);
    expect(JSON.stringify(all.phrases)).not.toMatch(/一三八|1381|三四五/);
    const own = await t.analysis.getDemandInsights(principal('agent', { agentId: 'a1' }), { top: '5' } as never);
    expect(own.totalCalls).toBe(2);
    await expect(t.analysis.getDemandInsights(admin, { top: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid query: top/) });
    await expect(t.analysis.getDemandInsights(principal('auditor'), {})).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Your role may not read call insights' });
    expect(t.spy.events.map((e) => [e.action, e.outcome, e.details ?? null])).toEqual([
      ['view_insights', 'allowed', { calls: 3 }],
      ['view_insights', 'allowed', { calls: 2 }],
      ['view_insights', 'error', null],
      ['view_insights', 'denied', null],
    ]);
  });

  it('mines demands with the injected word tokenizer: paraphrases merged, labelled, with masked examples, and emerging ones', async () => {
    const analysis = createAnalysisUseCases({ ...t.ports, demandTokenizer: createJiebaTokenizer(), audit: t.spy.audit });
    const agent = '好的，我这边帮您看一下，请您稍等。';
    const corpus: [string, string][] = [
      ['2026-05-04T09:00:00Z', '快递太慢了，一个星期还没到。'],
      ['2026-05-05T09:00:00Z', '快递太慢了，到现在还没收到。'],
      ['2026-05-06T09:00:00Z', '快递太慢了，什么时候能到？'],
      ['2026-05-25T09:00:00Z', '退款流程太复杂了，我弄不明白。'],
      ['2026-05-26T09:00:00Z', '退款流程很麻烦，我的卡号是6222020200112345679。'],
      ['2026-05-27T09:00:00Z', '你们退款流程太繁琐了。'],
      ['2026-05-28T09:00:00Z', '退款流程太复杂，能不能简单一点？'],
      ['2026-05-16T09:00:00Z', '我想改一下收货地址。'],
      ['2026-05-18T09:00:00Z', '发票抬头开错了，想重新开。'],
      ['2026-05-20T09:00:00Z', '会员积分怎么用？'],
    ];
    for (const [i, [startedAt, text]] of corpus.entries()) {
      const call = await t.addCall(i + 1, { startedAt });
      const segments = [
        { speaker: 'agent' as const, startS: 0, endS: 4, text: agent },
        { speaker: 'customer' as const, startS: 5, endS: 10, text },
      ];
      await analysis.importTranscript(admin, { id: call.id, data: { language: 'zh', segments } });
      await analysis.analyzeCall(worker, { callId: call.id });
    }
    const body = demandInsightsResponseSchema.parse(await analysis.getDemandInsights(admin, { top: 5 }));
    expect(body.totalCalls).toBe(10);
    expect(body.minCalls).toBe(2);
    const refund = body.demands.find((d) => d.label.startsWith('退款流程'));
    expect(refund, JSON.stringify(body.demands.map((d) => d.label))).toBeDefined();
    expect(refund!.calls).toBe(4);
    expect(refund!.phrases.length).toBeGreaterThan(1);
    expect(refund!.examples.length).toBeGreaterThan(0);
    expect(refund!.examples.every((e) => e.text.includes('退款流程'))).toBe(true);
    expect(body.demands.find((d) => /快递|物流/.test(d.label))?.calls).toBe(3);
    expect(JSON.stringify(body.demands)).not.toMatch(/6222|0200112345679/);
    expect(body.emerging).toEqual([expect.objectContaining({ id: refund!.id, label: refund!.label, thisWeek: 4, lastWeek: 0 })]);
    expect(body.categories).toBeDefined();
    expect(body.phrases).toBeDefined();
  });
});
