import type { ProviderAccountRow, ProviderAccountStore } from '../../../core/recordings/provider-accounts.port';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import { rowToProviderAccount, type ProviderAccountDbRow } from '../rows';
import type { PostgresDatabase } from './postgres-database';

/** Telephony and CRM accounts mapped to tenants on PostgreSQL, with the SQLite store's behaviour; secrets stay sealed (bytea). */
export class PostgresProviderAccounts implements ProviderAccountStore {
  constructor(private readonly db: PostgresDatabase) {}

  async save(row: ProviderAccountRow, now: Date): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO provider_accounts (provider, account_id, tenant_id, sealed_secret, settings_json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (provider, account_id) DO UPDATE SET tenant_id = excluded.tenant_id,
           sealed_secret = excluded.sealed_secret, settings_json = excluded.settings_json`,
        [row.provider, row.accountId, row.tenantId, row.sealedSecret, JSON.stringify(row.settings), now.toISOString()],
      );
    } catch (error) {
      if (isCallsightError(error) && (error.cause as { code?: string } | undefined)?.code === '23503') {
        throw new CallsightError('NOT_FOUND', `No tenant "${row.tenantId}": add the tenant before its provider accounts.`, { cause: error.cause });
      }
      throw error;
    }
  }

  async find(provider: string, accountId: string): Promise<ProviderAccountRow | null> {
    const { rows } = await this.db.query<ProviderAccountDbRow>('SELECT * FROM provider_accounts WHERE provider = $1 AND account_id = $2', [provider, accountId]);
    return rows[0] ? rowToProviderAccount(rows[0]) : null;
  }
}
