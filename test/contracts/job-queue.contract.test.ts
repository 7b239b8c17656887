import { describe } from 'vitest';
import { SqliteCallRepository, SqliteJobQueue } from '../../adapters/storage/sqlite';
import { PostgresJobQueue } from '../../adapters/storage/postgres/postgres.job-queue';
import { PostgresCallRepository } from '../../adapters/storage/postgres/postgres.call-repository';
import { describeJobQueueContract } from './job-queue.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

describe('JobQueue contract: SQLite', () =>
  describeJobQueueContract(async () => {
    const sqlite = openTestSqlite();
    return {
      queue: new SqliteJobQueue(sqlite.db),
      calls: new SqliteCallRepository(sqlite.db),
      async reset() {
        sqlite.db.prepare('DELETE FROM jobs').run();
      },
      async close() {
        sqlite.close();
      },
    };
  }));

describe('JobQueue contract: PostgreSQL', () =>
  describeJobQueueContract(async () => {
    const pg = await openTestPostgres();
    return {
      queue: new PostgresJobQueue(pg.db),
      calls: new PostgresCallRepository(pg.db),
      async reset() {
        await pg.db.query('DELETE FROM jobs');
      },
      close: () => pg.close(),
    };
  }));
