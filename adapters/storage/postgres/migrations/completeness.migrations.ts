import type { PgMigration } from './pg-migration';

/** The provider call ledger and backfill checkpoints (issue 19); same rules as SQLite's versions 110 and 111. */
export const COMPLETENESS_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 12,
    name: 'provider call ledger and backfill checkpoints',
    sql: `
      CREATE TABLE provider_calls (
        tenant_id text COLLATE "C" NOT NULL,
        provider text COLLATE "C" NOT NULL,
        provider_call_id text COLLATE "C" NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        recorded boolean NOT NULL,
        source text NOT NULL,
        first_seen_at text NOT NULL,
        PRIMARY KEY (tenant_id, provider, provider_call_id)
      );
      CREATE INDEX provider_calls_by_start ON provider_calls (tenant_id, started_at, provider, provider_call_id);
      CREATE TABLE backfill_checkpoints (
        tenant_id text COLLATE "C" NOT NULL,
        source text COLLATE "C" NOT NULL,
        window_from text COLLATE "C" NOT NULL,
        window_to text COLLATE "C" NOT NULL,
        cursor_json text,
        done integer NOT NULL DEFAULT 0,
        total integer,
        completed_at text,
        updated_at text NOT NULL,
        PRIMARY KEY (tenant_id, source, window_from, window_to)
      );
    `,
  },
];
