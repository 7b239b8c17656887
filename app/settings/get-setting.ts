import { settingKeyParamsSchema } from '../../core/api/settings.api';
import { defineUseCase } from '../shared/use-case';
import { readSetting, type CurrentSetting, type SettingDefinition } from './settings.definitions';
import type { SettingsReader, TenantDirectory } from './settings.ports';
import { findDefinition, SETTINGS_FORBIDDEN, settingTarget } from './settings.views';

interface GetSettingPorts {
  readonly settings: SettingsReader;
  readonly tenants: TenantDirectory;
}

/** Reads one tenant setting (defaults overlaid with the saved value); admins only, audited as `view_settings`. */
export const getSetting = defineUseCase<GetSettingPorts, { key: string }, CurrentSetting, SettingDefinition>({
  name: 'settings.get',
  action: 'view_settings',
  permission: 'change_settings',
  forbidden: SETTINGS_FORBIDDEN,
  input: settingKeyParamsSchema,
  target: (input) => settingTarget(input.key),
  authorize: ({ input }) => findDefinition(input.key),
  run: ({ deps, actor, subject }) => readSetting(deps, actor.tenantId, subject),
});
