import { rowToCrmConnection, type CrmConnectionDbRow } from '../rows';
import type Database from 'better-sqlite3';
import type { CrmName } from '../../../core/recordings/call';
import type { CrmConnectionRow, CrmConnectionStore } from '../../../core/crm/crm-connections.port';
import { CallsightError } from '../../../core/shared/errors';

export type { CrmConnectionRow };

/**
 * CRM connections on SQLite, one per tenant and CRM. Reads are synchronous so that the hook that queues a
 * call's CRM sync (run inside the call's transaction) can ask whether a tenant is connected.
 */
export class SqliteCrmConnections implements CrmConnectionStore {
  constructor(private readonly db: Database.Database) {}

  save(row: CrmConnectionRow, now: Date): void {
    const at = now.toISOString();
    try {
      this.db
        .prepare(
          `INSERT INTO crm_connections (tenant_id, crm, account_id, sealed_secret, settings_json, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, crm) DO UPDATE SET account_id = excluded.account_id, sealed_secret = excluded.sealed_secret,
             settings_json = excluded.settings_json, updated_at = excluded.updated_at`,
        )
        .run(row.tenantId, row.crm, row.accountId, row.sealedSecret, JSON.stringify(row.settings), at, at);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new CallsightError('NOT_FOUND', `No tenant "${row.tenantId}": add the tenant before connecting a CRM.`, { cause: error });
      }
      throw error;
    }
  }

  get(tenantId: string, crm: CrmName): CrmConnectionRow | null {
    const row = this.db
      .prepare('SELECT tenant_id, crm, account_id, sealed_secret, settings_json FROM crm_connections WHERE tenant_id = ? AND crm = ?')
      .get(tenantId, crm) as CrmConnectionDbRow | undefined;
    return row === undefined ? null : rowToCrmConnection(row);
  }

  has(tenantId: string, crm: CrmName): boolean {
    return this.db.prepare('SELECT 1 FROM crm_connections WHERE tenant_id = ? AND crm = ?').get(tenantId, crm) !== undefined;
  }

  /** Removes the connection; returns whether there was one. Messages already queued then dead-letter as not configured. */
  remove(tenantId: string, crm: CrmName): boolean {
    return this.db.prepare('DELETE FROM crm_connections WHERE tenant_id = ? AND crm = ?').run(tenantId, crm).changes > 0;
  }
}
