/**
 * Storage of transcripts and their analyses, the per-flag index that list filters read (call_flags), the tenant's
 * analysis settings and the redacted copies of audio. Implemented by adapters/storage/sqlite/sqlite.transcripts.ts
 * and adapters/storage/postgres/postgres.transcripts.ts; both pass test/contracts/transcript-store.contract.ts.
 * Every method takes the tenant id and never reads or writes another tenant's data. Results may be returned
 * directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';
import type { Transcript } from '../analysis/transcript.types';
import type { CallAnalysis } from '../analysis/analyze-transcript';

export type { Awaitable };

/** A call's transcript with where it came from (a transcriber's name, `import:<format>`, `demo`) and when. */
export interface StoredTranscript extends Transcript {
  readonly source: string;
  readonly createdAt: string;
}

/** Where the redacted copy of a call's audio is stored (an encrypted recording of its own) and what it masks. */
export interface RedactedAudioRow {
  readonly recordingId: string;
  readonly keyId: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly format: 'wav' | 'mp3';
  /** How many spans were silenced. */
  readonly spans: number;
}

export interface AnalysisSettingsRow {
  readonly settings: Record<string, unknown>;
  /** The transcriber's API key sealed by the tenant key; never stored or returned in clear. */
  readonly sealedApiKey: Uint8Array | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** What a list view shows of a call's analysis: its distinct flag codes and its risk score. */
export interface CallScreeningRow {
  readonly flags: readonly string[];
  readonly risk: number;
}

export interface TranscriptStore {
  /** Stores the call's transcript, replacing an earlier one (language, source, segments and createdAt). */
  saveTranscript(tenantId: string, callId: string, transcript: Transcript, source: string, now: Date): Awaitable<void>;
  getTranscript(tenantId: string, callId: string): Awaitable<StoredTranscript | null>;

  /**
   * Stores the analysis (replacing an earlier one) and replaces the call's rows in the flag index with its distinct
   * flag codes at `startedAt`, atomically.
   */
  saveAnalysis(tenantId: string, callId: string, startedAt: string, analysis: CallAnalysis, now: Date): Awaitable<void>;
  getAnalysis(tenantId: string, callId: string): Awaitable<CallAnalysis | null>;
  /** The analyses of those calls that have one, by call id, in one read (reports over many calls). */
  getAnalyses(tenantId: string, callIds: readonly string[]): Awaitable<Map<string, CallAnalysis>>;
  /** Flags and risk per call id, for list views; calls without an analysis are absent from the map. */
  screening(tenantId: string, callIds: readonly string[]): Awaitable<Map<string, CallScreeningRow>>;

  getSettings(tenantId: string): Awaitable<AnalysisSettingsRow | null>;
  /** Replaces the tenant's settings and sealed key (null removes the key). */
  saveSettings(tenantId: string, settings: Record<string, unknown>, sealedApiKey: Uint8Array | null, by: string, now: Date): Awaitable<void>;

  getRedactedAudio(tenantId: string, callId: string): Awaitable<RedactedAudioRow | null>;
  /**
   * Records the call's redacted copy and returns the one it replaced (whose audio the caller discards), or null.
   * Atomic: of concurrent saves each gets back the copy it replaced, so none is left behind undiscarded.
   */
  saveRedactedAudio(tenantId: string, callId: string, row: RedactedAudioRow, now: Date): Awaitable<RedactedAudioRow | null>;
  deleteRedactedAudio(tenantId: string, callId: string): Awaitable<void>;

  /**
   * The transcripts of the given calls, for demand mining (the caller applies the access scope to the ids): one
   * entry per distinct id that has a transcript, in the order the ids are given.
   */
  listTranscriptsForCalls(tenantId: string, callIds: readonly string[]): Awaitable<{ callId: string; transcript: Transcript }[]>;

  /** Removes the transcript, analysis, flag index rows and redacted-copy record of a call (retention deletion), atomically. */
  purge(tenantId: string, callId: string): Awaitable<void>;
}
