import type { z } from 'zod';
import { kpiQuerySchema } from '../../core/api/insights.api';
import { computeKpis, KPI_TARGETS, type CallFact, type KpiRow } from '../../core/insights/kpis';
import { countAnalysis } from '../../core/quality/analysis-summary';
import { collectCalls } from '../../core/quality/call-source';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock } from '../../core/shared/clock.port';
import { DAY_MS } from '../../core/shared/time';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { callScopeOf, conditionOf } from '../quality/quality.access';
import { callScoresIn } from '../quality/quality.loaders';
import { customerKeyOf, durationBandsOf, resolveRange } from './insights.loaders';

type Deps = {
  readonly calls: Pick<CallRepository, 'listCalls'>;
  readonly store: Pick<QualityStore, 'listEvaluations' | 'listDisputesForCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalyses' | 'getSettings'>;
  readonly clock: Clock;
};
type Input = z.output<typeof kpiQuerySchema>;

/** KPI rows of a range, grouped as asked, with the targets they are read against. */
export interface KpiReport {
  readonly groupBy: Input['groupBy'];
  readonly from: string;
  readonly to: string;
  readonly fcrWindowDays: number;
  readonly targets: typeof KPI_TARGETS;
  readonly rows: KpiRow[];
}

/**
 * GET /api/v1/kpis: recording completeness, required scripts, sensitive words, duration in band, interruptions,
 * first-contact resolution, score-CSAT correlation and average score per group. Managers get rows of their teams'
 * calls only; first-contact resolution is judged against every team's contacts within the window either side.
 */
export const reportKpis = defineUseCase({
  name: 'insights.report-kpis',
  action: 'view_kpis',
  permission: 'view_kpis',
  input: kpiQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'insights:kpis',
  async run({ deps, actor, input }: UseCaseContext<Deps, Input>): Promise<KpiReport> {
    const now = deps.clock.now();
    const range = resolveRange(input, now);
    const windowMs = input.fcrWindowDays * DAY_MS;
    // Earlier and later contacts decide first-contact resolution: read N days either side, not past now.
    const context = {
      from: new Date(Date.parse(range.from) - windowMs).toISOString(),
      to: new Date(Math.min(Date.parse(range.to) + windowMs, now.getTime() + 1)).toISOString(),
    };
    // The whole tenant is context, so a repeat call to another team still counts; only calls in scope are counted.
    const calls = (await collectCalls(deps.calls, actor.tenantId, context, { kind: 'all' })).filter((c) => c.status !== 'misdial');
    const counted =
      conditionOf(actor, 'view_kpis') === 'all'
        ? undefined
        : new Set((await collectCalls(deps.calls, actor.tenantId, range, callScopeOf(actor, 'view_kpis'))).map((c) => c.id));
    const scores = await callScoresIn(deps, actor.tenantId, context);
    const analyses = await deps.transcripts.getAnalyses(actor.tenantId, calls.map((c) => c.id));
    const facts: CallFact[] = calls.map((call) => {
      const counts = countAnalysis(analyses.get(call.id) ?? null);
      return {
        callId: call.id,
        agentId: call.agentId,
        team: call.team ?? null,
        startedAt: call.startedAt,
        durationS: call.durationS,
        inquiryType: call.inquiryType,
        tags: call.tags,
        customerKey: customerKeyOf(call),
        csat: call.csat,
        hasRecording: call.recording !== null || call.status === 'archived' || call.status === 'deleted',
        requiredScripts: counts.requiredScripts,
        sensitiveHits: counts.sensitiveHits,
        customerTurns: counts.customerTurns,
        customerTurnsInterrupted: counts.customerTurnsInterrupted,
        qaScore: scores.get(call.id) ?? null,
      };
    });
    const rows = computeKpis(facts, {
      groupBy: input.groupBy,
      from: range.from,
      to: range.to,
      fcrWindowDays: input.fcrWindowDays,
      durationBands: await durationBandsOf(deps, actor.tenantId),
      dataEnd: new Date(Math.min(Date.parse(context.to), now.getTime())).toISOString(),
      confidenceLevel: input.confidenceLevel,
      ...(counted ? { countedCallIds: counted } : {}),
    });
    return { groupBy: input.groupBy, from: range.from, to: range.to, fcrWindowDays: input.fcrWindowDays, targets: KPI_TARGETS, rows };
  },
  audited: (out) => ({ details: { groupBy: out.groupBy, groups: out.rows.length } }),
});
