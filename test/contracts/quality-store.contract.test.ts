import { describe } from 'vitest';
import { SqliteQualityStore } from '../../adapters/storage/sqlite';
import { PostgresQualityStore } from '../../adapters/storage/postgres/postgres.quality';
import { describeQualityStoreContract } from './quality-store.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

describe('QualityStore contract: SQLite', () =>
  describeQualityStoreContract(async () => {
    const sqlite = openTestSqlite();
    return {
      store: new SqliteQualityStore(sqlite.db),
      async countRows(table, tenantId) {
        return (sqlite.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`).get(tenantId) as { n: number }).n;
      },
      async close() {
        sqlite.close();
      },
    };
  }));

describe('QualityStore contract: PostgreSQL', () =>
  describeQualityStoreContract(async () => {
    const pg = await openTestPostgres();
    return {
      store: new PostgresQualityStore(pg.db),
      async countRows(table, tenantId) {
        const { rows } = await pg.db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
        return rows[0]?.n ?? 0;
      },
      transaction: (work) => pg.db.transaction(work),
      close: () => pg.close(),
    };
  }));
