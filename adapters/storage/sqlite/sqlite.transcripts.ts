import type Database from 'better-sqlite3';
import type { Transcript } from '../../../core/analysis/transcript.types';
import type { CallAnalysis } from '../../../core/analysis/analyze-transcript';
import type {
  AnalysisSettingsRow,
  CallScreeningRow,
  RedactedAudioRow,
  StoredTranscript,
  TranscriptStore,
} from '../../../core/transcription/transcript-store.port';
import { prepared } from './sqlite-statements';

export type { AnalysisSettingsRow, CallScreeningRow, RedactedAudioRow, StoredTranscript };

/** better-sqlite3 binds a Buffer as a BLOB; a sealed key may arrive as any Uint8Array. */
function toBlob(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Transcripts and analyses of calls, plus the per-flag index used by list filters. Synchronous: callers of the port await its results. */
export class SqliteTranscriptStore implements TranscriptStore {
  constructor(private readonly db: Database.Database) {}

  saveTranscript(tenantId: string, callId: string, transcript: Transcript, source: string, now: Date): void {
    prepared(
      this.db,
        `INSERT INTO transcripts (tenant_id, call_id, language, source, segments_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET language = excluded.language, source = excluded.source,
           segments_json = excluded.segments_json, created_at = excluded.created_at`,
      )
      .run(tenantId, callId, transcript.language, source, JSON.stringify(transcript.segments), now.toISOString());
  }

  getTranscript(tenantId: string, callId: string): StoredTranscript | null {
    const row = prepared(this.db, 'SELECT * FROM transcripts WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
      | { language: Transcript['language']; source: string; segments_json: string; created_at: string }
      | undefined;
    return row
      ? { language: row.language, segments: JSON.parse(row.segments_json) as Transcript['segments'], source: row.source, createdAt: row.created_at }
      : null;
  }

  /** Stores the analysis and re-indexes the call's flags in one transaction. */
  saveAnalysis(tenantId: string, callId: string, startedAt: string, analysis: CallAnalysis, now: Date): void {
    const codes = [...new Set(analysis.flags.map((f) => f.code))];
    this.db.transaction(() => {
      prepared(
      this.db,
          `INSERT INTO analyses (tenant_id, call_id, analysis_json, flags_json, risk, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, call_id) DO UPDATE SET analysis_json = excluded.analysis_json,
             flags_json = excluded.flags_json, risk = excluded.risk, created_at = excluded.created_at`,
        )
        .run(tenantId, callId, JSON.stringify(analysis), JSON.stringify(codes), analysis.risk, now.toISOString());
      prepared(this.db, 'DELETE FROM call_flags WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      const insert = prepared(this.db, 'INSERT OR IGNORE INTO call_flags (tenant_id, flag, started_at, call_id) VALUES (?, ?, ?, ?)');
      for (const code of codes) insert.run(tenantId, code, startedAt, callId);
    })();
  }

  getAnalysis(tenantId: string, callId: string): CallAnalysis | null {
    const row = prepared(this.db, 'SELECT analysis_json FROM analyses WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
      | { analysis_json: string }
      | undefined;
    return row ? (JSON.parse(row.analysis_json) as CallAnalysis) : null;
  }

  getAnalyses(tenantId: string, callIds: readonly string[]): Map<string, CallAnalysis> {
    const result = new Map<string, CallAnalysis>();
    const ids = [...new Set(callIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const rows = prepared(this.db, `SELECT call_id, analysis_json FROM analyses WHERE tenant_id = ? AND call_id IN (${batch.map(() => '?').join(', ')})`)
        .all(tenantId, ...batch) as { call_id: string; analysis_json: string }[];
      for (const row of rows) result.set(row.call_id, JSON.parse(row.analysis_json) as CallAnalysis);
    }
    return result;
  }

  /** Flags and risk per call id, for list views. */
  screening(tenantId: string, callIds: readonly string[]): Map<string, CallScreeningRow> {
    const result = new Map<string, CallScreeningRow>();
    for (let i = 0; i < callIds.length; i += 500) {
      const batch = callIds.slice(i, i + 500);
      const rows = prepared(this.db, `SELECT call_id, flags_json, risk FROM analyses WHERE tenant_id = ? AND call_id IN (${batch.map(() => '?').join(', ')})`)
        .all(tenantId, ...batch) as { call_id: string; flags_json: string; risk: number }[];
      for (const row of rows) result.set(row.call_id, { flags: JSON.parse(row.flags_json) as string[], risk: row.risk });
    }
    return result;
  }

  getSettings(tenantId: string): AnalysisSettingsRow | null {
    const row = prepared(this.db, 'SELECT * FROM analysis_settings WHERE tenant_id = ?').get(tenantId) as
      | { settings_json: string; sealed_api_key: Buffer | null; updated_at: string; updated_by: string }
      | undefined;
    return row
      ? { settings: JSON.parse(row.settings_json) as Record<string, unknown>, sealedApiKey: row.sealed_api_key, updatedAt: row.updated_at, updatedBy: row.updated_by }
      : null;
  }

  saveSettings(tenantId: string, settings: Record<string, unknown>, sealedApiKey: Uint8Array | null, by: string, now: Date): void {
    prepared(
      this.db,
        `INSERT INTO analysis_settings (tenant_id, settings_json, sealed_api_key, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET settings_json = excluded.settings_json, sealed_api_key = excluded.sealed_api_key,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(tenantId, JSON.stringify(settings), toBlob(sealedApiKey), now.toISOString(), by);
  }

  getRedactedAudio(tenantId: string, callId: string): RedactedAudioRow | null {
    const row = prepared(this.db, 'SELECT * FROM redacted_audio WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
      | { recording_id: string; key_id: string; bytes: number; sha256: string; format: 'wav' | 'mp3'; spans: number }
      | undefined;
    return row
      ? { recordingId: row.recording_id, keyId: row.key_id, bytes: row.bytes, sha256: row.sha256, format: row.format, spans: row.spans }
      : null;
  }

  /** Records the call's redacted copy and returns the one it replaced, in one transaction. */
  saveRedactedAudio(tenantId: string, callId: string, row: RedactedAudioRow, now: Date): RedactedAudioRow | null {
    return this.db.transaction(() => {
      const previous = this.getRedactedAudio(tenantId, callId);
      prepared(
      this.db,
        `INSERT INTO redacted_audio (tenant_id, call_id, recording_id, key_id, bytes, sha256, format, spans, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET recording_id = excluded.recording_id, key_id = excluded.key_id,
           bytes = excluded.bytes, sha256 = excluded.sha256, format = excluded.format, spans = excluded.spans, created_at = excluded.created_at`,
      )
        .run(tenantId, callId, row.recordingId, row.keyId, row.bytes, row.sha256, row.format, row.spans, now.toISOString());
      return previous;
    })();
  }

  deleteRedactedAudio(tenantId: string, callId: string): void {
    prepared(this.db, 'DELETE FROM redacted_audio WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
  }

  /**
   * The transcripts of the given calls, for demand mining (the caller applies the access scope to the ids): one
   * entry per distinct id that has a transcript, in the order the ids are given.
   */
  listTranscriptsForCalls(tenantId: string, callIds: readonly string[]): { callId: string; transcript: Transcript }[] {
    const ids = [...new Set(callIds)];
    const found = new Map<string, Transcript>();
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const rows = prepared(this.db, `SELECT call_id, language, segments_json FROM transcripts WHERE tenant_id = ? AND call_id IN (${batch.map(() => '?').join(', ')})`)
        .all(tenantId, ...batch) as { call_id: string; language: Transcript['language']; segments_json: string }[];
      for (const row of rows) found.set(row.call_id, { language: row.language, segments: JSON.parse(row.segments_json) as Transcript['segments'] });
    }
    return ids.flatMap((callId) => {
      const transcript = found.get(callId);
      return transcript ? [{ callId, transcript }] : [];
    });
  }

  /** Removes the transcript, analysis, flag index rows and redacted-copy record of a call (retention deletion). */
  purge(tenantId: string, callId: string): void {
    this.db.transaction(() => {
      prepared(this.db, 'DELETE FROM redacted_audio WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM transcripts WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM analyses WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM call_flags WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
    })();
  }
}
