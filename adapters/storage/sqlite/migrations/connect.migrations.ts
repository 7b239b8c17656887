import type { Migration } from '../migrations';

/**
 * Versions 130-139: Amazon Connect contact records (issue 19 item 1). A contact record (CTR) delivered by Firehose
 * is kept, mapped onto call metadata, until its recording is fetched from the instance's S3 bucket by the
 * `recordings.fetch` job; a repeat delivery replaces it only when it is not older (LastUpdateTimestamp).
 */
export const CONNECT_MIGRATIONS: readonly Migration[] = [
  {
    version: 130,
    name: 'connect contacts: contact records mapped to call metadata, with their recording and Contact Lens locations',
    sql: `
      CREATE TABLE connect_contacts (
        tenant_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        metadata_json TEXT NOT NULL,
        recording_bucket TEXT,
        recording_key TEXT,
        contact_lens_at TEXT,
        last_updated_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, contact_id),
        CHECK ((recording_bucket IS NULL) = (recording_key IS NULL))
      );
    `,
  },
];
