import { openSqliteDatabase, SqliteCallRepository, SqliteOutboxStore } from '../../../adapters/storage/sqlite';
import { describeOutboxAdminContract, describeOutboxStoreContract, describeOutboxWithCallsContract } from './outbox-store.contract';

describeOutboxStoreContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  const store = new SqliteOutboxStore(db);
  return {
    store,
    enqueue: (message) => store.enqueue(message),
    read: (id) => store.read(id),
    close: async () => {
      db.close();
    },
  };
});

describeOutboxAdminContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    store: new SqliteOutboxStore(db),
    close: async () => {
      db.close();
    },
  };
});

describeOutboxWithCallsContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  const calls = new SqliteCallRepository(db);
  await calls.upsertTenant({ id: 't1', name: 'T1', defaultRegion: 'CN', industry: 'general', createdAt: '2026-01-01T00:00:00.000Z' });
  return {
    store: new SqliteOutboxStore(db),
    calls,
    close: async () => {
      db.close();
    },
  };
});
