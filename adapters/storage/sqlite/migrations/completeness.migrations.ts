import type { Migration } from '../migrations';

/**
 * Versions 110-119: the provider's own list of calls (the ledger completeness is counted against, issue 19) and the
 * checkpoints of backfills (`callsight import --from ...`), so an interrupted backfill resumes where it stopped.
 */
export const COMPLETENESS_MIGRATIONS: readonly Migration[] = [
  {
    version: 110,
    name: 'provider call ledger: the calls each provider says happened, for the completeness check',
    sql: `
      CREATE TABLE provider_calls (
        tenant_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        provider_call_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        recorded INTEGER NOT NULL CHECK (recorded IN (0, 1)),
        source TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, provider, provider_call_id)
      );
      CREATE INDEX provider_calls_by_start ON provider_calls (tenant_id, started_at, provider, provider_call_id);
    `,
  },
  {
    version: 111,
    name: 'backfill checkpoints: where an import from a provider stopped, per tenant, source and window',
    sql: `
      CREATE TABLE backfill_checkpoints (
        tenant_id TEXT NOT NULL,
        source TEXT NOT NULL,
        window_from TEXT NOT NULL,
        window_to TEXT NOT NULL,
        cursor_json TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER,
        completed_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, source, window_from, window_to)
      );
    `,
  },
];
