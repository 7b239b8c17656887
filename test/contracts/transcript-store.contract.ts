import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeTranscript, type CallAnalysis } from '../../core/analysis/analyze-transcript';
import { buildAnalysisConfig } from '../../core/analysis/analysis.config';
import type { FlagCode } from '../../core/analysis/risk/risk.score';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { RedactedAudioRow, TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Awaitable } from '../../core/shared/awaitable';
import { makeCall, T1, T2 } from './support/fixtures';

/** A transcript store under contract test, with the call repository of the same database (its list reads the flag index). */
export interface TranscriptStoreUnderTest {
  readonly store: TranscriptStore;
  readonly calls: CallRepository;
  close(): Promise<void>;
}

export type OpenTranscriptStore = () => Promise<TranscriptStoreUnderTest>;

const NOW = new Date('2026-03-10T09:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const FLAG_CODES: readonly FlagCode[] = ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'PII_PRESENT', 'CUSTOMER_AGITATED', 'DURATION_ABNORMAL', 'HIGH_INTERRUPTION'];

const TRANSCRIPT: Transcript = {
  language: 'zh',
  segments: [
    { speaker: 'agent', startS: 0, endS: 3.2, text: '您好，这款理财产品保本保息。' },
    { speaker: 'customer', startS: 3.5, endS: 7.25, text: '好的，refund 的话怎么办？' },
  ],
};
const ENGLISH: Transcript = { language: 'en', segments: [{ speaker: 'customer', startS: 0, endS: 1.5, text: 'I want a refund, please.' }] };

// The general pack plus one finance term, so that the real analysis carries a sensitive-word flag.
const BASE_ANALYSIS = analyzeTranscript(TRANSCRIPT, buildAnalysisConfig({ industry: 'general', lexicon: [{ term: '保本', category: 'finance', severity: 'high' }] }));

/** The real analysis with the given flags (repeats allowed) and risk. */
function analysisWith(codes: readonly FlagCode[], risk: number): CallAnalysis {
  return { ...BASE_ANALYSIS, flags: codes.map((code) => ({ code, severity: 'high', count: 1, details: [] })), risk };
}

function redacted(recordingId: string, over: Partial<RedactedAudioRow> = {}): RedactedAudioRow {
  return { recordingId, keyId: `key-${recordingId}`, bytes: 48_044, sha256: 'cd'.repeat(32), format: 'wav', spans: 2, ...over };
}

/** Runs `work` as a promise, so that a synchronous store's throw becomes a rejection like an asynchronous one's. */
function attempt<T>(work: () => Awaitable<T>): Promise<T> {
  return Promise.resolve().then(work);
}

/**
 * The TranscriptStore contract: SQLite and PostgreSQL must give these answers. The concurrency tests run on both;
 * on SQLite the calls take turns, on PostgreSQL they race on separate connections. One database serves the whole
 * suite, so every test works on calls of its own.
 */
export function describeTranscriptStoreContract(open: OpenTranscriptStore): void {
  let s: TranscriptStoreUnderTest;
  let store: TranscriptStore;
  let seq = 0;

  /** Inserts a call of tenant t1 that no other test uses and returns it as stored. */
  async function newCall(): Promise<Call> {
    const n = ++seq;
    const id = `tc-${String(n).padStart(4, '0')}`;
    await s.calls.insertCall(makeCall(n % 100, { id, providerCallId: `p-tc-${n}` }));
    const call = await s.calls.getCall(T1.id, id, { kind: 'all' });
    if (!call) throw new Error(`call ${id} was not stored`);
    return call;
  }

  /** The flag codes under which the call repository's list (reading the flag index) finds the call. */
  async function indexedFlags(call: Call): Promise<FlagCode[]> {
    const found: FlagCode[] = [];
    for (const flag of FLAG_CODES) {
      const page = await s.calls.listCalls(call.tenantId, { flag, from: call.startedAt, to: new Date(Date.parse(call.startedAt) + 1).toISOString() }, { kind: 'all' }, { limit: 100 });
      if (page.items.some((c) => c.id === call.id)) found.push(flag);
    }
    return found;
  }

  beforeAll(async () => {
    s = await open();
    store = s.store;
    for (const tenant of [T1, T2]) await s.calls.upsertTenant(tenant);
  });
  afterAll(async () => s?.close());

  // ---- transcripts ----

  it('stores a transcript with its source and time, replaces it on a second save, and keeps tenants apart', async () => {
    const callId = `t-${++seq}`;
    expect(await store.getTranscript(T1.id, callId)).toBeNull();
    await store.saveTranscript(T1.id, callId, TRANSCRIPT, 'whisper', NOW);
    expect(await store.getTranscript(T1.id, callId)).toEqual({ ...TRANSCRIPT, source: 'whisper', createdAt: NOW.toISOString() });
    expect(await store.getTranscript(T2.id, callId)).toBeNull();
    await store.saveTranscript(T1.id, callId, ENGLISH, 'import:segments', later(5));
    expect(await store.getTranscript(T1.id, callId)).toEqual({ ...ENGLISH, source: 'import:segments', createdAt: later(5).toISOString() });
  });

  it('lists the transcripts of the given calls once each, in the order given, skipping calls without one', async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => `lt-${++seq}-${i}`);
    const withTranscript = [ids[1100]!, ids[3]!, ids[700]!, ids[499]!, ids[500]!];
    for (const [i, id] of withTranscript.entries()) await store.saveTranscript(T1.id, id, i % 2 ? ENGLISH : TRANSCRIPT, 'demo', NOW);
    await store.saveTranscript(T2.id, ids[10]!, ENGLISH, 'demo', NOW);
    const asked = [...ids.slice(0, 600), ids[3]!, ...ids.slice(600), ids[1100]!];
    const listed = await store.listTranscriptsForCalls(T1.id, asked);
    expect(listed.map((e) => e.callId)).toEqual([ids[3], ids[499], ids[500], ids[700], ids[1100]]);
    expect(listed[0]).toEqual({ callId: ids[3], transcript: ENGLISH });
    expect(listed[4]).toEqual({ callId: ids[1100], transcript: TRANSCRIPT });
    expect(await store.listTranscriptsForCalls(T1.id, [ids[1100]!, ids[3]!])).toEqual([
      { callId: ids[1100], transcript: TRANSCRIPT },
      { callId: ids[3], transcript: ENGLISH },
    ]);
    expect(await store.listTranscriptsForCalls(T1.id, [])).toEqual([]);
    expect(await store.listTranscriptsForCalls(T2.id, withTranscript)).toEqual([]);
  });

  // ---- analyses and the flag index ----

  it('stores an analysis, screens it as distinct flags and risk, and indexes its flags for the call list', async () => {
    const call = await newCall();
    expect(await store.getAnalysis(T1.id, call.id)).toBeNull();
    expect(BASE_ANALYSIS.flags.map((f) => f.code)).toContain('SENSITIVE_WORD');
    await store.saveAnalysis(T1.id, call.id, call.startedAt, BASE_ANALYSIS, NOW);
    expect(await store.getAnalysis(T1.id, call.id)).toEqual(BASE_ANALYSIS);
    const codes = [...new Set(BASE_ANALYSIS.flags.map((f) => f.code))];
    expect(await store.screening(T1.id, [call.id])).toEqual(new Map([[call.id, { flags: codes, risk: BASE_ANALYSIS.risk }]]));
    expect(await indexedFlags(call)).toEqual(FLAG_CODES.filter((code) => codes.includes(code)));
    expect(await store.getAnalysis(T2.id, call.id)).toBeNull();
    expect(await store.screening(T2.id, [call.id])).toEqual(new Map());
  });

  it('replaces the analysis and its flag index on a second save; no flags leave no index rows', async () => {
    const call = await newCall();
    await store.saveAnalysis(T1.id, call.id, call.startedAt, analysisWith(['PII_PRESENT', 'CUSTOMER_AGITATED', 'PII_PRESENT'], 0.62), NOW);
    expect((await store.screening(T1.id, [call.id])).get(call.id)).toEqual({ flags: ['PII_PRESENT', 'CUSTOMER_AGITATED'], risk: 0.62 });
    expect(await indexedFlags(call)).toEqual(['PII_PRESENT', 'CUSTOMER_AGITATED']);

    await store.saveAnalysis(T1.id, call.id, call.startedAt, analysisWith(['HIGH_INTERRUPTION'], 0.25), later(1));
    expect((await store.getAnalysis(T1.id, call.id))?.flags.map((f) => f.code)).toEqual(['HIGH_INTERRUPTION']);
    expect((await store.screening(T1.id, [call.id])).get(call.id)).toEqual({ flags: ['HIGH_INTERRUPTION'], risk: 0.25 });
    expect(await indexedFlags(call)).toEqual(['HIGH_INTERRUPTION']);

    await store.saveAnalysis(T1.id, call.id, call.startedAt, analysisWith([], 0), later(2));
    expect((await store.screening(T1.id, [call.id])).get(call.id)).toEqual({ flags: [], risk: 0 });
    expect(await indexedFlags(call)).toEqual([]);
  });

  it('screens and reads the analyses of any number of calls, leaving out calls without one and calls of other tenants', async () => {
    const calls = [await newCall(), await newCall(), await newCall()];
    for (const [i, call] of calls.entries()) await store.saveAnalysis(T1.id, call.id, call.startedAt, analysisWith(i ? ['SENSITIVE_WORD'] : [], i / 4), NOW);
    await store.saveAnalysis(T2.id, 'other-tenant-call', calls[0]!.startedAt, analysisWith(['PII_PRESENT'], 0.9), NOW);
    const ids = [...Array.from({ length: 700 }, (_, i) => `absent-${i}`), calls[2]!.id, 'other-tenant-call', calls[0]!.id, calls[1]!.id, calls[0]!.id];
    const analyses = await store.getAnalyses(T1.id, ids);
    expect([...analyses.keys()].sort()).toEqual(calls.map((c) => c.id).sort());
    expect(analyses.get(calls[1]!.id)).toEqual(analysisWith(['SENSITIVE_WORD'], 0.25));
    expect(await store.getAnalyses(T1.id, [])).toEqual(new Map());
    const screened = await store.screening(T1.id, ids);
    expect(Object.fromEntries(screened)).toEqual({
      [calls[0]!.id]: { flags: [], risk: 0 },
      [calls[1]!.id]: { flags: ['SENSITIVE_WORD'], risk: 0.25 },
      [calls[2]!.id]: { flags: ['SENSITIVE_WORD'], risk: 0.5 },
    });
    expect(await store.screening(T1.id, [])).toEqual(new Map());
  });

  it('keeps the flag index matching the stored analysis when analyses of a call are saved concurrently', async () => {
    const call = await newCall();
    const variants: readonly (readonly FlagCode[])[] = [['SENSITIVE_WORD', 'PII_PRESENT'], ['MISSING_SCRIPT'], ['CUSTOMER_AGITATED', 'DURATION_ABNORMAL', 'HIGH_INTERRUPTION'], []];
    await Promise.all(variants.map((codes, i) => attempt(() => store.saveAnalysis(T1.id, call.id, call.startedAt, analysisWith(codes, i / 10), later(i)))));
    const stored = (await store.getAnalysis(T1.id, call.id))!;
    const codes = stored.flags.map((f) => f.code);
    expect(variants.map((v) => v.join())).toContain(codes.join());
    expect((await store.screening(T1.id, [call.id])).get(call.id)).toEqual({ flags: codes, risk: stored.risk });
    expect(await indexedFlags(call)).toEqual(FLAG_CODES.filter((code) => codes.includes(code)));
  });

  // ---- settings ----

  it('stores settings with the sealed key as bytes, replaces them, and removes the key when given null', async () => {
    const tenantId = `settings-${++seq}`;
    expect(await store.getSettings(tenantId)).toBeNull();
    const sealed = new Uint8Array([0, 255, 1, 128, 0, 42, 7, 0]);
    const settings = { transcriber: { kind: 'openai-compatible', baseUrl: 'http://asr.local/v1' }, durationBands: { shortS: 30 }, 备注: '中文' };
    await store.saveSettings(tenantId, settings, sealed, 'u-admin', NOW);
    const row = await store.getSettings(tenantId);
    expect(row).toMatchObject({ settings, updatedAt: NOW.toISOString(), updatedBy: 'u-admin' });
    expect([...row!.sealedApiKey!]).toEqual([...sealed]);
    expect(await store.getSettings(`settings-${++seq}`)).toBeNull();

    const slice = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);
    await store.saveSettings(tenantId, { durationBands: { shortS: 60 } }, slice, 'u-other', later(1));
    expect([...(await store.getSettings(tenantId))!.sealedApiKey!]).toEqual([1, 2, 3]);
    await store.saveSettings(tenantId, {}, null, 'u-other', later(2));
    expect(await store.getSettings(tenantId)).toEqual({ settings: {}, sealedApiKey: null, updatedAt: later(2).toISOString(), updatedBy: 'u-other' });
  });

  // ---- redacted audio ----

  it('records a redacted copy, returns the one each save replaces, and deletes it', async () => {
    const callId = `ra-${++seq}`;
    expect(await store.getRedactedAudio(T1.id, callId)).toBeNull();
    const first = redacted(`${callId}-r1`, { bytes: 5_000_000_000 });
    expect(await store.saveRedactedAudio(T1.id, callId, first, NOW)).toBeNull();
    expect(await store.getRedactedAudio(T1.id, callId)).toEqual(first);
    expect(await store.getRedactedAudio(T2.id, callId)).toBeNull();
    const second = redacted(`${callId}-r2`, { format: 'mp3', spans: 5 });
    expect(await store.saveRedactedAudio(T1.id, callId, second, later(1))).toEqual(first);
    expect(await store.getRedactedAudio(T1.id, callId)).toEqual(second);
    await store.deleteRedactedAudio(T2.id, callId);
    expect(await store.getRedactedAudio(T1.id, callId)).toEqual(second);
    await store.deleteRedactedAudio(T1.id, callId);
    expect(await store.getRedactedAudio(T1.id, callId)).toBeNull();
    await store.deleteRedactedAudio(T1.id, callId);
  });

  it('hands each copy replaced by concurrent saves back exactly once, so none is left undiscarded', async () => {
    const callId = `ra-${++seq}`;
    const rows = [1, 2, 3, 4, 5].map((n) => redacted(`${callId}-r${n}`));
    const replaced = await Promise.all(rows.map((row) => attempt(() => store.saveRedactedAudio(T1.id, callId, row, NOW))));
    expect(replaced.filter((r) => r === null)).toHaveLength(1);
    const kept = (await store.getRedactedAudio(T1.id, callId))!;
    const accounted = [...replaced.filter((r): r is RedactedAudioRow => r !== null), kept].map((r) => r.recordingId).sort();
    expect(accounted).toEqual(rows.map((r) => r.recordingId).sort());
  });

  // ---- purge ----

  it('purges a call\'s transcript, analysis, flag index and redacted copy, and nothing of other calls', async () => {
    const [call, other] = [await newCall(), await newCall()];
    for (const c of [call, other]) {
      await store.saveTranscript(T1.id, c.id, TRANSCRIPT, 'whisper', NOW);
      await store.saveAnalysis(T1.id, c.id, c.startedAt, analysisWith(['PII_PRESENT'], 0.4), NOW);
      await store.saveRedactedAudio(T1.id, c.id, redacted(`${c.id}-r1`), NOW);
    }
    await store.purge(T2.id, call.id);
    expect(await store.getTranscript(T1.id, call.id)).not.toBeNull();
    await store.purge(T1.id, call.id);
    expect(await store.getTranscript(T1.id, call.id)).toBeNull();
    expect(await store.getAnalysis(T1.id, call.id)).toBeNull();
    expect(await store.screening(T1.id, [call.id, other.id])).toEqual(new Map([[other.id, { flags: ['PII_PRESENT'], risk: 0.4 }]]));
    expect(await indexedFlags(call)).toEqual([]);
    expect(await indexedFlags(other)).toEqual(['PII_PRESENT']);
    expect(await store.getRedactedAudio(T1.id, call.id)).toBeNull();
    expect(await store.getRedactedAudio(T1.id, other.id)).toEqual(redacted(`${other.id}-r1`));
    expect(await store.getTranscript(T1.id, other.id)).toEqual({ ...TRANSCRIPT, source: 'whisper', createdAt: NOW.toISOString() });
    await store.purge(T1.id, call.id);
  });
}
