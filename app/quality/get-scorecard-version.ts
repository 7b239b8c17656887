import * as z from 'zod/mini';
import { scorecardVersionParamsSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Scorecard } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { loadScorecard } from './quality.loaders';

type Deps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard'>; readonly clock: Clock };

/** GET /api/v1/scorecards/:id/versions/:version: one stored version (evaluations keep the version they were scored on). */
export const getScorecardVersion = defineUseCase({
  name: 'quality.get-scorecard-version',
  action: 'view_scorecards',
  permission: 'view_scorecards',
  input: z.strictObject(scorecardVersionParamsSchema.shape),
  target: (i) => `scorecard:${i.id}`,
  run: ({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof scorecardVersionParamsSchema>>): Promise<Scorecard> =>
    loadScorecard(deps, actor.tenantId, input.id, input.version),
  audited: (card) => ({ details: { version: card.version } }),
});
