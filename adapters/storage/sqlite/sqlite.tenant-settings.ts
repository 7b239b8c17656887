import type Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import { SETTINGS_REVISION_KEY, type StoredSetting, type TenantSettingsStore } from '../../../core/access/tenant-settings.port';

export type { StoredSetting };

/**
 * Tenant settings (key -> JSON) on SQLite; the table lives in the export migrations (versions 20-29). The tenant's
 * revision is a row of the same table under SETTINGS_REVISION_KEY, raised in the transaction of every `put`.
 */
export class SqliteTenantSettings implements TenantSettingsStore {
  constructor(private readonly db: Database.Database) {}

  get(tenantId: string, key: string): StoredSetting | null {
    const row = this.db.prepare('SELECT * FROM tenant_settings WHERE tenant_id = ? AND key = ?').get(tenantId, key) as
      | { tenant_id: string; key: string; value_json: string; updated_by: string; updated_at: string }
      | undefined;
    return row ? { tenantId: row.tenant_id, key: row.key, value: JSON.parse(row.value_json) as unknown, updatedBy: row.updated_by, updatedAt: row.updated_at } : null;
  }

  put(setting: StoredSetting): void {
    if (setting.key === SETTINGS_REVISION_KEY) throw new CallsightError('VALIDATION_FAILED', `"${SETTINGS_REVISION_KEY}" is reserved for the settings revision; choose another key.`);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        )
        .run(setting.tenantId, setting.key, JSON.stringify(setting.value), setting.updatedBy, setting.updatedAt);
      this.db
        .prepare(
          `INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at) VALUES (?, ?, '1', ?, ?)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = CAST(CAST(value_json AS INTEGER) + 1 AS TEXT),
             updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        )
        .run(setting.tenantId, SETTINGS_REVISION_KEY, setting.updatedBy, setting.updatedAt);
    })();
  }

  revision(tenantId: string): number {
    const row = this.db.prepare('SELECT value_json FROM tenant_settings WHERE tenant_id = ? AND key = ?').get(tenantId, SETTINGS_REVISION_KEY) as { value_json: string } | undefined;
    return row ? Number(row.value_json) : 0;
  }
}
