import type { PgMigration } from './pg-migration';

/**
 * Schema of the job queue and the CRM outbox beyond the call repository's own columns (version 7). Both tables
 * were created by migration 1, because CallRepository.insertCall writes their rows in the call's transaction;
 * this migration only adds to them, so those inserts keep working.
 */
export const QUEUE_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 7,
    name: 'job queue: C collation, live dedupe key unique; outbox: deferrals, error codes, delivery results',
    sql: `
      -- Ids, kinds and ISO-8601 instants are compared and sorted as in SQLite (byte order), whatever the
      -- database's default collation.
      ALTER TABLE jobs
        ALTER COLUMN id TYPE text COLLATE "C",
        ALTER COLUMN tenant_id TYPE text COLLATE "C",
        ALTER COLUMN kind TYPE text COLLATE "C",
        ALTER COLUMN status TYPE text COLLATE "C",
        ALTER COLUMN run_at TYPE text COLLATE "C",
        ALTER COLUMN lease_until TYPE text COLLATE "C",
        ALTER COLUMN dedupe_key TYPE text COLLATE "C",
        ALTER COLUMN updated_at TYPE text COLLATE "C";
      -- At most one queued or running job per (tenant, kind, key): concurrent enqueues cannot both pass a
      -- check-then-insert, so the rule is a constraint (enqueue inserts ON CONFLICT DO NOTHING against it).
      DROP INDEX jobs_dedupe;
      CREATE UNIQUE INDEX jobs_dedupe_live ON jobs (tenant_id, kind, dedupe_key)
        WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
      CREATE INDEX jobs_expired_leases ON jobs (lease_until) WHERE status = 'running';
      CREATE INDEX jobs_recent ON jobs (status, updated_at DESC, id DESC);

      -- last_error (free text) stays unused: the port stores an error code only, never a message.
      ALTER TABLE outbox
        ALTER COLUMN id TYPE text COLLATE "C",
        ALTER COLUMN tenant_id TYPE text COLLATE "C",
        ALTER COLUMN kind TYPE text COLLATE "C",
        ALTER COLUMN status TYPE text COLLATE "C",
        ALTER COLUMN next_attempt_at TYPE text COLLATE "C",
        ALTER COLUMN lease_until TYPE text COLLATE "C",
        ALTER COLUMN created_at TYPE text COLLATE "C",
        ADD COLUMN deferrals integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error_code text,
        ADD COLUMN result_json text;
      CREATE INDEX outbox_claim ON outbox (status, next_attempt_at, created_at, id);
      CREATE INDEX outbox_by_tenant ON outbox (tenant_id, created_at, id);
    `,
  },
];
