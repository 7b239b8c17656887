import type { Transcript } from '../../core/analysis/transcript.types';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Transcriber } from '../../core/transcription/transcriber.port';
import type { JobQueue } from '../../core/jobs/job-queue.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';

/** Job kind: transcribe one call with the tenant's transcriber (payload `{ callId }`). */
export const TRANSCRIBE_JOB = 'call.transcribe';
/** Job kind: analyse one call's transcript (payload `{ callId }`); deduplicated per call while queued. */
export const ANALYZE_JOB = 'call.analyze';

/**
 * Seals and opens short secrets (API keys, tokens) with the tenant key under a purpose, so that a secret sealed
 * for one purpose or tenant never opens for another. Implemented by the key vault (adapters/keys).
 */
export interface SecretSealer {
  sealSecret(tenantId: string, purpose: string, plaintext: string): Uint8Array;
  /** Throws when the sealed value was not sealed for this tenant and purpose. */
  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string;
}

/** A tenant's transcriber as stored in its analysis settings, with the API key unsealed for this use only. */
export type TranscriberSettings =
  | { kind: 'openai-compatible'; baseUrl: string; model: string; language: 'zh' | 'en' | 'auto'; agentChannel: 0 | 1; apiKey?: string }
  | { kind: 'pocketsphinx'; agentChannel: 0 | 1 };

/** Builds the engine named by a tenant's settings (adapters/asr). */
export interface TranscriberFactory {
  createTranscriber(settings: TranscriberSettings): Transcriber;
}

/** Converts a provider's transcript document to segments; VALIDATION_FAILED naming the bad field. */
export interface ProviderTranscriptImporter {
  importProviderTranscript(format: 'amazon-transcribe', data: unknown): Transcript;
}

/** Silences spans (seconds) of WAV audio, keeping every other byte as it was (adapters/audio/redact). */
export interface AudioRedactor {
  redactWav(wav: Uint8Array, spans: readonly { readonly startS: number; readonly endS: number }[]): Uint8Array;
}

/** What else must happen when a transcript is stored (the search index), run before the analysis is queued. */
export interface TranscriptEvents {
  transcriptStored(tenantId: string, callId: string, transcript: Transcript): Promise<void>;
}

/** The ports of the analysis use-cases, each use-case picking what it uses. */
export interface AnalysisPorts {
  readonly calls: CallRepository;
  readonly transcripts: TranscriptStore;
  readonly audio: AudioStore;
  readonly jobQueue: JobQueue;
  readonly keys: SecretSealer;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
