import type { z } from 'zod';
import { coachingProblemsQuerySchema } from '../../core/api/coaching.api';
import { extractObservations, findProblems, type CriterionObservation, type Problem } from '../../core/coaching/problems';
import { collectCalls } from '../../core/quality/call-source';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { callScopeOf } from '../quality/quality.access';
import { effectiveEvaluations } from '../quality/quality.loaders';
import { coachedAgentIds, FLAG_PREFIX } from './coaching.loaders';

type Deps = {
  readonly calls: Pick<CallRepository, 'listAgents' | 'listCalls'>;
  readonly store: Pick<QualityStore, 'listEvaluations' | 'listDisputesForCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'screening'>;
};
type Input = z.output<typeof coachingProblemsQuerySchema>;

/** Problems found over [from, to), with how many evaluations and analysed calls they rest on. */
export interface CoachingProblems {
  readonly from: string;
  readonly to: string;
  readonly evaluations: number;
  readonly analysedCalls: number;
  readonly problems: Problem[];
}

/**
 * GET /api/v1/coaching/problems: criteria and screening flags that the coach's agents fail, told apart as shared
 * (most agents below target: a process or training problem) or individual (one agent: a coaching task).
 */
export const findCoachingProblems = defineUseCase({
  name: 'coaching.find-coaching-problems',
  action: 'view_coaching',
  permission: 'coach',
  input: coachingProblemsQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'coaching:problems',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<CoachingProblems> {
    const from = new Date(input.from).toISOString();
    const to = new Date(input.to).toISOString();
    if (from >= to) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
    const agents = await coachedAgentIds(deps, actor, 'coach');
    const evaluations = await effectiveEvaluations(deps, actor.tenantId, await deps.store.listEvaluations(actor.tenantId, { from, to, ...(agents ? { agentIds: agents } : {}) }));
    const calls = (await collectCalls(deps.calls, actor.tenantId, { from, to }, callScopeOf(actor, 'coach'))).filter((c) => c.agentId !== null);
    const screening = await deps.transcripts.screening(actor.tenantId, calls.map((c) => c.id));
    const codes = new Set([...screening.values()].flatMap((s) => s.flags));
    const flagObservations: CriterionObservation[] = [];
    for (const call of calls) {
      const row = screening.get(call.id);
      if (!row) continue;
      for (const code of codes) flagObservations.push({ agentId: call.agentId!, callId: call.id, startedAt: call.startedAt, criterionId: `${FLAG_PREFIX}${code}`, pass: !row.flags.includes(code) });
    }
    const problems = findProblems([...extractObservations(evaluations), ...flagObservations], {
      ...(input.targetPassRate !== undefined ? { targetPassRate: input.targetPassRate } : {}),
      ...(input.sharedAgentShare !== undefined ? { sharedAgentShare: input.sharedAgentShare } : {}),
      ...(input.minCallsPerAgent !== undefined ? { minCallsPerAgent: input.minCallsPerAgent } : {}),
      ...(input.alpha !== undefined ? { alpha: input.alpha } : {}),
    });
    return { from, to, evaluations: evaluations.length, analysedCalls: screening.size, problems };
  },
  audited: (out) => ({ details: { problems: out.problems.length } }),
});
