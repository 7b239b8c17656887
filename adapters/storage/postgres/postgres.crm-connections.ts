import type { CrmName } from '../../../core/recordings/call';
import type { CrmConnectionRow, CrmConnectionStore } from '../../../core/crm/crm-connections.port';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import { rowToCrmConnection, type CrmConnectionDbRow } from '../rows';
import type { PostgresDatabase } from './postgres-database';

/** CRM connections on PostgreSQL, one per tenant and CRM, with the SQLite store's behaviour; credentials stay sealed (bytea). */
export class PostgresCrmConnections implements CrmConnectionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async save(row: CrmConnectionRow, now: Date): Promise<void> {
    const at = now.toISOString();
    try {
      await this.db.query(
        `INSERT INTO crm_connections (tenant_id, crm, account_id, sealed_secret, settings_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (tenant_id, crm) DO UPDATE SET account_id = excluded.account_id, sealed_secret = excluded.sealed_secret,
           settings_json = excluded.settings_json, updated_at = excluded.updated_at`,
        [row.tenantId, row.crm, row.accountId, row.sealedSecret, JSON.stringify(row.settings), at],
      );
    } catch (error) {
      if (isCallsightError(error) && (error.cause as { code?: string } | undefined)?.code === '23503') {
        throw new CallsightError('NOT_FOUND', `No tenant "${row.tenantId}": add the tenant before connecting a CRM.`, { cause: error.cause });
      }
      throw error;
    }
  }

  async get(tenantId: string, crm: CrmName): Promise<CrmConnectionRow | null> {
    const { rows } = await this.db.query<CrmConnectionDbRow>(
      'SELECT tenant_id, crm, account_id, sealed_secret, settings_json FROM crm_connections WHERE tenant_id = $1 AND crm = $2',
      [tenantId, crm],
    );
    return rows[0] ? rowToCrmConnection(rows[0]) : null;
  }

  async has(tenantId: string, crm: CrmName): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM crm_connections WHERE tenant_id = $1 AND crm = $2', [tenantId, crm]);
    return (rowCount ?? 0) > 0;
  }

  async remove(tenantId: string, crm: CrmName): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM crm_connections WHERE tenant_id = $1 AND crm = $2', [tenantId, crm]);
    return (rowCount ?? 0) > 0;
  }
}
