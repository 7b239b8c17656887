import type { PgMigration } from './pg-migration';

/** Recordings reported by a telephony provider and not stored yet (issue 16 item 4); same rules as SQLite's version 70. */
export const RECORDINGS_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 9,
    name: 'pending recordings: reported by a provider, fetched with backoff until stored or missing',
    sql: `
      CREATE TABLE pending_recordings (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        provider text COLLATE "C" NOT NULL,
        provider_call_id text COLLATE "C" NOT NULL,
        recording_id text NOT NULL,
        account_id text NOT NULL,
        status text COLLATE "C" NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'stored', 'missing')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        received_at text COLLATE "C" NOT NULL,
        next_attempt_at text COLLATE "C" NOT NULL,
        deadline_at text COLLATE "C" NOT NULL,
        resolved_at text COLLATE "C",
        call_id text COLLATE "C",
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, provider, provider_call_id),
        CHECK ((status = 'stored') = (call_id IS NOT NULL)),
        CHECK ((status = 'waiting') = (resolved_at IS NULL))
      );
      CREATE INDEX pending_recordings_received ON pending_recordings (tenant_id, received_at, id);
      CREATE INDEX pending_recordings_open ON pending_recordings (tenant_id, status, deadline_at);
    `,
  },
];
