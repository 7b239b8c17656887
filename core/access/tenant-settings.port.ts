/**
 * Storage of tenant settings (key -> JSON value), implemented by adapters/storage/sqlite/sqlite.tenant-settings.ts
 * and adapters/storage/postgres/postgres.tenant-settings.ts; both pass test/contracts/access-stores.contract.ts.
 * Results may be returned directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';

export type { Awaitable };

/** One tenant setting as stored: a JSON value validated by its owner before saving. */
export interface StoredSetting {
  readonly tenantId: string;
  readonly key: string;
  readonly value: unknown;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/**
 * The key under which a store keeps a tenant's settings revision beside its settings. Setting keys start with a
 * letter (the settings API refuses anything else), so this one never names a setting; `put` refuses it.
 */
export const SETTINGS_REVISION_KEY = '#revision';

export interface TenantSettingsStore {
  /** The setting, or null when the tenant never saved it. */
  get(tenantId: string, key: string): Awaitable<StoredSetting | null>;
  /**
   * Saves the setting, replacing its value, author and time when it exists, and raises the tenant's revision in
   * the same transaction, so that a reader who sees the new revision also sees the new value.
   */
  put(setting: StoredSetting): Awaitable<void>;
  /**
   * The tenant's settings revision: 0 before its first `put`, then one more for every `put`, whichever process
   * or connection made it. Caches compare it on every use to know whether what they hold is still current.
   */
  revision(tenantId: string): Awaitable<number>;
}
