import type Database from 'better-sqlite3';
import type { ConnectContactStore, StoredContact } from '../../../app/connect/index';

interface ContactRow {
  tenant_id: string;
  contact_id: string;
  account_id: string;
  metadata_json: string;
  recording_bucket: string | null;
  recording_key: string | null;
  contact_lens_at: string | null;
  last_updated_at: string;
  received_at: string;
}

function toStoredContact(row: ContactRow): StoredContact {
  return {
    tenantId: row.tenant_id,
    contactId: row.contact_id,
    accountId: row.account_id,
    metadata: JSON.parse(row.metadata_json) as Record<string, unknown>,
    recording: row.recording_bucket !== null && row.recording_key !== null ? { bucket: row.recording_bucket, key: row.recording_key } : null,
    contactLensAt: row.contact_lens_at,
    lastUpdatedAt: row.last_updated_at,
    receivedAt: row.received_at,
  };
}

function valuesOf(contact: StoredContact): unknown[] {
  return [
    contact.tenantId,
    contact.contactId,
    contact.accountId,
    JSON.stringify(contact.metadata),
    contact.recording?.bucket ?? null,
    contact.recording?.key ?? null,
    contact.contactLensAt,
    contact.lastUpdatedAt,
    contact.receivedAt,
  ];
}

/**
 * Contact records on the hub's SQLite database (table connect_contacts, migration 130). One statement per save,
 * so two racing deliveries of one record leave one row: the newer by LastUpdateTimestamp (a tie keeps the later write).
 */
export class SqliteConnectContacts implements ConnectContactStore {
  constructor(private readonly db: Database.Database) {}

  save(contact: StoredContact): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO connect_contacts (tenant_id, contact_id, account_id, metadata_json, recording_bucket, recording_key, contact_lens_at, last_updated_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, contact_id) DO UPDATE SET
           account_id = excluded.account_id, metadata_json = excluded.metadata_json, recording_bucket = excluded.recording_bucket,
           recording_key = excluded.recording_key, contact_lens_at = excluded.contact_lens_at, last_updated_at = excluded.last_updated_at
         WHERE excluded.last_updated_at >= connect_contacts.last_updated_at`,
      )
      .run(...valuesOf(contact));
    return result.changes > 0;
  }

  get(tenantId: string, contactId: string): StoredContact | null {
    const row = this.db.prepare('SELECT * FROM connect_contacts WHERE tenant_id = ? AND contact_id = ?').get(tenantId, contactId) as ContactRow | undefined;
    return row ? toStoredContact(row) : null;
  }
}

/** What the PostgreSQL store needs of a connection pool (pg.Pool has it). */
export interface PgQueryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** Contact records on PostgreSQL (table connect_contacts, migration 14), with the same rules as SQLite. */
export class PostgresConnectContacts implements ConnectContactStore {
  constructor(private readonly db: PgQueryable) {}

  async save(contact: StoredContact): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO connect_contacts (tenant_id, contact_id, account_id, metadata_json, recording_bucket, recording_key, contact_lens_at, last_updated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, contact_id) DO UPDATE SET
         account_id = excluded.account_id, metadata_json = excluded.metadata_json, recording_bucket = excluded.recording_bucket,
         recording_key = excluded.recording_key, contact_lens_at = excluded.contact_lens_at, last_updated_at = excluded.last_updated_at
       WHERE excluded.last_updated_at >= connect_contacts.last_updated_at`,
      valuesOf(contact),
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(tenantId: string, contactId: string): Promise<StoredContact | null> {
    const { rows } = await this.db.query<ContactRow>('SELECT * FROM connect_contacts WHERE tenant_id = $1 AND contact_id = $2', [tenantId, contactId]);
    return rows[0] ? toStoredContact(rows[0]) : null;
  }
}
