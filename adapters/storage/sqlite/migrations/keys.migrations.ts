import type { Migration } from '../migrations';

/**
 * Versions 100-109: the database key store (KEY_STORE=database, issue 17 item 2; docs/decisions/database-key-store.md).
 * Every secret in these tables is wrapped: tenant master secrets and KEKs under the master key (MASTER_KEY_FILE or
 * CALLSIGHT_MASTER_KEY, never in the database), data keys under their generation's KEK. `key_store_meta` holds a value
 * sealed under the master key, so a wrong master key is refused at open instead of failing on the first recording.
 */
export const KEYS_MIGRATIONS: readonly Migration[] = [
  {
    version: 100,
    name: 'database key store: master-key check, tenant secrets, KEK generations, wrapped data keys',
    sql: `
      CREATE TABLE key_store_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        master_check BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE key_tenants (
        tenant_id TEXT PRIMARY KEY,
        wrapped_secret BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE key_generations (
        tenant_id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        wrapped_kek BLOB,
        state TEXT NOT NULL CHECK (state IN ('active', 'retiring', 'destroyed')),
        created_at TEXT NOT NULL,
        destroyed_at TEXT,
        PRIMARY KEY (tenant_id, generation),
        CHECK ((state = 'destroyed') = (destroyed_at IS NOT NULL)),
        CHECK (state = 'destroyed' OR generation = 0 OR wrapped_kek IS NOT NULL)
      ) WITHOUT ROWID;
      CREATE TABLE key_data_keys (
        tenant_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        generation INTEGER NOT NULL,
        wrapped BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, key_id)
      ) WITHOUT ROWID;
      CREATE INDEX key_data_keys_by_generation ON key_data_keys (tenant_id, generation);
      CREATE INDEX key_data_keys_by_age ON key_data_keys (tenant_id, created_at);
    `,
  },
  {
    version: 101,
    name: 'calls by recording key: storage GC asks which data keys calls still name',
    sql: `CREATE INDEX calls_by_key ON calls (tenant_id, rec_key_id) WHERE rec_key_id IS NOT NULL;`,
  },
];
