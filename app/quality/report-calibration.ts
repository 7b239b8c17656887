import type { z } from 'zod';
import { calibrationQuerySchema } from '../../core/api/quality.api';
import { computeCalibration, type CalibrationReport } from '../../core/quality/calibration';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { agentIdsOf, conditionOf } from './quality.access';
import { loadScorecard } from './quality.loaders';

type Deps = {
  readonly store: Pick<QualityStore, 'listEvaluations' | 'getScorecard' | 'insertScorecard'>;
  readonly calls: Pick<CallRepository, 'listAgents'>;
  readonly clock: Clock;
};
type Input = z.output<typeof calibrationQuerySchema>;

/**
 * GET /api/v1/calibration: reviewer agreement (Krippendorff's alpha) and drift over the evaluations of calls
 * started in [from, to) that the reader reaches, one report per scorecard version (the most used first).
 */
export const reportCalibration = defineUseCase({
  name: 'quality.report-calibration',
  action: 'calibrate',
  permission: 'calibrate',
  input: calibrationQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'calibration',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<{ from: string; to: string; reports: CalibrationReport[] }> {
    if (Date.parse(input.from) >= Date.parse(input.to)) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
    const agentIds = conditionOf(actor, 'calibrate') === 'all' ? null : agentIdsOf(actor, 'calibrate', await deps.calls.listAgents(actor.tenantId));
    const evaluations = await deps.store.listEvaluations(actor.tenantId, {
      from: new Date(input.from).toISOString(),
      to: new Date(input.to).toISOString(),
      ...(agentIds ? { agentIds } : {}),
    });
    const versions = new Map<string, { scorecardId: string; version: number; n: number }>();
    for (const e of evaluations) {
      if (input.scorecardId !== undefined && e.scorecard.scorecardId !== input.scorecardId) continue;
      if (input.version !== undefined && e.scorecard.version !== input.version) continue;
      const key = `${e.scorecard.scorecardId}\u0000${e.scorecard.version}`;
      const entry = versions.get(key) ?? { ...e.scorecard, n: 0 };
      entry.n += 1;
      versions.set(key, entry);
    }
    const reports: CalibrationReport[] = [];
    for (const v of [...versions.values()].sort((a, b) => b.n - a.n || (a.scorecardId < b.scorecardId ? -1 : 1) || a.version - b.version)) {
      const card = await loadScorecard(deps, actor.tenantId, v.scorecardId, v.version);
      reports.push(computeCalibration(card, evaluations, { pointsLevel: input.pointsLevel }));
    }
    return { from: input.from, to: input.to, reports };
  },
  audited: (out) => ({ details: { reports: out.reports.length, evaluationsUsed: out.reports.reduce((n, r) => n + r.evaluationsUsed, 0) } }),
});
