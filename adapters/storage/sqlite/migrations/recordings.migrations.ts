import type { Migration } from '../migrations';

/** Versions 70-79: recordings reported by a telephony provider and not stored yet (issue 16 item 4). */
export const RECORDINGS_MIGRATIONS: readonly Migration[] = [
  {
    version: 70,
    name: 'pending recordings: reported by a provider, fetched with backoff until stored or missing',
    sql: `
      CREATE TABLE pending_recordings (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        provider TEXT NOT NULL,
        provider_call_id TEXT NOT NULL,
        recording_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'stored', 'missing')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        received_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        deadline_at TEXT NOT NULL,
        resolved_at TEXT,
        call_id TEXT,
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
