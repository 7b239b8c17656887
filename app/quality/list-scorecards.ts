import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Scorecard } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { ensureDefaultScorecard } from './quality.loaders';
import { summarizeScorecard, type ScorecardSummary } from './quality.views';

type Deps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard' | 'listAllScorecards'>; readonly clock: Clock };

/** GET /api/v1/scorecards: the latest version of each scorecard with its number of versions; the default card exists on first use. */
export const listScorecards = defineUseCase({
  name: 'quality.list-scorecards',
  action: 'view_scorecards',
  permission: 'view_scorecards',
  target: () => 'scorecards',
  async run({ deps, actor }: UseCaseContext<Deps, undefined>): Promise<{ items: (ScorecardSummary & { versions: number })[] }> {
    await ensureDefaultScorecard(deps, actor.tenantId);
    const latest = new Map<string, Scorecard>();
    for (const card of await deps.store.listAllScorecards(actor.tenantId)) latest.set(card.id, card);
    return { items: [...latest.values()].map((card) => ({ ...summarizeScorecard(card), versions: card.version })) };
  },
});
