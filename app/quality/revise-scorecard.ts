import * as z from 'zod/mini';
import { reviseScorecardRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { reviseScorecard as buildRevision, type Scorecard } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorOf } from './quality.access';
import { loadScorecard } from './quality.loaders';
import { nowIso } from './quality.ports';

type Deps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard'>; readonly clock: Clock };
const inputSchema = z.extend(reviseScorecardRequestSchema, { id: idSchema });

/** PUT /api/v1/scorecards/:id: stores the next version; past evaluations keep theirs. NOT_FOUND when the card is absent. */
export const reviseScorecard = defineUseCase({
  name: 'quality.revise-scorecard',
  action: 'revise_scorecard',
  permission: 'manage_scorecards',
  input: inputSchema,
  invalidInput: 'Invalid scorecard revision',
  target: (i) => `scorecard:${i.id}`,
  async run({ deps, actor, input: { id, ...changes } }: UseCaseContext<Deps, z.output<typeof inputSchema>>): Promise<Scorecard> {
    const current = await loadScorecard(deps, actor.tenantId, id);
    const next = buildRevision(current, changes, { by: authorOf(actor), at: nowIso(deps) });
    await deps.store.insertScorecard(actor.tenantId, next);
    return next;
  },
  audited: (card) => ({ details: { version: card.version } }),
});
