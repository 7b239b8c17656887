import type Database from 'better-sqlite3';
import type { StoredSetting, TenantSettingsStore } from '../../../core/access/tenant-settings.port';

export type { StoredSetting };

/** Tenant settings (key -> JSON) on SQLite; the table lives in the export migrations (versions 20-29). */
export class SqliteTenantSettings implements TenantSettingsStore {
  constructor(private readonly db: Database.Database) {}

  get(tenantId: string, key: string): StoredSetting | null {
    const row = this.db.prepare('SELECT * FROM tenant_settings WHERE tenant_id = ? AND key = ?').get(tenantId, key) as
      | { tenant_id: string; key: string; value_json: string; updated_by: string; updated_at: string }
      | undefined;
    return row ? { tenantId: row.tenant_id, key: row.key, value: JSON.parse(row.value_json) as unknown, updatedBy: row.updated_by, updatedAt: row.updated_at } : null;
  }

  put(setting: StoredSetting): void {
    this.db
      .prepare(
        `INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run(setting.tenantId, setting.key, JSON.stringify(setting.value), setting.updatedBy, setting.updatedAt);
  }
}
