import type { Migration } from '../migrations';

/** Transcripts and call analyses: versions 60-69. */
export const ANALYSIS_MIGRATIONS: readonly Migration[] = [
  {
    version: 60,
    name: 'transcripts and analyses',
    sql: `
      CREATE TABLE transcripts (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        language TEXT NOT NULL,
        source TEXT NOT NULL,
        segments_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE analyses (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        analysis_json TEXT NOT NULL,
        flags_json TEXT NOT NULL DEFAULT '[]',
        risk REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE call_flags (
        tenant_id TEXT NOT NULL,
        flag TEXT NOT NULL,
        started_at TEXT NOT NULL,
        call_id TEXT NOT NULL,
        PRIMARY KEY (tenant_id, flag, started_at, call_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 61,
    name: 'analysis settings and redacted audio copies',
    sql: `
      CREATE TABLE analysis_settings (
        tenant_id TEXT PRIMARY KEY,
        settings_json TEXT NOT NULL,
        sealed_api_key BLOB,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE redacted_audio (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        recording_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        spans INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
    `,
  },
];
