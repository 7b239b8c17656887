import { CallsightError } from '../../core/shared/errors';
import { SETTING_KEY_PATTERN } from '../../core/api/settings.api';
import { allow, deny, type Decision } from '../shared/use-case';
import { SETTING_DEFINITIONS, type SettingDefinition } from './settings.definitions';

/** Audit target of a setting: `settings:<key>`, or `settings:invalid` for text that is no setting key at all. */
export function settingTarget(key: string): string {
  return `settings:${SETTING_KEY_PATTERN.test(key) ? key : 'invalid'}`;
}

/** Finds the definition of `key`, or denies with NOT_FOUND naming the known settings. */
export function findDefinition(key: string): Decision<SettingDefinition> {
  const definition = SETTING_KEY_PATTERN.test(key) ? SETTING_DEFINITIONS.get(key) : undefined;
  if (!definition) {
    return deny('unknown_setting', new CallsightError('NOT_FOUND', `No such setting; known settings: ${[...SETTING_DEFINITIONS.keys()].join(', ')}`));
  }
  return allow(definition);
}

/** Who may read and change tenant settings, in the words of the refusal. */
export const SETTINGS_FORBIDDEN = 'Only admins may read or change tenant settings';
