import type { z } from 'zod';
import { segmentQuerySchema } from '../../core/api/insights.api';
import { compareSegments as compareFacts, type SegmentFact, type SegmentReport } from '../../core/insights/segments';
import { countAnalysis } from '../../core/quality/analysis-summary';
import { collectCalls } from '../../core/quality/call-source';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { callScopeOf } from '../quality/quality.access';
import { callScoresIn } from '../quality/quality.loaders';
import { resolveRange } from './insights.loaders';

type Deps = {
  readonly calls: Pick<CallRepository, 'listCalls'>;
  readonly store: Pick<QualityStore, 'listEvaluations' | 'listDisputesForCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalyses'>;
  readonly clock: Clock;
};
type Input = z.output<typeof segmentQuerySchema>;

/** The comparison over a range, with how many analysed calls it rests on out of the calls in range. */
export type SegmentView = SegmentReport & { readonly from: string; readonly to: string; readonly analysedCalls: number; readonly callsInRange: number };

/**
 * GET /api/v1/insights/segments: customer demands and flags among the reader's analysed calls with a customer tag
 * vs the rest (share, lift, Fisher or z test with false-discovery control) and the QA score difference.
 */
export const compareSegments = defineUseCase({
  name: 'insights.compare-segments',
  action: 'view_insights',
  permission: 'view_kpis',
  input: segmentQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'insights:segments',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<SegmentView> {
    const range = resolveRange(input, deps.clock.now());
    const calls = (await collectCalls(deps.calls, actor.tenantId, range, callScopeOf(actor, 'view_kpis'))).filter((c) => c.status !== 'misdial');
    const scores = await callScoresIn(deps, actor.tenantId, range);
    const analyses = await deps.transcripts.getAnalyses(actor.tenantId, calls.map((c) => c.id));
    const facts: SegmentFact[] = [];
    for (const call of calls) {
      const analysis = analyses.get(call.id);
      if (!analysis) continue;
      const counts = countAnalysis(analysis);
      facts.push({ callId: call.id, tags: call.tags, demands: counts.demands, flags: counts.flags, qaScore: scores.get(call.id) ?? null });
    }
    const report = compareFacts(facts, { tag: input.tag, alpha: input.alpha, minCalls: input.minCalls });
    return { from: range.from, to: range.to, analysedCalls: facts.length, callsInRange: calls.length, ...report };
  },
  audited: (out) => ({ details: { calls: out.analysedCalls } }),
});
