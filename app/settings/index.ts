import { bindUseCases } from '../shared/use-case';
import type { AuditDeps, PortsOf } from '../shared/use-case';
import { changeSetting } from './change-setting';
import { getSetting } from './get-setting';

/** The settings capability's use-cases: the generic tenant settings API. */
export const settingsUseCases = { get: getSetting, change: changeSetting };
export type SettingsUseCasePorts = PortsOf<typeof settingsUseCases>;

/** Binds the settings use-cases to their ports (pass a TenantSettingsCache as `settings` to share reads). */
export function createSettingsUseCases(ports: SettingsUseCasePorts & AuditDeps) {
  return bindUseCases(settingsUseCases, ports);
}
export type SettingsUseCases = ReturnType<typeof createSettingsUseCases>;

export { getSetting, changeSetting };
export type { SettingChange } from './change-setting';
export { TenantSettingsCache } from './settings.cache';
export {
  AUDIT_RETENTION_SETTING,
  EXPORTS_SETTING,
  SETTING_DEFINITIONS,
  auditRetention,
  exportLimits,
  readSetting,
  type CurrentSetting,
  type ExportLimits,
  type SettingDefinition,
} from './settings.definitions';
export { type SettingsPorts, type SettingsReader, type SettingsWriter, type TenantDirectory } from './settings.ports';
export { listConnections, type ListConnectionsDeps } from './list-connections';
export { testConnection, type TestConnectionDeps } from './test-connection';
export type { ConnectionProbe, ConnectionProbeResult, ConnectionProbes } from './connection.ports';
