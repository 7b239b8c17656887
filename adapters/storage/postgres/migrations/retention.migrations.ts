import type { PgMigration } from './pg-migration';

/**
 * Schema of retention (policies, holds, tombstones, sweeps, thaws) and transcripts with their analyses (version 6),
 * mirroring SQLite's retention (30) and analysis (60, 61) migrations; call_flags is the call repository's (2).
 * Ids and instants that are compared or sorted use the "C" collation so that order matches SQLite's byte order.
 * JSON stays text, read back exactly as written; binary values are bytea.
 */
export const RETENTION_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 6,
    name: 'retention policies, legal holds, tombstones, sweeps, thaws; transcripts, analyses, analysis settings, redacted audio',
    sql: `
      CREATE TABLE retention_policies (
        tenant_id text COLLATE "C" PRIMARY KEY,
        policy_json text NOT NULL,
        version integer NOT NULL,
        updated_by text NOT NULL,
        updated_at text NOT NULL
      );
      CREATE TABLE legal_holds (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        selector_json text NOT NULL,
        reason text NOT NULL,
        author text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        expires_at text COLLATE "C",
        released_at text,
        released_by text,
        PRIMARY KEY (tenant_id, id),
        CHECK ((released_at IS NULL) = (released_by IS NULL))
      );
      CREATE INDEX legal_holds_by_time ON legal_holds (tenant_id, created_at DESC, id DESC);
      -- The sweep reads every unreleased hold of a tenant on each run; released holds are history.
      CREATE INDEX legal_holds_open ON legal_holds (tenant_id, created_at, id) WHERE released_at IS NULL;
      CREATE TABLE retention_tombstones (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        deleted_at text NOT NULL,
        rule_id text,
        basis text NOT NULL CHECK (basis IN ('policy', 'admin')),
        actor text NOT NULL,
        audio_sha256 text,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE retention_sweeps (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done')),
        decided_at text NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        finished_at text,
        cursor_id text COLLATE "C",
        processed integer NOT NULL DEFAULT 0,
        counts_json text NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, id)
      );
      -- At most one running sweep per tenant: two processes starting one at once cannot both pass a check.
      CREATE UNIQUE INDEX retention_sweeps_one_running ON retention_sweeps (tenant_id) WHERE status = 'running';
      CREATE TABLE retention_thaws (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        thawed_at text COLLATE "C" NOT NULL,
        thawed_by text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );

      CREATE TABLE transcripts (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        language text NOT NULL,
        source text NOT NULL,
        segments_json text NOT NULL,
        created_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE analyses (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        analysis_json text NOT NULL,
        flags_json text NOT NULL DEFAULT '[]',
        risk double precision NOT NULL DEFAULT 0,
        created_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE analysis_settings (
        tenant_id text COLLATE "C" PRIMARY KEY,
        settings_json text NOT NULL,
        sealed_api_key bytea,
        updated_at text NOT NULL,
        updated_by text NOT NULL
      );
      CREATE TABLE redacted_audio (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        recording_id text NOT NULL,
        key_id text NOT NULL,
        bytes bigint NOT NULL,
        sha256 text NOT NULL,
        format text NOT NULL,
        spans integer NOT NULL,
        created_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
    `,
  },
];
