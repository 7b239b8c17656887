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

export interface TenantSettingsStore {
  /** The setting, or null when the tenant never saved it. */
  get(tenantId: string, key: string): Awaitable<StoredSetting | null>;
  /** Saves the setting, replacing its value, author and time when it exists. */
  put(setting: StoredSetting): Awaitable<void>;
}
