import { z } from 'zod';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Scorecard } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { loadScorecard } from './quality.loaders';
import { summarizeScorecard, type ScorecardSummary } from './quality.views';

type Deps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard' | 'listScorecardVersions'>; readonly clock: Clock };
const inputSchema = z.object({ id: idSchema }).strict();

/** GET /api/v1/scorecards/:id: the latest version with every version's summary; NOT_FOUND when absent. */
export const getScorecard = defineUseCase({
  name: 'quality.get-scorecard',
  action: 'view_scorecards',
  permission: 'view_scorecards',
  input: inputSchema,
  target: (i) => `scorecard:${i.id}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof inputSchema>>): Promise<Scorecard & { versions: ScorecardSummary[] }> {
    const card = await loadScorecard(deps, actor.tenantId, input.id);
    const versions = await deps.store.listScorecardVersions(actor.tenantId, input.id);
    return { ...card, versions: versions.map(summarizeScorecard) };
  },
});
