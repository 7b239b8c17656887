import type { StoredSetting, TenantSettingsStore } from '../../../core/access/tenant-settings.port';
import type { PostgresDatabase } from './postgres-database';

/** Tenant settings (key -> JSON text) on PostgreSQL, with the SQLite store's behaviour; `put` is one upsert. */
export class PostgresTenantSettings implements TenantSettingsStore {
  constructor(private readonly db: PostgresDatabase) {}

  async get(tenantId: string, key: string): Promise<StoredSetting | null> {
    const { rows } = await this.db.query<{ tenant_id: string; key: string; value_json: string; updated_by: string; updated_at: string }>(
      'SELECT * FROM tenant_settings WHERE tenant_id = $1 AND key = $2',
      [tenantId, key],
    );
    const row = rows[0];
    return row ? { tenantId: row.tenant_id, key: row.key, value: JSON.parse(row.value_json) as unknown, updatedBy: row.updated_by, updatedAt: row.updated_at } : null;
  }

  async put(setting: StoredSetting): Promise<void> {
    await this.db.query(
      `INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [setting.tenantId, setting.key, JSON.stringify(setting.value), setting.updatedBy, setting.updatedAt],
    );
  }
}
