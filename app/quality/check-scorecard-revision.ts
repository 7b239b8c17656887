import * as z from 'zod/mini';
import { scorecardCheckRequestSchema, type ScorecardCheckBody } from '../../core/api/admin.api';
import { reviseScorecardRequestSchema } from '../../core/api/quality.api';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { reviseScorecard as buildRevision } from '../../core/quality/scorecard';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorOf } from './quality.access';
import { loadScorecard } from './quality.loaders';
import { nowIso } from './quality.ports';

type Deps = { readonly store: Pick<QualityStore, 'getScorecard' | 'insertScorecard'>; readonly clock: Clock };
const inputSchema = z.extend(scorecardCheckRequestSchema, { id: idSchema });

/** The first 20 problems are enough to fix a form; more would only repeat the same mistake row after row. */
const MAX_PROBLEMS = 20;

/**
 * POST /api/v1/admin/scorecards/:id/check: the scorecard editor's check before saving. The proposed revision goes
 * through exactly what PUT /api/v1/scorecards/:id does (the request contract, then the domain's rules: unique ids,
 * positive weights, a points scale of 1-100, automatic sources the analysis can answer, a change note), and every
 * problem comes back as the hub's own message with where it is, so the editor can show it beside the field. Stores
 * nothing. NOT_FOUND when the card is absent; only those who may revise scorecards may check a revision.
 */
export const checkScorecardRevision = defineUseCase({
  name: 'quality.check-scorecard-revision',
  action: 'check_scorecard',
  permission: 'manage_scorecards',
  input: inputSchema,
  invalidInput: 'Invalid scorecard check',
  target: (i) => `scorecard:${i.id}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof inputSchema>>): Promise<ScorecardCheckBody> {
    const current = await loadScorecard(deps, actor.tenantId, input.id);
    const nextVersion = current.version + 1;
    const parsed = z.safeParse(reviseScorecardRequestSchema, input.revision);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
      return { valid: false, nextVersion, problems };
    }
    try {
      buildRevision(current, parsed.data, { by: authorOf(actor), at: nowIso(deps) });
    } catch (error) {
      if (!(error instanceof CallsightError) || error.code !== 'VALIDATION_FAILED') throw error;
      return { valid: false, nextVersion, problems: [{ path: '', message: error.message }] };
    }
    return { valid: true, nextVersion, problems: [] };
  },
  audited: (check) => ({ reason: check.valid ? 'valid' : 'invalid', details: { nextVersion: check.nextVersion, problems: check.problems.length } }),
});
