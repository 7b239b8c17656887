import type { StoredSetting, TenantSettingsStore } from '../../core/access/tenant-settings.port';

interface TenantEntry {
  readonly revision: number;
  readonly values: Map<string, StoredSetting | null>;
}

/**
 * Saved tenant settings kept in memory, safe with several processes on one database: every read first asks the
 * store for the tenant's revision (one indexed row) and drops what it holds when the revision moved, so a value
 * written by any process is seen by the next read everywhere. A cold or dropped entry reads the store before it
 * answers, so a saved value is never hidden behind a default; a failing store read fails the read. Holds the
 * settings of at most `maxTenants` tenants (the least recently loaded go first).
 */
export class TenantSettingsCache implements Pick<TenantSettingsStore, 'get' | 'put'> {
  private readonly tenants = new Map<string, TenantEntry>();

  constructor(
    private readonly store: Pick<TenantSettingsStore, 'get' | 'put' | 'revision'>,
    private readonly maxTenants = 1000,
  ) {}

  async get(tenantId: string, key: string): Promise<StoredSetting | null> {
    // The revision is read before the value: a value read after it is at least as new, never older.
    const revision = await this.store.revision(tenantId);
    let entry = this.tenants.get(tenantId);
    if (!entry || entry.revision !== revision) {
      entry = { revision, values: new Map() };
      this.tenants.delete(tenantId);
      this.tenants.set(tenantId, entry);
      if (this.tenants.size > this.maxTenants) this.tenants.delete(this.tenants.keys().next().value!);
    }
    if (entry.values.has(key)) return entry.values.get(key)!;
    const stored = await this.store.get(tenantId, key);
    if (this.tenants.get(tenantId) === entry) entry.values.set(key, stored);
    return stored;
  }

  async put(setting: StoredSetting): Promise<void> {
    await this.store.put(setting);
    this.tenants.delete(setting.tenantId);
  }
}
