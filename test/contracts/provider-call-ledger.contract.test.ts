import { afterAll } from 'vitest';
import {
  openSqliteDatabase,
  SqliteBackfillCheckpoints,
  SqliteCallRepository,
  SqliteProviderAccounts,
  SqliteProviderCallLedger,
} from '../../adapters/storage/sqlite';
import {
  PostgresBackfillCheckpoints,
  PostgresCallRepository,
  PostgresProviderAccounts,
  PostgresProviderCallLedger,
} from '../../adapters/storage/postgres';
import { SqlitePendingRecordings } from '../../adapters/storage/sqlite/sqlite.pending-recordings';
import { PostgresPendingRecordings } from '../../adapters/storage/postgres/postgres.pending-recordings';
import { openTestPostgres } from './support/databases';
import { describeProviderCallLedgerContract } from './provider-call-ledger.contract';

describeProviderCallLedgerContract('sqlite', async () => {
  const db = openSqliteDatabase(':memory:');
  return {
    ledger: new SqliteProviderCallLedger(db),
    checkpoints: new SqliteBackfillCheckpoints(db),
    calls: new SqliteCallRepository(db),
    accounts: new SqliteProviderAccounts(db),
    pending: new SqlitePendingRecordings(db),
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

describeProviderCallLedgerContract('postgres', async () => {
  const pg = await (database ??= openTestPostgres());
  await pg.db.query('TRUNCATE provider_calls, backfill_checkpoints, pending_recordings, provider_accounts, calls, call_tags, outbox, jobs, tenants CASCADE');
  return {
    ledger: new PostgresProviderCallLedger(pg.db),
    checkpoints: new PostgresBackfillCheckpoints(pg.db),
    calls: new PostgresCallRepository(pg.db),
    accounts: new PostgresProviderAccounts(pg.db),
    pending: new PostgresPendingRecordings(pg.db),
  };
});
