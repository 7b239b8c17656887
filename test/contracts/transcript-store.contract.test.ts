import { describe } from 'vitest';
import { SqliteCallRepository, SqliteTranscriptStore } from '../../adapters/storage/sqlite';
import { PostgresCallRepository } from '../../adapters/storage/postgres/postgres.call-repository';
import { PostgresTranscriptStore } from '../../adapters/storage/postgres/postgres.transcripts';
import { describeTranscriptStoreContract } from './transcript-store.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

describe('TranscriptStore contract: SQLite', () =>
  describeTranscriptStoreContract(async () => {
    const sqlite = openTestSqlite();
    return {
      store: new SqliteTranscriptStore(sqlite.db),
      calls: new SqliteCallRepository(sqlite.db),
      async close() {
        sqlite.close();
      },
    };
  }));

describe('TranscriptStore contract: PostgreSQL', () =>
  describeTranscriptStoreContract(async () => {
    const pg = await openTestPostgres();
    return {
      store: new PostgresTranscriptStore(pg.db),
      calls: new PostgresCallRepository(pg.db),
      close: () => pg.close(),
    };
  }));
