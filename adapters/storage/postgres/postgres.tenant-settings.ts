import { CallsightError } from '../../../core/shared/errors';
import { SETTINGS_REVISION_KEY, type StoredSetting, type TenantSettingsStore } from '../../../core/access/tenant-settings.port';
import type { PostgresDatabase } from './postgres-database';
import { SETTINGS_CHANNEL } from './postgres.notifications';

/**
 * Tenant settings (key -> JSON text) on PostgreSQL, with the SQLite store's behaviour. `put` is one statement that
 * upserts the setting and raises the tenant's revision row (SETTINGS_REVISION_KEY), so both commit together;
 * concurrent puts each raise it once (the conflicting upsert waits for the other's row lock). The same transaction
 * announces the change on SETTINGS_CHANNEL (pg_notify, delivered only on commit), so every process's settings
 * cache drops the tenant at once (PostgresSettingsNotifications); the revision stays the fallback.
 */
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
    if (setting.key === SETTINGS_REVISION_KEY) throw new CallsightError('VALIDATION_FAILED', `"${SETTINGS_REVISION_KEY}" is reserved for the settings revision; choose another key.`);
    await this.db.transaction(async () => {
      await this.upsert(setting);
      await this.db.query('SELECT pg_notify($1, $2)', [SETTINGS_CHANNEL, setting.tenantId]);
    });
  }

  private async upsert(setting: StoredSetting): Promise<void> {
    await this.db.query(
      `WITH saved AS (
         INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at
         RETURNING tenant_id
       )
       INSERT INTO tenant_settings (tenant_id, key, value_json, updated_by, updated_at)
       SELECT tenant_id, $6, '1', $4, $5 FROM saved
       ON CONFLICT (tenant_id, key) DO UPDATE SET value_json = ((tenant_settings.value_json)::bigint + 1)::text,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [setting.tenantId, setting.key, JSON.stringify(setting.value), setting.updatedBy, setting.updatedAt, SETTINGS_REVISION_KEY],
    );
  }

  async revision(tenantId: string): Promise<number> {
    const { rows } = await this.db.query<{ value_json: string }>('SELECT value_json FROM tenant_settings WHERE tenant_id = $1 AND key = $2', [tenantId, SETTINGS_REVISION_KEY]);
    return rows[0] ? Number(rows[0].value_json) : 0;
  }
}
