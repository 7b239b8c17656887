import { z } from 'zod';
import { validationError } from '../../core/shared/validation';
import { auditIdentity } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { readSetting, type CurrentSetting, type SettingDefinition } from './settings.definitions';
import type { SettingsPorts } from './settings.ports';
import { findDefinition, SETTINGS_FORBIDDEN, settingTarget } from './settings.views';

const changeSettingInput = z.object({ key: z.string(), value: z.unknown() });
type ChangeSettingInput = z.infer<typeof changeSettingInput>;

/** The saved setting as read back, and the fields whose value changed. */
export interface SettingChange {
  readonly setting: CurrentSetting;
  readonly changed: readonly string[];
}

/**
 * Saves one tenant setting after validating it against its definition (VALIDATION_FAILED names every problem and
 * saves nothing); admins only. The audit event names the fields whose value changed, never the values.
 */
export const changeSetting = defineUseCase<SettingsPorts, ChangeSettingInput, SettingChange, SettingDefinition>({
  name: 'settings.change',
  action: 'change_settings',
  permission: 'change_settings',
  forbidden: SETTINGS_FORBIDDEN,
  input: changeSettingInput,
  target: (input) => settingTarget(input.key),
  authorize: ({ input }) => findDefinition(input.key),
  async run({ deps, actor, input, subject: definition }) {
    const parsed = z.safeParse(definition.schema, input.value);
    if (!parsed.success) throw validationError(`Invalid ${definition.key} setting`, parsed.error);
    const before = (await readSetting(deps, actor.tenantId, definition)).value;
    await deps.settings.put({
      tenantId: actor.tenantId,
      key: definition.key,
      value: parsed.data,
      updatedBy: auditIdentity(actor).actor,
      updatedAt: deps.clock.now().toISOString(),
    });
    const changed = Object.keys(parsed.data)
      .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(parsed.data[field]))
      .sort();
    return { setting: await readSetting(deps, actor.tenantId, definition), changed };
  },
  audited: (output) => ({ details: { changed: [...output.changed] } }),
});
