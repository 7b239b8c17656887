import type { Migration } from '../migrations';

/**
 * Versions 120-129: the PBX drop-folder watcher's ledger (issue 19 item 2, adapters/telephony/pbx): each recording
 * file's state (waiting for its CDR, claimed, ingested, done, failed), the CDR rows read, and how far each CDR file
 * has been read, so that a watcher killed at any point resumes without ingesting twice or losing a file.
 */
export const PBX_MIGRATIONS: readonly Migration[] = [
  {
    version: 120,
    name: 'PBX drop folders: recording files, CDR rows read, CDR read offsets',
    sql: `
      CREATE TABLE pbx_drop_files (
        tenant_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        name TEXT NOT NULL,
        pbx TEXT NOT NULL CHECK (pbx IN ('asterisk', 'freeswitch')),
        provider_call_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'ingested', 'done', 'failed')),
        call_id TEXT,
        reason TEXT,
        cdr_missing INTEGER NOT NULL DEFAULT 0 CHECK (cdr_missing IN (0, 1)),
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, folder, name)
      );
      CREATE TABLE pbx_cdr_rows (
        tenant_id TEXT NOT NULL,
        pbx TEXT NOT NULL CHECK (pbx IN ('asterisk', 'freeswitch')),
        unique_id TEXT NOT NULL,
        cdr_json TEXT NOT NULL,
        read_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, pbx, unique_id)
      );
      CREATE TABLE pbx_cdr_sources (
        tenant_id TEXT NOT NULL,
        source TEXT NOT NULL,
        file_id TEXT NOT NULL,
        read_offset INTEGER NOT NULL CHECK (read_offset >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, source)
      );
    `,
  },
];
