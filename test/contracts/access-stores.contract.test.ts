import { describe } from 'vitest';
import { SqliteCallRepository, SqliteCrmConnections, SqliteExports, SqliteProviderAccounts, SqliteTenantSettings } from '../../adapters/storage/sqlite';
import { PostgresCallRepository } from '../../adapters/storage/postgres/postgres.call-repository';
import { PostgresCrmConnections } from '../../adapters/storage/postgres/postgres.crm-connections';
import { PostgresExports } from '../../adapters/storage/postgres/postgres.exports';
import { PostgresProviderAccounts } from '../../adapters/storage/postgres/postgres.provider-accounts';
import { PostgresTenantSettings } from '../../adapters/storage/postgres/postgres.tenant-settings';
import { describeAccessStoresContract, type OpenAccessStores } from './access-stores.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

const openSqliteAccessStores: OpenAccessStores = async () => {
  const sqlite = openTestSqlite();
  return {
    calls: new SqliteCallRepository(sqlite.db),
    exports: new SqliteExports(sqlite.db),
    settings: new SqliteTenantSettings(sqlite.db),
    accounts: new SqliteProviderAccounts(sqlite.db),
    connections: new SqliteCrmConnections(sqlite.db),
    async close() {
      sqlite.close();
    },
  };
};

const openPostgresAccessStores: OpenAccessStores = async () => {
  const postgres = await openTestPostgres();
  return {
    calls: new PostgresCallRepository(postgres.db),
    exports: new PostgresExports(postgres.db),
    settings: new PostgresTenantSettings(postgres.db),
    accounts: new PostgresProviderAccounts(postgres.db),
    connections: new PostgresCrmConnections(postgres.db),
    close: () => postgres.close(),
  };
};

describe('Access stores contract (exports, settings, provider accounts, CRM connections): SQLite', () => describeAccessStoresContract(openSqliteAccessStores));
describe('Access stores contract (exports, settings, provider accounts, CRM connections): PostgreSQL', () => describeAccessStoresContract(openPostgresAccessStores));
