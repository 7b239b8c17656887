import type { z } from 'zod';
import { setReviewersRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { SampleReviewerInput } from '../../core/sampling/sample-plan';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';

type Deps = { readonly store: Pick<QualityStore, 'setReviewers'> };

/** PUT /api/v1/sampling/reviewers: replaces the roster atomically; VALIDATION_FAILED when an id appears twice. */
export const setReviewers = defineUseCase({
  name: 'quality.set-reviewers',
  action: 'change_settings',
  permission: 'manage_reviewers',
  input: setReviewersRequestSchema,
  invalidInput: 'Invalid reviewer roster',
  target: () => 'sampling:reviewers',
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof setReviewersRequestSchema>>): Promise<{ reviewers: SampleReviewerInput[] }> {
    const ids = new Set<string>();
    for (const r of input.reviewers) {
      if (ids.has(r.id)) throw new CallsightError('VALIDATION_FAILED', 'reviewer ids must be unique; one appears twice');
      ids.add(r.id);
    }
    const reviewers = input.reviewers.map((r) => ({ id: r.id, ...(r.agentId ? { agentId: r.agentId } : {}) }));
    await deps.store.setReviewers(actor.tenantId, reviewers);
    return { reviewers };
  },
  audited: (out) => ({ details: { reviewers: out.reviewers.length } }),
});
