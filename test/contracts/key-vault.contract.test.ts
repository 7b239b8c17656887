import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { FileKeyVault } from '../../adapters/keys/file';
import { DatabaseKeyVault } from '../../adapters/keys/database';
import { describeKeyVaultContract } from './key-vault.contract';
import { openTestPostgres, openTestSqlite } from './support/databases';

describe('key vault contract: file vault (DATA_DIR/keys)', () =>
  describeKeyVaultContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callsight-keys-'));
    return {
      open: async () => new FileKeyVault(dir),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }));

describe('key vault contract: database vault on SQLite', () =>
  describeKeyVaultContract(async () => {
    const store = openTestSqlite();
    const masterKey = randomBytes(32);
    return {
      open: () => DatabaseKeyVault.openSqlite(store.file, masterKey),
      openWithWrongMasterKey: () => DatabaseKeyVault.openSqlite(store.file, randomBytes(32)),
      close: async () => store.close(),
    };
  }));

describe('key vault contract: database vault on PostgreSQL', () =>
  describeKeyVaultContract(async () => {
    const store = await openTestPostgres();
    const masterKey = randomBytes(32);
    return {
      open: () => DatabaseKeyVault.openPostgres(store.url, masterKey),
      openWithWrongMasterKey: () => DatabaseKeyVault.openPostgres(store.url, randomBytes(32)),
      close: () => store.close(),
    };
  }));
