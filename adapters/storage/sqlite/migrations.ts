import type Database from 'better-sqlite3';

/** Ordered, append-only schema migrations. A migration, once released, is never edited: add a new one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
];

/**
 * Brings the database to the newest schema, one transaction per migration, recording each in
 * `schema_migrations`. Refuses to run against a database newer than this code.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `The database schema is version ${current} but this Callsight knows only up to ${newest}: run a newer release.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
  return newest;
}
