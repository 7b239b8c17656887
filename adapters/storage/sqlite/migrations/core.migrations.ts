import type { Migration } from '../migrations';

/** Calls, tenants, agents, outbox, jobs, provider accounts, review assignments, audit trail: versions 1-9. */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tenants, agents, calls, outbox, jobs',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        default_region TEXT NOT NULL,
        industry TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE agents (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        team TEXT NOT NULL,
        seniority TEXT NOT NULL CHECK (seniority IN ('new', 'senior')),
        hired_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE calls (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        id TEXT NOT NULL,
        provider TEXT NOT NULL,
        provider_call_id TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('human', 'ivr')),
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        duration_s REAL NOT NULL,
        agent_id TEXT,
        team TEXT,
        queue TEXT,
        customer_phone TEXT,
        inquiry_type TEXT,
        tags_json TEXT NOT NULL DEFAULT '[]',
        csat INTEGER,
        crm_links_json TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL,
        rec_format TEXT,
        rec_bytes INTEGER,
        rec_sha256 TEXT,
        rec_channels INTEGER,
        rec_duration_s REAL,
        rec_key_id TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, provider, provider_call_id)
      );
      CREATE INDEX calls_by_time ON calls (tenant_id, started_at DESC, id DESC);
      CREATE INDEX calls_by_agent ON calls (tenant_id, agent_id, started_at DESC, id DESC);
      CREATE INDEX calls_by_phone ON calls (tenant_id, customer_phone, started_at DESC, id DESC);
      CREATE INDEX calls_by_team ON calls (tenant_id, team, started_at DESC, id DESC);
      CREATE TABLE call_tags (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        tag TEXT NOT NULL,
        started_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, tag, started_at, call_id)
      ) WITHOUT ROWID;
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        lease_until TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 5,
        run_at TEXT NOT NULL,
        lease_until TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_due ON jobs (status, run_at);
    `,
  },
  {
    version: 2,
    name: 'provider accounts, review assignments',
    sql: `
      CREATE TABLE provider_accounts (
        provider TEXT NOT NULL,
        account_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        sealed_secret BLOB NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        PRIMARY KEY (provider, account_id)
      );
      CREATE TABLE review_assignments (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        reviewer_id TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id, reviewer_id)
      );
      CREATE INDEX review_assignments_by_reviewer ON review_assignments (tenant_id, reviewer_id);
    `,
  },
  {
    version: 3,
    name: 'audit trail (hash chain, append-only)',
    sql: `
      CREATE TABLE audit_events (
        tenant_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT,
        role TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        reason TEXT,
        details_json TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
      CREATE INDEX audit_by_time ON audit_events (tenant_id, at);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'job de-duplication key',
    sql: `
      ALTER TABLE jobs ADD COLUMN dedupe_key TEXT;
      CREATE INDEX jobs_dedupe ON jobs (tenant_id, kind, dedupe_key, status);
    `,
  },
];
