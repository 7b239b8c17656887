import { join } from 'node:path';
import { FileKeyVault } from '../../adapters/keys/file';
import { DatabaseKeyVault } from '../../adapters/keys/database';
import { loadMasterKey } from '../../adapters/keys/master-key';
import type { HubKeyStore } from '../../adapters/keys/key-store';
import type { HubConfig } from '../config';
import type { HubStorage } from '../storage';

/**
 * The hub's key store (KEY_STORE): the file vault under DATA_DIR/keys (default, one machine) or the database vault in
 * the hub's own database (SQLite file or DATABASE_URL), whose every secret is wrapped under the master key from
 * MASTER_KEY_FILE or CALLSIGHT_MASTER_KEY. The database store refuses to start without a master key, saying how to
 * set one. The key is read here and handed to the store; it is never logged or kept in the configuration.
 */
export async function openKeyStore(
  config: Pick<HubConfig, 'dataDir' | 'databaseUrl' | 'keyStore' | 'masterKeyFile'>,
  storage: Pick<HubStorage, 'kind' | 'sqlite'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HubKeyStore> {
  if ((config.keyStore ?? 'file') === 'file') return new FileKeyVault(join(config.dataDir, 'keys'));
  const masterKey = loadMasterKey({
    ...(config.masterKeyFile ? { file: config.masterKeyFile } : {}),
    ...(env.CALLSIGHT_MASTER_KEY ? { value: env.CALLSIGHT_MASTER_KEY } : {}),
  });
  if (!masterKey) {
    throw new Error(
      'KEY_STORE=database needs a master key: set MASTER_KEY_FILE to a file (chmod 600) holding 32 random bytes as hex ' +
        '(openssl rand -hex 32 > master.key) or CALLSIGHT_MASTER_KEY to that value. Keep it apart from database backups. ' +
        'See docs/decisions/database-key-store.md.',
    );
  }
  try {
    if (storage.kind === 'postgres') {
      if (!config.databaseUrl) throw new Error('The PostgreSQL key store needs DATABASE_URL');
      return await DatabaseKeyVault.openPostgres(config.databaseUrl, masterKey);
    }
    if (!storage.sqlite) throw new Error('The SQLite key store needs the hub database file');
    return await DatabaseKeyVault.openSqlite(storage.sqlite.name, masterKey);
  } finally {
    masterKey.fill(0);
  }
}
