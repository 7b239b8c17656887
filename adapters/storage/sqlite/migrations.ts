import type Database from 'better-sqlite3';
import { CORE_MIGRATIONS } from './migrations/core.migrations';
import { SEARCH_MIGRATIONS } from './migrations/search.migrations';
import { EXPORT_MIGRATIONS } from './migrations/export.migrations';
import { RETENTION_MIGRATIONS } from './migrations/retention.migrations';
import { QUALITY_MIGRATIONS } from './migrations/quality.migrations';
import { CRM_MIGRATIONS } from './migrations/crm.migrations';
import { ANALYSIS_MIGRATIONS } from './migrations/analysis.migrations';
import { RECORDINGS_MIGRATIONS } from './migrations/recordings.migrations';
import { TRAINING_MIGRATIONS } from './migrations/training.migrations';
import { KEYS_MIGRATIONS } from './migrations/keys.migrations';
import { PBX_MIGRATIONS } from './migrations/pbx.migrations';
import { COMPLETENESS_MIGRATIONS } from './migrations/completeness.migrations';
import { CONNECT_MIGRATIONS } from './migrations/connect.migrations';

/**
 * Append-only schema migrations. A migration, once released, is never edited: add a new one. Each capability
 * keeps its migrations in its own file under migrations/ within its reserved version range, so that
 * capabilities evolve their tables independently:
 *   1-9 core (calls, outbox, jobs, audit) · 10-19 search · 20-29 exports · 30-39 retention · 40-49 quality
 *   50-59 CRM sync · 60-69 transcripts and analysis · 70-79 pending recordings · 90-99 training clips · 100-109 database key store
 *   110-119 provider call ledger and backfill checkpoints · 130-139 Amazon Connect contact records.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  ...CORE_MIGRATIONS,
  ...SEARCH_MIGRATIONS,
  ...EXPORT_MIGRATIONS,
  ...RETENTION_MIGRATIONS,
  ...QUALITY_MIGRATIONS,
  ...CRM_MIGRATIONS,
  ...ANALYSIS_MIGRATIONS,
  ...RECORDINGS_MIGRATIONS,
  ...TRAINING_MIGRATIONS,
  ...PBX_MIGRATIONS,
  ...COMPLETENESS_MIGRATIONS,
  ...CONNECT_MIGRATIONS,
  ...KEYS_MIGRATIONS,
];

/**
 * Brings the database to the newest schema, one transaction per migration, recording each in
 * `schema_migrations`. Refuses to run against a database newer than this code.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(
      `The database has schema migrations ${unknown.join(', ')} that this Callsight does not know: run a newer release.`,
    );
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
  return ordered.at(-1)?.version ?? 0;
}
