import * as z from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { buildPreset, parseRetentionPolicy, type PresetOptions } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { validationError } from '../../core/shared/validation';
import { retentionPresetBodySchema } from '../../core/api/retention.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { requireTenant } from './retention.ports';
import { actorId, DEFAULT_MEDICAL_YEARS, loadPolicyView, type PolicyView, type StoredPolicyValue } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'getPolicy' | 'putPolicy'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly clock: Clock;
}

/** The saved policy and the version it replaced. */
export interface PolicyChange {
  readonly view: PolicyView;
  readonly previousVersion: number;
}

/** Reads a policy body: a preset with its options (`{ preset, options? }`) or rules (`{ name, rules }`). */
function storedValue(body: unknown): StoredPolicyValue {
  if (body !== null && typeof body === 'object' && 'preset' in body) {
    const parsed = z.safeParse(retentionPresetBodySchema, body);
    if (!parsed.success) throw validationError('Retention preset rejected', parsed.error);
    const preset = parsed.data;
    const options: PresetOptions = {
      ...(preset.preset === 'medical' ? { medicalYears: DEFAULT_MEDICAL_YEARS } : {}),
      ...(preset.options as PresetOptions | undefined),
    };
    return { source: 'preset', preset: preset.preset, policy: buildPreset(preset.preset, options) };
  }
  return { source: 'custom', preset: null, policy: parseRetentionPolicy(body) };
}

/**
 * Validates and saves the tenant's policy (core/api/retention.api.ts `retentionPolicyBodySchema`); it applies to
 * every stored call from the next sweep on. VALIDATION_FAILED naming each problem, and nothing saved, when the body
 * is not a valid preset or policy; NOT_FOUND for a tenant not configured on this hub. Admins only.
 */
export const changeRetentionPolicy = defineUseCase({
  name: 'retention.change-policy',
  action: 'change_settings',
  permission: 'change_settings',
  target: () => 'settings:retention',
  async run({ deps, actor, input }: UseCaseContext<Deps, unknown>): Promise<PolicyChange> {
    await requireTenant(deps.calls, actor.tenantId);
    const value = storedValue(input);
    const previousVersion = (await deps.store.getPolicy(actor.tenantId))?.version ?? 0;
    await deps.store.putPolicy(actor.tenantId, value, actorId(actor), deps.clock.now().toISOString());
    return { view: await loadPolicyView(deps, actor.tenantId), previousVersion };
  },
  audited: ({ view, previousVersion }) => ({
    reason: 'retention_policy',
    details: { source: view.source, name: view.policy.name, rules: view.policy.rules.length, version: view.version, previousVersion },
  }),
});
