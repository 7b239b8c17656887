export { DatabaseKeyVault } from './database-key-vault';
export { PostgresKeyDb, SqliteKeyDb, type KeyDb } from './key-db';
