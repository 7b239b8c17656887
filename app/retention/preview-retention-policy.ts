import * as z from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { buildHoldIndex, buildPreset, compileRetentionPolicy, createRetentionPlanner, parseRetentionPolicy, type PresetOptions, type RetentionPolicy } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { validationError } from '../../core/shared/validation';
import { retentionPresetBodySchema } from '../../core/api/retention.api';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { recentThaws, retentionSubject } from './retention.archive';
import { requireTenant, type RetentionSettings } from './retention.ports';
import { DEFAULT_MEDICAL_YEARS, loadPolicyView, type RetentionPlanView } from './retention.views';

interface Deps {
  readonly store: Pick<RetentionStore, 'getPolicy' | 'unreleasedHolds' | 'thawedSince' | 'iterateCalls'>;
  readonly calls: Pick<CallRepository, 'getTenant'>;
  readonly clock: Clock;
  readonly settings: RetentionSettings;
}

/** A proposed policy and how many affected calls to list (0..1000, default 50). */
const previewInput = z.object({
  policy: z.unknown(),
  sample: z.number().int().min(0).max(1000).default(50),
});
type PreviewInput = z.infer<typeof previewInput>;

/** The plan of a proposed policy next to the plan of the policy in force, both decided at the same instant. */
export interface RetentionPreview {
  readonly proposed: RetentionPlanView;
  readonly current: RetentionPlanView;
}

/** Reads a proposed policy exactly as `PUT /api/v1/retention/policy` would (a preset with options, or rules). */
function proposedPolicy(body: unknown): { source: 'preset' | 'custom'; policy: RetentionPolicy } {
  if (body !== null && typeof body === 'object' && 'preset' in body) {
    const parsed = z.safeParse(retentionPresetBodySchema, body);
    if (!parsed.success) throw validationError('Retention preset rejected', parsed.error);
    const options: PresetOptions = {
      ...(parsed.data.preset === 'medical' ? { medicalYears: DEFAULT_MEDICAL_YEARS } : {}),
      ...(parsed.data.options as PresetOptions | undefined),
    };
    return { source: 'preset', policy: buildPreset(parsed.data.preset, options) };
  }
  return { source: 'custom', policy: parseRetentionPolicy(body) };
}

/**
 * The dry run of a policy an admin is about to save: what a sweep at the hub clock's now would do to every stored
 * call under the PROPOSED policy (same body as `PUT /api/v1/retention/policy`), beside the plan of the policy in
 * force, so the screen can say "412 calls would be deleted" before anything is saved. Saves nothing and changes no
 * call; an invalid policy is VALIDATION_FAILED naming each problem. Admins only (it is the step before a change).
 */
export const previewRetentionPolicy = defineUseCase({
  name: 'retention.preview-policy',
  action: 'preview_retention_policy',
  permission: 'change_settings',
  input: previewInput,
  invalidInput: 'Invalid retention preview',
  target: () => 'settings:retention',
  async run({ deps, actor, input }: UseCaseContext<Deps, PreviewInput>): Promise<RetentionPreview> {
    const tenantId = actor.tenantId;
    await requireTenant(deps.calls, tenantId);
    const proposed = proposedPolicy(input.policy);
    const view = await loadPolicyView(deps, tenantId);
    const now = deps.clock.now();
    const holds = buildHoldIndex(await deps.store.unreleasedHolds(tenantId), now);
    const proposedPlanner = createRetentionPlanner(compileRetentionPolicy(proposed.policy), holds, now, { sampleLimit: input.sample });
    const currentPlanner = createRetentionPlanner(compileRetentionPolicy(view.policy), holds, now, { sampleLimit: input.sample });
    const thawed = await recentThaws(deps, tenantId, now);
    for await (const call of deps.store.iterateCalls(tenantId)) {
      const subject = retentionSubject(call, thawed);
      proposedPlanner.add(subject);
      currentPlanner.add(subject);
    }
    return {
      proposed: { tenantId, policy: { name: proposed.policy.name, source: proposed.source, version: view.version + 1 }, ...proposedPlanner.result() },
      current: { tenantId, policy: { name: view.policy.name, source: view.source, version: view.version }, ...currentPlanner.result() },
    };
  },
  audited: (preview) => ({
    reason: 'preview',
    details: { total: preview.proposed.total, ...preview.proposed.counts, currentDelete: preview.current.counts.delete },
  }),
});
