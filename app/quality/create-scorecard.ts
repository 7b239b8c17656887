import type { z } from 'zod';
import { createScorecardRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { createScorecard as buildScorecard, type Scorecard } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorOf } from './quality.access';
import { nowIso } from './quality.ports';

type Deps = { readonly store: Pick<QualityStore, 'listScorecardVersions' | 'insertScorecard'>; readonly clock: Clock };
type Input = z.output<typeof createScorecardRequestSchema>;

/** POST /api/v1/scorecards: version 1 of a new scorecard; CONFLICT when the id exists (a revision makes a new version). */
export const createScorecard = defineUseCase({
  name: 'quality.create-scorecard',
  action: 'create_scorecard',
  permission: 'manage_scorecards',
  input: createScorecardRequestSchema,
  invalidInput: 'Invalid scorecard',
  target: (input) => `scorecard:${input.id}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<Scorecard> {
    const card = buildScorecard(input, { by: authorOf(actor), at: nowIso(deps) });
    if ((await deps.store.listScorecardVersions(actor.tenantId, card.id)).length > 0) {
      throw new CallsightError('CONFLICT', `scorecard "${card.id}" exists; PUT /api/v1/scorecards/${card.id} makes a new version`);
    }
    await deps.store.insertScorecard(actor.tenantId, card);
    return card;
  },
  audited: (card) => ({ target: `scorecard:${card.id}`, details: { version: card.version } }),
});
