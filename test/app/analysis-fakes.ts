import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalysisUseCases, type AnalysisUseCasePorts, type TranscriberSettings } from '../../app/analysis/index';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { AudioLocation, AudioStore } from '../../core/recordings/audio-store.port';
import type { Call, Tenant } from '../../core/recordings/call';
import type { Transcriber } from '../../core/transcription/transcriber.port';
import { CallsightError } from '../../core/shared/errors';
import { openStorage, type HubStorage } from '../../bin/storage';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';
import { makeCall } from '../contracts/support/fixtures';
import { auditSpy } from './support/audit-spy';

export const TENANT: Tenant = { id: 't1', name: 'Tenant One', defaultRegion: 'CN', industry: 'finance', createdAt: '2026-01-01T00:00:00Z' };

/** A transcript with a sensitive phrase of the finance pack, a spoken card number and a phone number. */
export const PII_TRANSCRIPT: Transcript = {
  language: 'zh',
  segments: [
    { speaker: 'agent', startS: 0.5, endS: 4, text: '您好，本次通话将录音，请问有什么可以帮您？' },
    { speaker: 'agent', startS: 9.5, endS: 13, text: '放心，这个产品保本，稳赚不赔。' },
    { speaker: 'customer', startS: 13.5, endS: 19, text: '好的，我的卡号是6222020200112345679，手机13812345678。' },
  ],
};

/** Stores opened the way the hub opens them: a SQLite file in a temporary folder, or a fresh PostgreSQL database. */
export async function openAnalysisStorage(kind: 'sqlite' | 'postgres' = 'sqlite'): Promise<{
  readonly storage: HubStorage;
  /** Opens the same database again, as a second process would. */
  reopen(): Promise<HubStorage>;
  close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callsight-analysis-'));
  const database = kind === 'postgres' ? await createTestDatabase() : null;
  const config = { dataDir, ...(database ? { databaseUrl: database.url } : {}) };
  const opened: HubStorage[] = [await openStorage(config)];
  return {
    storage: opened[0]!,
    async reopen() {
      const again = await openStorage(config);
      opened.push(again);
      return again;
    },
    async close() {
      for (const storage of opened) await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (database) await dropTestDatabase(database.name);
    },
  };
}

/** Audio kept in memory by tenant and recording id; `read` of missing audio is RECORDING_GONE. */
export function memoryAudio(): AudioStore & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const key = (l: Pick<AudioLocation, 'tenantId' | 'recordingId'>) => `${l.tenantId}/${l.recordingId}`;
  return {
    files,
    async write(tenantId, recordingId, audio) {
      files.set(`${tenantId}/${recordingId}`, audio);
      return { keyId: `k-${recordingId}`, bytes: audio.length, sha256: 'ab'.repeat(32) } as never;
    },
    async *read(location) {
      const bytes = files.get(key(location));
      if (!bytes) throw new CallsightError('RECORDING_GONE', 'gone');
      yield bytes;
    },
    exists: async (location) => files.has(key(location)),
    remove: async (location) => void files.delete(key(location)),
    discard: async (location) => void files.delete(key(location)),
  };
}

/** Seals as `tenant|purpose|plain` reversed; opens only what was sealed for the same tenant and purpose. */
export const fakeKeys = {
  sealSecret: (tenantId: string, purpose: string, plaintext: string) => new TextEncoder().encode(`${tenantId}|${purpose}|${plaintext}`).reverse(),
  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string {
    const text = new TextDecoder().decode(Uint8Array.from(sealed).reverse());
    const prefix = `${tenantId}|${purpose}|`;
    if (!text.startsWith(prefix)) throw new Error('sealed for another tenant or purpose');
    return text.slice(prefix.length);
  },
};

/** Analysis ports over `storage`, with in-memory audio, fake keys, a scripted transcriber and a recording redactor. */
export function analysisPorts(storage: HubStorage, options: { transcript?: Transcript; clockMs?: () => number } = {}) {
  const audio = memoryAudio();
  const stored: { tenantId: string; callId: string }[] = [];
  const transcribed: TranscriberSettings[] = [];
  const redactions: number[] = [];
  let ids = 0;
  const transcriber = (settings: TranscriberSettings): Transcriber => ({
    name: `fake-${settings.kind}`,
    async transcribe() {
      transcribed.push(settings);
      return options.transcript ?? PII_TRANSCRIPT;
    },
  });
  const ports: AnalysisUseCasePorts = {
    calls: storage.calls,
    transcripts: storage.transcripts,
    tenantSettings: storage.settings,
    audio,
    jobQueue: storage.jobQueue,
    keys: fakeKeys,
    clock: { now: () => new Date(options.clockMs?.() ?? Date.parse('2026-06-01T12:00:00Z')) },
    ids: { newId: (prefix) => `${prefix}_${++ids}_${Math.random().toString(36).slice(2, 8)}` },
    events: { transcriptStored: async (tenantId, callId) => void stored.push({ tenantId, callId }) },
    transcribers: { createTranscriber: transcriber },
    transcriptImporter: {
      importProviderTranscript: () => ({ language: 'en', segments: [{ speaker: 'agent', startS: 0, endS: 1, text: 'hello from amazon' }] }),
    },
    redactor: {
      redactWav(wav, spans) {
        redactions.push(spans.length);
        return Uint8Array.from(wav, () => 0);
      },
    },
  };
  return { ports, audio, stored, transcribed, redactions };
}

/** The analysis use-cases over `storage`, with an audit spy and the fakes above, and the tenant's calls stored. */
export async function analysisFixture(storage: HubStorage, options: { transcript?: Transcript } = {}) {
  await storage.calls.upsertTenant(TENANT);
  await storage.calls.upsertAgent({ tenantId: 't1', id: 'a1', name: 'Li Na', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  await storage.calls.upsertAgent({ tenantId: 't1', id: 'a2', name: 'Emma', team: 'south', seniority: 'new', hiredAt: '2026-01-01' });
  const spy = auditSpy();
  const fakes = analysisPorts(storage, options);
  const analysis = createAnalysisUseCases({ ...fakes.ports, audit: spy.audit });
  const addCall = async (n: number, over: Partial<Call> = {}) => {
    const call = makeCall(n, over);
    await storage.calls.insertCall(call);
    await fakes.audio.write(call.tenantId, call.id, new Uint8Array(64).fill(7));
    return (await storage.calls.getCall('t1', call.id, { kind: 'all' }))!;
  };
  return { ...fakes, spy, analysis, addCall };
}
