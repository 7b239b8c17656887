import type Database from 'better-sqlite3';

export interface ProviderAccountRow {
  readonly provider: string;
  readonly accountId: string;
  readonly tenantId: string;
  readonly sealedSecret: Buffer;
  readonly settings: Record<string, unknown>;
}

/** Telephony and CRM accounts (Twilio account SID, Zendesk subdomain) mapped to tenants; secrets stay sealed. */
export class SqliteProviderAccounts {
  constructor(private readonly db: Database.Database) {}

  save(row: ProviderAccountRow, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO provider_accounts (provider, account_id, tenant_id, sealed_secret, settings_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (provider, account_id) DO UPDATE SET tenant_id = excluded.tenant_id,
           sealed_secret = excluded.sealed_secret, settings_json = excluded.settings_json`,
      )
      .run(row.provider, row.accountId, row.tenantId, row.sealedSecret, JSON.stringify(row.settings), now.toISOString());
  }

  find(provider: string, accountId: string): ProviderAccountRow | null {
    const row = this.db
      .prepare('SELECT * FROM provider_accounts WHERE provider = ? AND account_id = ?')
      .get(provider, accountId) as
      | { provider: string; account_id: string; tenant_id: string; sealed_secret: Buffer; settings_json: string }
      | undefined;
    return row
      ? {
          provider: row.provider,
          accountId: row.account_id,
          tenantId: row.tenant_id,
          sealedSecret: row.sealed_secret,
          settings: JSON.parse(row.settings_json) as Record<string, unknown>,
        }
      : null;
  }
}
