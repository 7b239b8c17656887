import type { CallView } from '../../core/api-types';
import { computeWilsonInterval } from '../../../core/insights/kpis';
import type { DemandCategories } from '../../../core/api/insights-views.api';
import type { InstantRange, KpiRowRead, SegmentRead } from './insights.client';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The period the screen reads: `weeks` whole weeks ending at the next UTC midnight after `now`, and each week. */
export function weeksEndingAt(now: Date, weeks: number): { range: InstantRange; weeks: InstantRange[] } {
  const end = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  const start = end - weeks * WEEK_MS;
  const list: InstantRange[] = [];
  for (let w = 0; w < weeks; w += 1) {
    list.push({ from: new Date(start + w * WEEK_MS).toISOString(), to: new Date(start + (w + 1) * WEEK_MS).toISOString() });
  }
  return { range: { from: new Date(start).toISOString(), to: new Date(end).toISOString() }, weeks: list };
}

/** A ratio as the KPI rows carry it. */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
}

/** The 95% Wilson interval of a pooled ratio (as core computes it for the emotion KPI); null without a denominator. */
export function intervalOf(ratio: Ratio, level = 0.95): { low: number; high: number } | null {
  const interval = computeWilsonInterval(ratio.numerator, ratio.denominator, level);
  return interval === null ? null : { low: interval.low, high: interval.high };
}

/** What one bar of the segment chart opens: the calls with (or without) the tag that raised the demand or flag. */
export interface SegmentPick {
  readonly tag: string;
  readonly kind: 'demand' | 'flag';
  readonly key: string;
  readonly side: 'tagged' | 'rest';
}

/**
 * The calls behind a segment bar, from the calls the reader may list in the period: those with (`tagged`) or
 * without (`rest`) the tag, raising the flag (the call's flags) or the demand (the hub's demand categories).
 */
export function callsOfSegment(calls: readonly CallView[], demands: DemandCategories | null, pick: SegmentPick): CallView[] {
  const demandCalls = pick.kind === 'demand' ? new Set(demands?.categories.find((c) => c.id === pick.key)?.callIds ?? []) : null;
  return calls.filter((call) => {
    if (call.tags.includes(pick.tag) !== (pick.side === 'tagged')) return false;
    return demandCalls !== null ? demandCalls.has(call.id) : (call.flags ?? []).includes(pick.key);
  });
}

/** The calls of one agent or team. */
export function callsOfGroup(calls: readonly CallView[], by: 'agent' | 'team', group: string): CallView[] {
  return calls.filter((call) => (by === 'agent' ? (call.agentId ?? '(none)') : (call.team ?? '(none)')) === group);
}

/** Calls per week raising each demand category (weeks as given; calls outside them are not counted). */
export function demandWeeks(calls: readonly CallView[], demands: DemandCategories, weeks: readonly InstantRange[]): { id: string; label: string; perWeek: number[]; total: number }[] {
  const startedAt = new Map(calls.map((call) => [call.id, Date.parse(call.startedAt)]));
  const bounds = weeks.map((w) => [Date.parse(w.from), Date.parse(w.to)] as const);
  return demands.categories
    .map((category) => {
      const perWeek = bounds.map(() => 0);
      for (const id of category.callIds) {
        const at = startedAt.get(id);
        if (at === undefined) continue;
        const index = bounds.findIndex(([from, to]) => at >= from && at < to);
        if (index >= 0) perWeek[index] = (perWeek[index] ?? 0) + 1;
      }
      return { id: category.id, label: category.label, perWeek, total: perWeek.reduce((a, b) => a + b, 0) };
    })
    .filter((row) => row.total > 0)
    .sort((a, b) => b.total - a.total || a.id.localeCompare(b.id));
}

/** Agent display names from the calls (the KPI rows carry agent ids only). */
export function agentNames(calls: readonly CallView[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const call of calls) if (call.agentId !== null && call.agentName) names.set(call.agentId, call.agentName);
  return names;
}

/** Segment items worth charting: those seen at least once on either side, most lifted first (hub order otherwise). */
export function chartedItems(segment: SegmentRead): SegmentRead['items'] {
  return segment.items.filter((item) => item.tagged.count + item.rest.count > 0);
}

/** KPI row fields read as plain numbers for tables and CSV. */
export function rowFigures(row: KpiRowRead) {
  return {
    calls: row.calls,
    script: row.requiredScriptRate.rate,
    sensitive: row.sensitiveWords.hits,
    duration: row.durationInBand.rate,
    interruption: row.interruptionRate.rate,
    fcr: row.firstContactResolution.rate,
    score: row.averageScore.mean,
  };
}
