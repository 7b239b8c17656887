import type { StoredSetting, TenantSettingsStore } from '../../core/access/tenant-settings.port';

interface TenantEntry {
  readonly revision: number;
  /** The change counter when this entry's revision was last read (see `sequence`). */
  loadedAt: number;
  readonly values: Map<string, StoredSetting | null>;
}

/**
 * Change notices of tenant settings from every process on the database (PostgreSQL LISTEN/NOTIFY:
 * adapters/storage/postgres/postgres.notifications.ts). `live` is true only while every committed change is being
 * announced; a listener gets the tenant id of each change and `null` when notices may have been missed (the feed
 * connected, reconnected or dropped).
 */
export interface SettingsChangeFeed {
  readonly live: boolean;
  subscribe(listener: (tenantId: string | null) => void): () => void;
}

/**
 * Saved tenant settings kept in memory, safe with several processes on one database. Without a live change feed
 * every read first asks the store for the tenant's revision (one indexed row) and drops what it holds when the
 * revision moved, so a value written by any process is seen by the next read everywhere. With a live feed
 * (PostgreSQL) an entry is trusted without that read until a notice names its tenant; an entry whose load overlapped
 * a notice, or that was loaded while the feed was down, is checked against the revision as before, so a notice that
 * races a load never leaves a stale value behind. A cold or dropped entry reads the store before it answers, so a
 * saved value is never hidden behind a default; a failing store read fails the read. Holds the settings of at most
 * `maxTenants` tenants (the least recently loaded go first).
 */
export class TenantSettingsCache implements TenantSettingsStore {
  private readonly tenants = new Map<string, TenantEntry>();
  /** Counts notices and feed state changes; an entry is trusted only if nothing for its tenant came after its load. */
  private sequence = 0;
  private readonly changedAt = new Map<string, number>();
  /** The counter value when the feed last became live or was last told that notices may be missing. */
  private resetAt = 0;
  private readonly maxTenants: number;
  private readonly changes: SettingsChangeFeed | undefined;

  constructor(
    private readonly store: Pick<TenantSettingsStore, 'get' | 'put' | 'revision'>,
    options: { readonly maxTenants?: number; readonly changes?: SettingsChangeFeed } = {},
  ) {
    this.maxTenants = options.maxTenants ?? 1000;
    this.changes = options.changes;
    this.changes?.subscribe((tenantId) => {
      this.sequence++;
      if (tenantId === null) {
        this.resetAt = this.sequence;
        this.tenants.clear();
        this.changedAt.clear();
        return;
      }
      this.changedAt.set(tenantId, this.sequence);
      this.tenants.delete(tenantId);
    });
  }

  async get(tenantId: string, key: string): Promise<StoredSetting | null> {
    const entry = await this.entryFor(tenantId);
    if (entry.values.has(key)) return entry.values.get(key)!;
    const stored = await this.store.get(tenantId, key);
    // A notice (or a put here) while the value was read dropped the entry: the value may be older, so keep it out.
    if (this.tenants.get(tenantId) === entry) entry.values.set(key, stored);
    return stored;
  }

  async put(setting: StoredSetting): Promise<void> {
    await this.store.put(setting);
    this.tenants.delete(setting.tenantId);
  }

  async revision(tenantId: string): Promise<number> {
    return this.store.revision(tenantId);
  }

  private async entryFor(tenantId: string): Promise<TenantEntry> {
    const held = this.tenants.get(tenantId);
    if (held && this.trusted(tenantId, held)) return held;
    const loadedAt = this.sequence;
    // The revision is read before the value: a value read after it is at least as new, never older.
    const revision = await this.store.revision(tenantId);
    let entry = this.tenants.get(tenantId);
    if (!entry || entry.revision !== revision) {
      entry = { revision, loadedAt, values: new Map() };
      this.tenants.delete(tenantId);
      this.tenants.set(tenantId, entry);
      if (this.tenants.size > this.maxTenants) this.tenants.delete(this.tenants.keys().next().value!);
    } else {
      // Same revision read after `loadedAt`: what the entry holds is current as of then.
      entry.loadedAt = Math.max(entry.loadedAt, loadedAt);
    }
    return entry;
  }

  private trusted(tenantId: string, entry: TenantEntry): boolean {
    if (!this.changes?.live) return false;
    return entry.loadedAt >= this.resetAt && entry.loadedAt >= (this.changedAt.get(tenantId) ?? 0);
  }
}
