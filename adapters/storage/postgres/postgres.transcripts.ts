import type { Transcript } from '../../../core/analysis/transcript.types';
import type { CallAnalysis } from '../../../core/analysis/analyze-transcript';
import type {
  AnalysisSettingsRow,
  CallScreeningRow,
  RedactedAudioRow,
  StoredTranscript,
  TranscriptStore,
} from '../../../core/transcription/transcript-store.port';
import type { PostgresDatabase } from './postgres-database';

/** bytes is bigint, which pg returns as a string. */
interface RedactedAudioDbRow {
  recording_id: string;
  key_id: string;
  bytes: string;
  sha256: string;
  format: 'wav' | 'mp3';
  spans: number;
}

function toRedactedAudio(row: RedactedAudioDbRow): RedactedAudioRow {
  return { recordingId: row.recording_id, keyId: row.key_id, bytes: Number(row.bytes), sha256: row.sha256, format: row.format, spans: row.spans };
}

/** pg sends a Buffer as bytea; a sealed key may arrive as any Uint8Array. */
function toBytea(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Transcripts, analyses, the flag index (the call repository's call_flags), analysis settings and redacted-audio
 * records on PostgreSQL, with the behaviour of SqliteTranscriptStore (test/contracts/transcript-store.contract.ts
 * runs on both). Multi-statement writes run in `db.transaction`, so they also join a caller's transaction. Concurrent
 * analyses of one call queue on its analyses row before touching the flag index, so the index always matches the
 * stored analysis; a redacted-copy record is read and replaced under an advisory lock on its call, so each
 * replaced copy is returned exactly once.
 */
export class PostgresTranscriptStore implements TranscriptStore {
  constructor(private readonly db: PostgresDatabase) {}

  async saveTranscript(tenantId: string, callId: string, transcript: Transcript, source: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO transcripts (tenant_id, call_id, language, source, segments_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, call_id) DO UPDATE SET language = excluded.language, source = excluded.source,
         segments_json = excluded.segments_json, created_at = excluded.created_at`,
      [tenantId, callId, transcript.language, source, JSON.stringify(transcript.segments), now.toISOString()],
    );
  }

  async getTranscript(tenantId: string, callId: string): Promise<StoredTranscript | null> {
    const { rows } = await this.db.query<{ language: Transcript['language']; source: string; segments_json: string; created_at: string }>(
      'SELECT language, source, segments_json, created_at FROM transcripts WHERE tenant_id = $1 AND call_id = $2',
      [tenantId, callId],
    );
    const row = rows[0];
    return row
      ? { language: row.language, segments: JSON.parse(row.segments_json) as Transcript['segments'], source: row.source, createdAt: row.created_at }
      : null;
  }

  async saveAnalysis(tenantId: string, callId: string, startedAt: string, analysis: CallAnalysis, now: Date): Promise<void> {
    const codes = [...new Set(analysis.flags.map((f) => f.code))];
    await this.db.transaction(async () => {
      // The upsert locks the call's analyses row first: a concurrent analysis waits here, so the flag rows written
      // below always belong to the analysis that is stored last.
      await this.db.query(
        `INSERT INTO analyses (tenant_id, call_id, analysis_json, flags_json, risk, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET analysis_json = excluded.analysis_json,
           flags_json = excluded.flags_json, risk = excluded.risk, created_at = excluded.created_at`,
        [tenantId, callId, JSON.stringify(analysis), JSON.stringify(codes), analysis.risk, now.toISOString()],
      );
      await this.db.query('DELETE FROM call_flags WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      if (codes.length > 0) {
        await this.db.query(
          'INSERT INTO call_flags (tenant_id, flag, started_at, call_id) SELECT $1, f, $3, $4 FROM unnest($2::text[]) AS f ON CONFLICT DO NOTHING',
          [tenantId, codes, startedAt, callId],
        );
      }
    });
  }

  async getAnalysis(tenantId: string, callId: string): Promise<CallAnalysis | null> {
    const { rows } = await this.db.query<{ analysis_json: string }>('SELECT analysis_json FROM analyses WHERE tenant_id = $1 AND call_id = $2', [
      tenantId,
      callId,
    ]);
    return rows[0] ? (JSON.parse(rows[0].analysis_json) as CallAnalysis) : null;
  }

  async getAnalyses(tenantId: string, callIds: readonly string[]): Promise<Map<string, CallAnalysis>> {
    if (callIds.length === 0) return new Map();
    const { rows } = await this.db.query<{ call_id: string; analysis_json: string }>(
      'SELECT call_id, analysis_json FROM analyses WHERE tenant_id = $1 AND call_id = ANY($2::text[])',
      [tenantId, [...new Set(callIds)]],
    );
    return new Map(rows.map((row) => [row.call_id, JSON.parse(row.analysis_json) as CallAnalysis]));
  }

  async screening(tenantId: string, callIds: readonly string[]): Promise<Map<string, CallScreeningRow>> {
    const result = new Map<string, CallScreeningRow>();
    if (callIds.length === 0) return result;
    const { rows } = await this.db.query<{ call_id: string; flags_json: string; risk: number }>(
      'SELECT call_id, flags_json, risk FROM analyses WHERE tenant_id = $1 AND call_id = ANY($2::text[])',
      [tenantId, [...callIds]],
    );
    for (const row of rows) result.set(row.call_id, { flags: JSON.parse(row.flags_json) as string[], risk: row.risk });
    return result;
  }

  async getSettings(tenantId: string): Promise<AnalysisSettingsRow | null> {
    const { rows } = await this.db.query<{ settings_json: string; sealed_api_key: Buffer | null; updated_at: string; updated_by: string }>(
      'SELECT settings_json, sealed_api_key, updated_at, updated_by FROM analysis_settings WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row
      ? { settings: JSON.parse(row.settings_json) as Record<string, unknown>, sealedApiKey: row.sealed_api_key, updatedAt: row.updated_at, updatedBy: row.updated_by }
      : null;
  }

  async saveSettings(tenantId: string, settings: Record<string, unknown>, sealedApiKey: Uint8Array | null, by: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO analysis_settings (tenant_id, settings_json, sealed_api_key, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id) DO UPDATE SET settings_json = excluded.settings_json, sealed_api_key = excluded.sealed_api_key,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [tenantId, JSON.stringify(settings), toBytea(sealedApiKey), now.toISOString(), by],
    );
  }

  async getRedactedAudio(tenantId: string, callId: string): Promise<RedactedAudioRow | null> {
    const { rows } = await this.db.query<RedactedAudioDbRow>(
      'SELECT recording_id, key_id, bytes, sha256, format, spans FROM redacted_audio WHERE tenant_id = $1 AND call_id = $2',
      [tenantId, callId],
    );
    return rows[0] ? toRedactedAudio(rows[0]) : null;
  }

  /**
   * When there is no row yet, two saves could both read "nothing to replace" and the first copy would be
   * overwritten without being returned; an advisory lock on (tenant, call) makes the read and the write one step.
   */
  async saveRedactedAudio(tenantId: string, callId: string, row: RedactedAudioRow, now: Date): Promise<RedactedAudioRow | null> {
    return this.db.transaction(async () => {
      await this.db.query("SELECT pg_advisory_xact_lock(hashtext('callsight.redacted_audio'), hashtext($1 || '/' || $2))", [tenantId, callId]);
      const previous = await this.getRedactedAudio(tenantId, callId);
      await this.db.query(
        `INSERT INTO redacted_audio (tenant_id, call_id, recording_id, key_id, bytes, sha256, format, spans, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET recording_id = excluded.recording_id, key_id = excluded.key_id,
           bytes = excluded.bytes, sha256 = excluded.sha256, format = excluded.format, spans = excluded.spans, created_at = excluded.created_at`,
        [tenantId, callId, row.recordingId, row.keyId, row.bytes, row.sha256, row.format, row.spans, now.toISOString()],
      );
      return previous;
    });
  }

  async deleteRedactedAudio(tenantId: string, callId: string): Promise<void> {
    await this.db.query('DELETE FROM redacted_audio WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
  }

  async listTranscriptsForCalls(tenantId: string, callIds: readonly string[]): Promise<{ callId: string; transcript: Transcript }[]> {
    const ids = [...new Set(callIds)];
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<{ call_id: string; language: Transcript['language']; segments_json: string }>(
      'SELECT call_id, language, segments_json FROM transcripts WHERE tenant_id = $1 AND call_id = ANY($2::text[])',
      [tenantId, ids],
    );
    const found = new Map(rows.map((row) => [row.call_id, { language: row.language, segments: JSON.parse(row.segments_json) as Transcript['segments'] }]));
    return ids.flatMap((callId) => {
      const transcript = found.get(callId);
      return transcript ? [{ callId, transcript }] : [];
    });
  }

  async purge(tenantId: string, callId: string): Promise<void> {
    await this.db.transaction(async () => {
      for (const table of ['redacted_audio', 'transcripts', 'analyses', 'call_flags']) {
        await this.db.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND call_id = $2`, [tenantId, callId]);
      }
    });
  }
}
