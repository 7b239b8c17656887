import { describe } from 'vitest';
import { SqliteAuditLog, SqliteCallRepository, SqliteRetentionStore } from '../../adapters/storage/sqlite';
import { PostgresAuditLog } from '../../adapters/storage/postgres/postgres.audit-log';
import { PostgresCallRepository } from '../../adapters/storage/postgres/postgres.call-repository';
import { PostgresRetentionStore } from '../../adapters/storage/postgres/postgres.retention';
import { describeRetentionStoreContract } from './retention-store.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

describe('RetentionStore contract: SQLite', () =>
  describeRetentionStoreContract(async () => {
    const sqlite = openTestSqlite();
    return {
      store: new SqliteRetentionStore(sqlite.db),
      calls: new SqliteCallRepository(sqlite.db),
      audit: new SqliteAuditLog(sqlite.db),
      awaitsCallbacks: false,
      async close() {
        sqlite.close();
      },
    };
  }));

describe('RetentionStore contract: PostgreSQL', () =>
  describeRetentionStoreContract(async () => {
    const pg = await openTestPostgres();
    return {
      store: new PostgresRetentionStore(pg.db),
      calls: new PostgresCallRepository(pg.db),
      audit: new PostgresAuditLog(pg.db),
      awaitsCallbacks: true,
      close: () => pg.close(),
    };
  }));
