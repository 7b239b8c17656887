import type { z } from 'zod';
import { kpiQuerySchema } from '../../core/api/insights.api';
import { computeKpis, KPI_TARGETS, type CallFact, type KpiRow } from '../../core/insights/kpis';
import { countAnalysis } from '../../core/quality/analysis-summary';
import { collectCalls } from '../../core/quality/call-source';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { PendingRecordingStore } from '../../core/recordings/pending-recording.port';
import type { ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import type { Call } from '../../core/recordings/call';
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
  /** Recordings reported by telephony providers (app/recordings); without it the report has no `recordings`. */
  readonly recordingGaps?: Pick<PendingRecordingStore, 'countReceived'>;
  /** The providers' own lists of calls (the ledger); when it has entries in the range, completeness counts against them. */
  readonly providerCalls?: Pick<ProviderCallLedger, 'count'>;
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
  /** Recordings expected vs stored in the range (R-CAP-1, R-STO-1); null for team-scoped managers or without the port. */
  readonly recordings: RecordingCompleteness | null;
}

/**
 * Recording completeness of the whole tenant in the range: calls stored with their audio, against those plus the
 * recordings a telephony provider reported and the hub never stored within the fetch window (`missing`). Reports
 * still inside their window (`waiting`) are not expected yet. When the providers' own lists (the ledger: Twilio
 * lists, Connect contact records, PBX CDR rows) have entries in the range, the count is against them instead:
 * expected = the calls they say were recorded, stored = those the hub holds, plus the
 * stored calls of providers that keep no list (uploads) on both sides; so a call the hub never heard of lowers it.
 * The `all` row's recordingCompleteness counts the missing ones too, so the KPI shows the gap.
 */
export interface RecordingCompleteness {
  readonly expected: number;
  readonly stored: number;
  readonly missing: number;
  readonly waiting: number;
  /** stored / expected; null when nothing was expected. */
  readonly rate: number | null;
}

/**
 * GET /api/v1/kpis: recording completeness, required scripts, sensitive words, duration in band, interruptions,
 * first-contact resolution, score-CSAT correlation, average score and emotion handling (customers who started the
 * call negative and did not end it negative, with its Wilson interval) per group. Managers get rows of their teams'
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
        hasRecording: hasRecording(call),
        requiredScripts: counts.requiredScripts,
        sensitiveHits: counts.sensitiveHits,
        customerTurns: counts.customerTurns,
        customerTurnsInterrupted: counts.customerTurnsInterrupted,
        emotionCourse: counts.emotionCourse ?? null,
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
    const recordings =
      deps.recordingGaps && !counted
        ? await recordingCompletenessOf(deps.recordingGaps, deps.providerCalls, actor.tenantId, range, now, calls)
        : null;
    const shown = recordings && input.groupBy === 'all' ? rows.map((row) => withMissingRecordings(row, recordings.missing)) : rows;
    return { groupBy: input.groupBy, from: range.from, to: range.to, fcrWindowDays: input.fcrWindowDays, targets: KPI_TARGETS, rows: shown, recordings };
  },
  audited: (out) => ({ details: { groupBy: out.groupBy, groups: out.rows.length } }),
});

async function recordingCompletenessOf(
  gaps: Pick<PendingRecordingStore, 'countReceived'>,
  ledger: Pick<ProviderCallLedger, 'count'> | undefined,
  tenantId: string,
  range: { from: string; to: string },
  now: Date,
  calls: readonly Call[],
): Promise<RecordingCompleteness> {
  const counts = await gaps.countReceived(tenantId, range, now.toISOString());
  const storedCalls = calls.filter((c) => hasRecording(c) && c.startedAt >= range.from && c.startedAt < range.to);
  const listed = ledger ? await ledger.count(tenantId, range) : null;
  if (listed && listed.entries > 0) {
    const providers = new Set(listed.providers);
    const unlisted = storedCalls.filter((c) => !providers.has(c.provider)).length;
    const expected = listed.recorded + unlisted;
    const stored = listed.recordedStored + unlisted;
    return { expected, stored, missing: expected - stored, waiting: counts.waiting, rate: expected > 0 ? stored / expected : null };
  }
  const stored = storedCalls.length;
  const expected = stored + counts.missing;
  return { expected, stored, missing: counts.missing, waiting: counts.waiting, rate: expected > 0 ? stored / expected : null };
}

function hasRecording(call: Call): boolean {
  return call.recording !== null || call.status === 'archived' || call.status === 'deleted';
}

function withMissingRecordings(row: KpiRow, missing: number): KpiRow {
  if (missing === 0) return row;
  const { numerator } = row.recordingCompleteness;
  const denominator = row.recordingCompleteness.denominator + missing;
  return { ...row, recordingCompleteness: { numerator, denominator, rate: denominator > 0 ? numerator / denominator : null } };
}
