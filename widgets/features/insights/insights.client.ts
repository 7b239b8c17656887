import type { HubClient } from '../../core/api-client';
import { callPageReadSchema, type CallPage, type CallView } from '../../core/api-types';
import { kpiResponseSchema, segmentResponseSchema } from '../../../core/api/insights.api';
import { callEvaluationsReadSchema, demandCategoriesReadSchema, type CallEvaluationsRead, type DemandCategories } from '../../../core/api/insights-views.api';
import type * as z from 'zod/mini';

/** How many mined demands the screen lists (the strongest). */
export const MINED_DEMANDS = 8;

/** One KPI report as the hub answers `GET /api/v1/kpis`. */
export type KpiReportRead = z.infer<typeof kpiResponseSchema>;
/** One KPI row (a group: an agent, a team, a tag, or `all`). */
export type KpiRowRead = KpiReportRead['rows'][number];
/** The segment comparison `GET /api/v1/insights/segments` answers. */
export type SegmentRead = z.infer<typeof segmentResponseSchema>;

/** A half-open instant range [from, to) in ISO-8601. */
export interface InstantRange {
  readonly from: string;
  readonly to: string;
}

/** Most calls the screen indexes for drill-downs; beyond it the screen says so instead of showing a cut list. */
export const MAX_INDEXED_CALLS = 5_000;
const CALL_PAGE = 200;

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  return search.toString();
}

/** The insights screen's hub calls, on the shared client (every answer checked against the contract). */
export interface InsightsClient {
  kpis(groupBy: 'all' | 'agent' | 'team' | 'tag', range: InstantRange): Promise<KpiReportRead>;
  segments(tag: string, range: InstantRange): Promise<SegmentRead>;
  demands(range: InstantRange): Promise<DemandCategories>;
  /** Every call the reader may list in the range, newest first; `truncated` past MAX_INDEXED_CALLS. */
  callsIn(range: InstantRange): Promise<{ calls: CallView[]; truncated: boolean }>;
  evaluations(callId: string): Promise<CallEvaluationsRead>;
}

/** Binds the insights calls to a hub client. */
export function createInsightsClient(hub: HubClient): InsightsClient {
  return {
    kpis(groupBy, range) {
      return hub.request('GET', `/api/v1/kpis?${query({ groupBy, from: range.from, to: range.to })}`, kpiResponseSchema);
    },
    segments(tag, range) {
      return hub.request('GET', `/api/v1/insights/segments?${query({ tag, from: range.from, to: range.to })}`, segmentResponseSchema);
    },
    demands(range) {
      return hub.request('GET', `/api/v1/insights/demands?${query({ from: range.from, to: range.to, top: String(MINED_DEMANDS) })}`, demandCategoriesReadSchema);
    },
    async callsIn(range) {
      const calls: CallView[] = [];
      let cursor: string | null = null;
      do {
        const page: CallPage = await hub.request(
          'GET',
          `/api/v1/calls?${query({ from: range.from, to: range.to, limit: String(CALL_PAGE), cursor: cursor ?? undefined })}`,
          callPageReadSchema,
        );
        calls.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null && calls.length < MAX_INDEXED_CALLS);
      return { calls, truncated: cursor !== null };
    },
    evaluations(callId) {
      return hub.request('GET', `/api/v1/calls/${encodeURIComponent(callId)}/evaluations`, callEvaluationsReadSchema);
    },
  };
}
