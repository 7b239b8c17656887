import type Database from 'better-sqlite3';
import type { ProviderAccountRow, ProviderAccountStore } from '../../../core/recordings/provider-accounts.port';
import { CallsightError } from '../../../core/shared/errors';
import { rowToProviderAccount, type ProviderAccountDbRow } from '../rows';

export type { ProviderAccountRow };

/** Telephony and CRM accounts (Twilio account SID, Zendesk subdomain) mapped to tenants; secrets stay sealed. */
export class SqliteProviderAccounts implements ProviderAccountStore {
  constructor(private readonly db: Database.Database) {}

  save(row: ProviderAccountRow, now: Date): void {
    try {
      this.db
        .prepare(
          `INSERT INTO provider_accounts (provider, account_id, tenant_id, sealed_secret, settings_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (provider, account_id) DO UPDATE SET tenant_id = excluded.tenant_id,
             sealed_secret = excluded.sealed_secret, settings_json = excluded.settings_json`,
        )
        .run(row.provider, row.accountId, row.tenantId, row.sealedSecret, JSON.stringify(row.settings), now.toISOString());
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new CallsightError('NOT_FOUND', `No tenant "${row.tenantId}": add the tenant before its provider accounts.`, { cause: error });
      }
      throw error;
    }
  }

  find(provider: string, accountId: string): ProviderAccountRow | null {
    const row = this.db.prepare('SELECT * FROM provider_accounts WHERE provider = ? AND account_id = ?').get(provider, accountId) as
      | ProviderAccountDbRow
      | undefined;
    return row ? rowToProviderAccount(row) : null;
  }
}
