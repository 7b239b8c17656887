import { mineDemands } from '../../core/analysis/demands/demands';
import { mineDemandPhrases } from '../../core/analysis/demands/demand.miner';
import type { Tokenizer } from '../../core/search/tokenizer.port';
import { demandsQuerySchema, type DemandInsightsResponse, type DemandsQuery } from '../../core/api/analysis.api';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { scopeOf } from './analysis.access';
import type { AnalysisConfigSource } from './analysis.settings';

/** The ports of getDemandInsights. */
export interface GetDemandInsightsDeps {
  readonly calls: Pick<CallRepository, 'listCalls'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalyses' | 'listTranscriptsForCalls'>;
  readonly analysisConfigs: AnalysisConfigSource;
  /**
   * Word tokenizer of the demand miner (jieba in the hub, bin/wiring/analysis.wiring.ts); without it Chinese is
   * cut into two-character pieces, which finds the same demands with poorer labels.
   */
  readonly demandTokenizer?: Tokenizer;
}

/** Most calls one insights request mines; beyond it the answer says `truncated`. */
export const MAX_DEMAND_CALLS = 20_000;
const PAGE = 200;

/**
 * Counts the tenant's demand categories and mines customer demands over the calls the reader may list (the scope
 * is part of the query): `demands` are content-word phrases with paraphrases merged, each with its label, call
 * count and example clauses; `emerging` are those rising week over week (by the calls' start times); `phrases`
 * are the older n-gram phrases, kept for existing readers. The redacted text is mined, so spoken card or phone
 * digits never become a demand or an example.
 */
export const getDemandInsights = defineUseCase({
  name: 'analysis.get-demand-insights',
  action: 'view_insights',
  permission: 'list',
  forbidden: 'Your role may not read call insights',
  input: demandsQuerySchema,
  invalidInput: 'Invalid query',
  target: () => 'insights:demands',
  async run({ deps, actor, input }: { deps: GetDemandInsightsDeps; actor: Actor; input: DemandsQuery }): Promise<DemandInsightsResponse> {
    const { top, ...filter } = input;
    const calls: Call[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.calls.listCalls(actor.tenantId, filter, scopeOf(actor, 'list'), { limit: PAGE, ...(cursor ? { cursor } : {}) });
      calls.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && calls.length < MAX_DEMAND_CALLS);
    const config = await deps.analysisConfigs.configFor(actor.tenantId);
    const ids = calls.map((c) => c.id);
    const analyses = await deps.transcripts.getAnalyses(actor.tenantId, ids);
    const transcripts = (await deps.transcripts.listTranscriptsForCalls(actor.tenantId, ids)).map(({ callId, transcript }) => {
      const analysis = analyses.get(callId);
      return { callId, transcript: analysis ? { language: transcript.language, segments: analysis.redactedSegments } : transcript };
    });
    const insights = mineDemands(transcripts, config.categories, { topPhrases: top, stopWords: ['bank_card', 'cn_id', 'phone', 'email'] });
    const startedAt = new Map(calls.map((c) => [c.id, c.startedAt]));
    const mined = mineDemandPhrases(
      transcripts.map(({ callId, transcript }) => ({ callId, transcript, startedAt: startedAt.get(callId)! })),
      { top, ...(deps.demandTokenizer ? { tokenizer: deps.demandTokenizer } : {}) },
    );
    return {
      ...insights,
      demands: mined.demands,
      emerging: mined.emerging,
      minCalls: mined.minCalls,
      truncated: calls.length >= MAX_DEMAND_CALLS,
    } as DemandInsightsResponse;
  },
  audited: (output) => ({ details: { calls: output.totalCalls } }),
});
