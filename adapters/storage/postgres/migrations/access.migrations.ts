import type { PgMigration } from './pg-migration';

/**
 * Schema of audit log, exports, tenant settings, provider accounts and CRM connections (version 4), mirroring
 * SQLite's core (2, 3), export (20) and CRM (51) migrations. Ids and instants that are compared or sorted use the
 * "C" collation so that order matches SQLite's byte order; counters and seqs are bigint (read back as numbers).
 */
export const ACCESS_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 4,
    name: 'audit trail, checkpoints and anchors, exports, tenant settings, provider accounts, CRM connections',
    sql: `
      CREATE TABLE audit_events (
        tenant_id text COLLATE "C" NOT NULL,
        seq bigint NOT NULL,
        at text COLLATE "C" NOT NULL,
        actor text COLLATE "C",
        role text,
        action text COLLATE "C" NOT NULL,
        target text COLLATE "C",
        outcome text NOT NULL,
        reason text,
        -- JSON text as written, not jsonb: the event is read back exactly as it was hashed.
        details_json text,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
      CREATE INDEX audit_by_time ON audit_events (tenant_id, at);
      -- A call's audit history is looked up by target; without this it scans the tenant's whole chain.
      CREATE INDEX audit_by_target ON audit_events (tenant_id, target, seq);
      CREATE FUNCTION callsight_refuse_audit_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION callsight_refuse_audit_update();
      CREATE TABLE audit_checkpoints (
        tenant_id text COLLATE "C" NOT NULL,
        seq bigint NOT NULL,
        hash text NOT NULL,
        at text NOT NULL,
        count bigint NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
      CREATE TABLE audit_anchors (
        tenant_id text COLLATE "C" PRIMARY KEY,
        seq bigint NOT NULL,
        hash text NOT NULL,
        pruned_count bigint NOT NULL,
        at text NOT NULL
      );
      CREATE TABLE exports (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        requested_by text COLLATE "C" NOT NULL,
        reason text NOT NULL,
        filter_json text,
        call_ids_json text NOT NULL,
        call_count integer NOT NULL,
        audio_bytes bigint NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        decided_by text COLLATE "C",
        decided_at text,
        decision_note text,
        expires_at text,
        downloads integer NOT NULL DEFAULT 0,
        last_download_at text,
        PRIMARY KEY (tenant_id, id),
        CHECK ((status = 'pending') = (decided_by IS NULL)),
        CHECK (decided_by IS NULL OR decided_by <> requested_by)
      );
      CREATE INDEX exports_by_time ON exports (tenant_id, created_at DESC, id DESC);
      CREATE TABLE tenant_settings (
        tenant_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value_json text NOT NULL,
        updated_by text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE TABLE provider_accounts (
        provider text COLLATE "C" NOT NULL,
        account_id text COLLATE "C" NOT NULL,
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants(id),
        sealed_secret bytea NOT NULL,
        settings_json text NOT NULL DEFAULT '{}',
        created_at text NOT NULL,
        PRIMARY KEY (provider, account_id)
      );
      CREATE TABLE crm_connections (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants(id),
        crm text NOT NULL CHECK (crm IN ('zendesk', 'salesforce')),
        account_id text NOT NULL,
        sealed_secret bytea NOT NULL,
        settings_json text NOT NULL DEFAULT '{}',
        created_at text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (tenant_id, crm)
      );
    `,
  },
];
