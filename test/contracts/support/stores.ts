import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase, SqliteCallRepository } from '../../../adapters/storage/sqlite';
import { openPostgresCallRepository, type SearchWindow } from '../../../adapters/storage/postgres';
import { createJiebaTokenizer } from '../../../adapters/text/jieba';
import type { CallRepository } from '../../../core/recordings/call-repository.port';
import { createTestDatabase, dropTestDatabase } from './databases';

/** A repository under contract test plus the raw access the port does not offer (assignments, row counts). */
export interface StoreUnderTest {
  readonly name: string;
  readonly repo: CallRepository;
  assignReview(tenantId: string, callId: string, reviewerId: string): Promise<void>;
  countRows(table: 'outbox' | 'jobs' | 'call_tags'): Promise<number>;
  close(): Promise<void>;
}

export type OpenStore = () => Promise<StoreUnderTest>;

const tokenizer = createJiebaTokenizer();

/** A fresh SQLite file in a temporary folder, deleted on close. */
export const openSqliteStore: OpenStore = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsight-contract-'));
  const db = openSqliteDatabase(join(dir, 'callsight.db'));
  return {
    name: 'sqlite',
    repo: new SqliteCallRepository(db, { tokenizer }),
    async assignReview(tenantId, callId, reviewerId) {
      db.prepare('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)').run(
        tenantId,
        callId,
        reviewerId,
        '2026-01-01T00:00:00Z',
      );
    },
    async countRows(table) {
      return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    },
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export { PG_ADMIN_URL } from './databases';

/**
 * A fresh PostgreSQL database callsight_test_<random>, dropped on close. `searchWindow` shrinks the time windows
 * of keyword search so that a small fixture goes through them (the default needs 2,000 calls).
 */
export const openPostgresStore = async (options: { searchWindow?: SearchWindow } = {}): Promise<StoreUnderTest> => {
  const { name, url } = await createTestDatabase();
  const repo = await openPostgresCallRepository(url, { tokenizer, maxConnections: 4, ...options });
  return {
    name: 'postgres',
    repo,
    async assignReview(tenantId, callId, reviewerId) {
      await repo.pool.query('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES ($1, $2, $3, $4)', [
        tenantId,
        callId,
        reviewerId,
        '2026-01-01T00:00:00Z',
      ]);
    },
    async countRows(table) {
      const { rows } = await repo.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? 0;
    },
    async close() {
      await repo.close();
      await dropTestDatabase(name);
    },
  };
};
