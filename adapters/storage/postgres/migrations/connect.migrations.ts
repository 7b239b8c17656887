import type { PgMigration } from './pg-migration';

/** Amazon Connect contact records (issue 19 item 1); same table as SQLite's version 130. */
export const CONNECT_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 14,
    name: 'connect contacts: contact records mapped to call metadata, with their recording and Contact Lens locations',
    sql: `
      CREATE TABLE connect_contacts (
        tenant_id text COLLATE "C" NOT NULL,
        contact_id text COLLATE "C" NOT NULL,
        account_id text NOT NULL,
        metadata_json text NOT NULL,
        recording_bucket text,
        recording_key text,
        contact_lens_at text,
        last_updated_at text COLLATE "C" NOT NULL,
        received_at text NOT NULL,
        PRIMARY KEY (tenant_id, contact_id),
        CHECK ((recording_bucket IS NULL) = (recording_key IS NULL))
      );
    `,
  },
];
