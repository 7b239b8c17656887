import type { TenantSettingsStore } from '../../core/access/tenant-settings.port';
import type { Clock } from '../../core/shared/clock.port';
import type { TenantDirectory } from '../tenants/tenants.ports';

export type { TenantDirectory };

/** Reads saved settings: the store itself or, in the hub, the store-stamped TenantSettingsCache over it. */
export type SettingsReader = Pick<TenantSettingsStore, 'get'>;
/** Reads and saves settings. */
export type SettingsWriter = Pick<TenantSettingsStore, 'get' | 'put'>;

/** The ports of the settings use-cases. */
export interface SettingsPorts {
  readonly settings: SettingsWriter;
  readonly tenants: TenantDirectory;
  readonly clock: Clock;
}
