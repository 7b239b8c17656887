import { afterAll } from 'vitest';
import { openSqliteDatabase, SqliteJobQueue } from '../../adapters/storage/sqlite';
import { SqlitePendingRecordings } from '../../adapters/storage/sqlite/sqlite.pending-recordings';
import { PostgresJobQueue } from '../../adapters/storage/postgres';
import { PostgresPendingRecordings } from '../../adapters/storage/postgres/postgres.pending-recordings';
import { openTestPostgres } from './support/databases';
import { describePendingRecordingsContract } from './pending-recordings.contract';

describePendingRecordingsContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    store: new SqlitePendingRecordings(db),
    jobs: new SqliteJobQueue(db),
    close: async () => {
      db.close();
    },
  };
});

// One database for the file; each contract test starts from empty tables.
let database: ReturnType<typeof openTestPostgres> | null = null;
afterAll(async () => {
  await (await database)?.close();
});

describePendingRecordingsContract('postgres', async () => {
  const pg = await (database ??= openTestPostgres());
  await pg.db.query('TRUNCATE pending_recordings, jobs');
  return { store: new PostgresPendingRecordings(pg.db), jobs: new PostgresJobQueue(pg.db) };
});
