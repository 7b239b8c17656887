import type { PgMigration } from './pg-migration';

/** The database key store (KEY_STORE=database); same tables and rules as SQLite's versions 100 and 101. */
export const KEYS_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 11,
    name: 'database key store: master-key check, tenant secrets, KEK generations, wrapped data keys',
    sql: `
      CREATE TABLE key_store_meta (
        id integer PRIMARY KEY CHECK (id = 1),
        master_check bytea NOT NULL,
        created_at text NOT NULL
      );
      CREATE TABLE key_tenants (
        tenant_id text COLLATE "C" PRIMARY KEY,
        wrapped_secret bytea NOT NULL,
        created_at text NOT NULL
      );
      CREATE TABLE key_generations (
        tenant_id text COLLATE "C" NOT NULL,
        generation integer NOT NULL,
        wrapped_kek bytea,
        state text NOT NULL CHECK (state IN ('active', 'retiring', 'destroyed')),
        created_at text NOT NULL,
        destroyed_at text,
        PRIMARY KEY (tenant_id, generation),
        CHECK ((state = 'destroyed') = (destroyed_at IS NOT NULL)),
        CHECK (state = 'destroyed' OR generation = 0 OR wrapped_kek IS NOT NULL)
      );
      CREATE TABLE key_data_keys (
        tenant_id text COLLATE "C" NOT NULL,
        key_id text COLLATE "C" NOT NULL,
        generation integer NOT NULL,
        wrapped bytea NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, key_id)
      );
      CREATE INDEX key_data_keys_by_generation ON key_data_keys (tenant_id, generation);
      CREATE INDEX key_data_keys_by_age ON key_data_keys (tenant_id, created_at);
      -- Storage GC asks which data keys calls still name (CallRepository.usedKeyIds).
      CREATE INDEX calls_by_key ON calls (tenant_id, rec_key_id) WHERE rec_key_id IS NOT NULL;
    `,
  },
];
