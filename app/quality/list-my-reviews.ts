import { z } from 'zod';
import type { MyReviews } from '../../core/api/quality.api';
import { selectEffectiveEvaluations } from '../../core/quality/call-score';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Clock } from '../../core/shared/clock.port';
import { maskOf } from '../calls/calls.access';
import { agentNamesOf, toCallView } from '../calls/calls.views';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { callScopeOf } from './quality.access';

type Deps = {
  readonly calls: Pick<CallRepository, 'getCall' | 'listAgents'>;
  readonly store: Pick<QualityStore, 'getPlan' | 'listEvaluationsForCall' | 'listDisputesForCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'screening'>;
  readonly clock: Clock;
};

const inputSchema = z
  .object({
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();
type Input = z.output<typeof inputSchema>;

/** Reads run this many calls at a time: enough to overlap the store's round trips, few enough to leave it room. */
const CONCURRENCY = 8;

/**
 * GET /api/v1/reviews/mine ("my reviews this month"): the reader's own assignments in the month's sampling plan, each
 * with the call as the reader may see it (phone masked for masked roles), whether the reader has scored it, their
 * effective score and the disputes on their evaluations, in one answer: calls still to review first, the riskiest
 * first, then the oldest. An assignment whose call is gone (deleted since the plan) is left out. Before the month is
 * planned the list is empty with `planned: false`. Only roles that take part in sampling (view_sample) may ask.
 */
export const listMyReviews = defineUseCase({
  name: 'quality.list-my-reviews',
  action: 'view_sample',
  permission: 'view_sample',
  input: inputSchema,
  invalidInput: 'Invalid query',
  target: (input) => `reviews:${input.period ?? 'current'}`,
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<MyReviews> {
    const reviewerId = 'userId' in actor ? actor.userId : actor.id;
    const period = input.period ?? deps.clock.now().toISOString().slice(0, 7);
    const stored = await deps.store.getPlan(actor.tenantId, period);
    if (stored === null) return { period, reviewerId, planned: false, total: 0, items: [] };
    const assigned = stored.plan.items.filter((item) => item.reviewerIds.includes(reviewerId));
    const scope = callScopeOf(actor, 'view_evaluations');
    const names = agentNamesOf(await deps.calls.listAgents(actor.tenantId));
    const mask = maskOf(actor);
    const loaded = await mapLimited(assigned, CONCURRENCY, async (item) => {
      const [call, evaluations] = await Promise.all([
        deps.calls.getCall(actor.tenantId, item.callId, scope),
        deps.store.listEvaluationsForCall(actor.tenantId, item.callId),
      ]);
      return call === null ? null : { item, call, evaluations };
    });
    const present = loaded.filter((entry): entry is NonNullable<typeof entry> => entry !== null);
    const callIds = present.map((entry) => entry.call.id);
    const [disputes, screening] = await Promise.all([
      deps.store.listDisputesForCalls(actor.tenantId, callIds),
      deps.transcripts.screening(actor.tenantId, callIds),
    ]);
    const items = present.map(({ item, call, evaluations }) => {
      const mine = evaluations.filter((evaluation) => evaluation.reviewerId === reviewerId);
      const callDisputes = disputes.filter((dispute) => dispute.callId === call.id);
      const effective = selectEffectiveEvaluations(mine, callDisputes);
      const latest = effective.at(-1) ?? mine.at(-1) ?? null;
      const mineIds = new Set(mine.map((evaluation) => evaluation.id));
      return {
        call: toCallView(call, mask, names, screening.get(call.id)),
        stratum: item.stratum,
        riskScore: item.riskScore,
        doubleScored: item.doubleScored,
        blind: item.blind,
        done: mine.length > 0,
        evaluationId: latest?.id ?? null,
        score: latest?.score.total ?? null,
        disputes: callDisputes
          .filter((dispute) => mineIds.has(dispute.evaluationId))
          .map((dispute) => ({ id: dispute.id, evaluationId: dispute.evaluationId, status: dispute.status, outcome: dispute.outcome })),
      };
    });
    items.sort((a, b) => Number(a.done) - Number(b.done) || b.riskScore - a.riskScore || a.call.startedAt.localeCompare(b.call.startedAt));
    return { period, reviewerId, planned: true, total: items.length, items: items.slice(0, input.limit) };
  },
  audited: (out) => ({ details: { returned: out.items.length, total: out.total } }),
});

/** `fn` over `items` with at most `limit` running at once, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
