import type { Migration } from '../migrations';

/**
 * CRM sync, versions 50-59. The outbox table itself was created by core migration 1 (CallRepository.insertCall
 * writes its rows in the call's transaction); these migrations add what the OutboxStore port needs
 * (docs/decisions/crm-outbox-and-zendesk-sync.md) instead of moving the rows to a second table, so that
 * every message written with a call is the one the drain delivers. The legacy `last_error` column is left
 * unused: it could hold free text, and the port stores a code only.
 */
export const CRM_MIGRATIONS: readonly Migration[] = [
  {
    version: 50,
    name: 'outbox: rate-limit deferrals, error codes, delivery results',
    sql: `
      ALTER TABLE outbox ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox ADD COLUMN last_error_code TEXT;
      ALTER TABLE outbox ADD COLUMN result_json TEXT;
      CREATE INDEX outbox_claim ON outbox (status, next_attempt_at, created_at, id);
    `,
  },
  {
    version: 51,
    name: 'CRM connections per tenant (credentials sealed)',
    sql: `
      CREATE TABLE crm_connections (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        crm TEXT NOT NULL CHECK (crm IN ('zendesk', 'salesforce')),
        account_id TEXT NOT NULL,
        sealed_secret BLOB NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, crm)
      );
    `,
  },
];
