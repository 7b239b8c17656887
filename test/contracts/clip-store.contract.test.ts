import { afterAll } from 'vitest';
import { openSqliteDatabase, SqliteClipStore } from '../../adapters/storage/sqlite';
import { PostgresClipStore } from '../../adapters/storage/postgres';
import { openTestPostgres } from './support/databases';
import { describeClipStoreContract } from './clip-store.contract';

describeClipStoreContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    store: new SqliteClipStore(db),
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

describeClipStoreContract('postgres', async () => {
  const pg = await (database ??= openTestPostgres());
  await pg.db.query('TRUNCATE training_clip_pins, training_clips');
  return { store: new PostgresClipStore(pg.db) };
});
