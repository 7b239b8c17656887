/**
 * Quality insights use-cases (docs/api-quality.md): KPIs and call content compared across customer tags.
 * HTTP routes reach them only through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { compareSegments } from './compare-segments';
import { reportKpis } from './report-kpis';

/** The insights use-case definitions, keyed as routes call them. */
export const insightsUseCases = { reportKpis, compareSegments };

export type InsightsUseCases = BoundUseCases<typeof insightsUseCases>;

/** Binds the insights use-cases to the hub's ports and its audit trail. */
export function createInsightsUseCases(ports: PortsOf<typeof insightsUseCases> & AuditDeps): InsightsUseCases {
  return bindUseCases(insightsUseCases, ports);
}

export { compareSegments, reportKpis };
export type { KpiReport } from './report-kpis';
export type { SegmentView } from './compare-segments';
