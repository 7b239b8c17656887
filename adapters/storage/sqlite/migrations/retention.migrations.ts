import type { Migration } from '../migrations';

/**
 * Versions 30-39: retention policies per tenant, legal holds, tombstones of deleted calls, sweep checkpoints
 * and the record of archived calls brought back for playback (issue 4).
 */
export const RETENTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'retention policies, legal holds, tombstones, sweeps, thaws',
    sql: `
      CREATE TABLE retention_policies (
        tenant_id TEXT PRIMARY KEY,
        policy_json TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE legal_holds (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        selector_json TEXT NOT NULL,
        reason TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        released_at TEXT,
        released_by TEXT,
        PRIMARY KEY (tenant_id, id),
        CHECK ((released_at IS NULL) = (released_by IS NULL))
      );
      CREATE INDEX legal_holds_by_time ON legal_holds (tenant_id, created_at DESC, id DESC);
      CREATE INDEX legal_holds_open ON legal_holds (tenant_id, released_at);
      CREATE TABLE retention_tombstones (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        rule_id TEXT,
        basis TEXT NOT NULL CHECK (basis IN ('policy', 'admin')),
        actor TEXT NOT NULL,
        audio_sha256 TEXT,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE TABLE retention_sweeps (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'done')),
        decided_at TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        cursor_id TEXT,
        processed INTEGER NOT NULL DEFAULT 0,
        counts_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX retention_sweeps_one_running ON retention_sweeps (tenant_id) WHERE status = 'running';
      CREATE TABLE retention_thaws (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        thawed_at TEXT NOT NULL,
        thawed_by TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
    `,
  },
];
