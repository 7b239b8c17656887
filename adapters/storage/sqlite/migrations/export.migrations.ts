import type { Migration } from '../migrations';

/**
 * Versions 20-29: two-person export approval, tenant settings of the access capability, signed audit
 * checkpoints and the audit prune anchor (issue 3).
 */
export const EXPORT_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    name: 'exports, tenant settings, audit checkpoints and prune anchors',
    sql: `
      CREATE TABLE exports (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        requested_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        filter_json TEXT,
        call_ids_json TEXT NOT NULL,
        call_count INTEGER NOT NULL,
        audio_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        decided_by TEXT,
        decided_at TEXT,
        decision_note TEXT,
        expires_at TEXT,
        downloads INTEGER NOT NULL DEFAULT 0,
        last_download_at TEXT,
        PRIMARY KEY (tenant_id, id),
        CHECK ((status = 'pending') = (decided_by IS NULL)),
        CHECK (decided_by IS NULL OR decided_by <> requested_by)
      );
      CREATE INDEX exports_by_time ON exports (tenant_id, created_at DESC, id DESC);
      CREATE TABLE tenant_settings (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE TABLE audit_checkpoints (
        tenant_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        at TEXT NOT NULL,
        count INTEGER NOT NULL,
        key_id TEXT NOT NULL,
        signature TEXT NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
      CREATE TABLE audit_anchors (
        tenant_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        pruned_count INTEGER NOT NULL,
        at TEXT NOT NULL
      );
    `,
  },
];
