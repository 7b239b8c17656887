import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteDatabase } from '../../../adapters/storage/sqlite';
import { openPostgresDatabase, type PostgresDatabase } from '../../../adapters/storage/postgres/postgres-database';

/** The server the PostgreSQL suites use; CI starts it. Unreachable means the suites fail, never skip. */
export const PG_ADMIN_URL = process.env.CALLSIGHT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh SQLite file (all migrations applied) in a temporary folder; `close()` deletes it. */
export function openTestSqlite(): { readonly db: Database.Database; readonly file: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'callsight-store-'));
  const file = join(dir, 'callsight.db');
  const db = openSqliteDatabase(file);
  return {
    db,
    file,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh PostgreSQL database callsight_test_<random> with every migration applied; `close()` drops it.
 * The server is the one CI starts (127.0.0.1:5432): unreachable means the suites fail, never skip.
 */
export async function openTestPostgres(): Promise<{ readonly db: PostgresDatabase; readonly url: string; close(): Promise<void> }> {
  const { name, url } = await createTestDatabase();
  const db = await openPostgresDatabase(url, { maxConnections: 4 });
  return {
    db,
    url,
    async close() {
      await db.close();
      await dropTestDatabase(name);
    },
  };
}

/** An empty database callsight_test_<random> on the test server, and its URL. */
export async function createTestDatabase(): Promise<{ readonly name: string; readonly url: string }> {
  const name = `callsight_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropTestDatabase(name: string): Promise<void> {
  const dropper = new pg.Client({ connectionString: PG_ADMIN_URL });
  await dropper.connect();
  try {
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await dropper.end();
  }
}
