import type { QualityStore } from '../../core/quality/quality-store.port';
import type { SampleReviewerInput } from '../../core/sampling/sample-plan';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';

type Deps = { readonly store: Pick<QualityStore, 'listReviewers'> };

/** GET /api/v1/sampling/reviewers: the roster sampling assigns calls to, by reviewer id. */
export const listReviewers = defineUseCase({
  name: 'quality.list-reviewers',
  action: 'view_reviewers',
  permission: 'manage_reviewers',
  target: () => 'sampling:reviewers',
  run: async ({ deps, actor }: UseCaseContext<Deps, undefined>): Promise<{ reviewers: SampleReviewerInput[] }> => ({
    reviewers: await deps.store.listReviewers(actor.tenantId),
  }),
});
