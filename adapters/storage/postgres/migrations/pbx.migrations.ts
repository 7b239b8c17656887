import type { PgMigration } from './pg-migration';

/** The PBX drop-folder watcher's ledger (issue 19 item 2); same rules as SQLite's version 120. */
export const PBX_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 13,
    name: 'PBX drop folders: recording files, CDR rows read, CDR read offsets',
    sql: `
      CREATE TABLE pbx_drop_files (
        tenant_id text COLLATE "C" NOT NULL,
        folder text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        pbx text NOT NULL CHECK (pbx IN ('asterisk', 'freeswitch')),
        provider_call_id text COLLATE "C" NOT NULL,
        state text NOT NULL CHECK (state IN ('waiting', 'claimed', 'ingested', 'done', 'failed')),
        call_id text COLLATE "C",
        reason text,
        cdr_missing boolean NOT NULL DEFAULT false,
        first_seen_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, folder, name)
      );
      CREATE TABLE pbx_cdr_rows (
        tenant_id text COLLATE "C" NOT NULL,
        pbx text COLLATE "C" NOT NULL CHECK (pbx IN ('asterisk', 'freeswitch')),
        unique_id text COLLATE "C" NOT NULL,
        cdr_json text NOT NULL,
        read_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, pbx, unique_id)
      );
      CREATE TABLE pbx_cdr_sources (
        tenant_id text COLLATE "C" NOT NULL,
        source text COLLATE "C" NOT NULL,
        file_id text NOT NULL,
        read_offset bigint NOT NULL CHECK (read_offset >= 0),
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, source)
      );
    `,
  },
];
