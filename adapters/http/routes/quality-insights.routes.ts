import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import type { Call } from '../../../core/recordings/call';
import { computeKpis, KPI_TARGETS, type CallFact } from '../../../core/insights/kpis';
import { compareSegments, type SegmentFact } from '../../../core/insights/segments';
import { countAnalysis } from '../../../core/quality/analysis-summary';
import { computeCallScores } from '../../../core/quality/call-score';
import { collectCalls } from '../../../core/quality/call-source';
import type { HttpPlugin } from '../http.deps';
import { auditEntry, qualityCallScope, qualityCondition, requireQualityAction } from './quality-access';
import { createQualityHelpers, parseInput, type QualityRoutesDeps } from './quality.routes';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 30;

const kpiQuery = z
  .object({
    groupBy: z.enum(['agent', 'team', 'tag', 'inquiryType', 'period', 'all']).default('agent'),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    fcrWindowDays: z.coerce.number().int().min(1).max(90).default(7),
    confidenceLevel: z.coerce.number().gt(0).lt(1).default(0.95),
  })
  .strict();
const segmentQuery = z
  .object({
    tag: z.string().min(1).max(64),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    alpha: z.coerce.number().gt(0).lt(1).default(0.05),
    minCalls: z.coerce.number().int().min(1).max(10_000).default(1),
  })
  .strict();

/** [from, to) from the query, defaulting to the last 30 days; VALIDATION_FAILED when empty. */
function resolveRange(query: { from?: string | undefined; to?: string | undefined }, now: Date): { from: string; to: string } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
  return { from: from.toISOString(), to: to.toISOString() };
}

/** A stable key for "the same customer": the first CRM link, else the phone number; never returned to clients. */
function customerKeyOf(call: Call): string | null {
  const link = call.crmLinks[0];
  if (link) return `${link.crm}:${link.objectType}:${link.id}`;
  return call.customerPhone;
}

/**
 * Quality KPIs per agent, team, customer tag, inquiry type or month, and call content x customer tags
 * (docs/api-quality.md). Managers see aggregates of their teams' calls only; admins of the whole tenant.
 */
export function qualityInsightsRoutes(deps: QualityRoutesDeps): HttpPlugin {
  return (app, helpers) => {
    const q = createQualityHelpers(deps, helpers);

    const scoresOf = async (tenantId: string, range: { from: string; to: string }) => {
      const evaluations = await deps.store.listEvaluations(tenantId, range);
      return computeCallScores(await q.effectiveFor(tenantId, evaluations));
    };

    app.get('/api/v1/kpis', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'view_kpis', 'insights:kpis');
      const query = parseInput(kpiQuery, request.query, 'query');
      const now = deps.clock.now();
      const range = resolveRange(query, now);
      const windowMs = query.fcrWindowDays * DAY_MS;
      // Earlier and later contacts decide first-contact resolution: read N days either side, not past now.
      const context = {
        from: new Date(Date.parse(range.from) - windowMs).toISOString(),
        to: new Date(Math.min(Date.parse(range.to) + windowMs, now.getTime() + 1)).toISOString(),
      };
      // The whole tenant serves as context, so a repeat call to another team still counts; only calls in the
      // principal's scope are counted in the rows.
      const calls = (await collectCalls(deps.calls, principal.tenantId, context, { kind: 'all' })).filter((c) => c.status !== 'misdial');
      const counted =
        qualityCondition(principal, 'view_kpis') === 'all'
          ? undefined
          : new Set((await collectCalls(deps.calls, principal.tenantId, range, qualityCallScope(principal, 'view_kpis'))).map((c) => c.id));
      const scores = await scoresOf(principal.tenantId, context);
      const analyses = await deps.getAnalyses(principal.tenantId, calls.map((c) => c.id));
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
        groupBy: query.groupBy,
        from: range.from,
        to: range.to,
        fcrWindowDays: query.fcrWindowDays,
        durationBands: await deps.durationBands(principal.tenantId),
        dataEnd: new Date(Math.min(Date.parse(context.to), now.getTime())).toISOString(),
        confidenceLevel: query.confidenceLevel,
        ...(counted ? { countedCallIds: counted } : {}),
      });
      await helpers.audit(auditEntry(principal, 'view_kpis', 'insights:kpis', 'allowed', undefined, { groupBy: query.groupBy, groups: rows.length }));
      return { groupBy: query.groupBy, from: range.from, to: range.to, fcrWindowDays: query.fcrWindowDays, targets: KPI_TARGETS, rows };
    });

    app.get('/api/v1/insights/segments', async (request) => {
      const principal = await requireQualityAction(helpers, request, 'view_kpis', 'insights:segments');
      const query = parseInput(segmentQuery, request.query, 'query');
      const range = resolveRange(query, deps.clock.now());
      const calls = (await collectCalls(deps.calls, principal.tenantId, range, qualityCallScope(principal, 'view_kpis'))).filter((c) => c.status !== 'misdial');
      const scores = await scoresOf(principal.tenantId, range);
      const analyses = await deps.getAnalyses(principal.tenantId, calls.map((c) => c.id));
      const facts: SegmentFact[] = [];
      for (const call of calls) {
        const analysis = analyses.get(call.id);
        if (!analysis) continue;
        const counts = countAnalysis(analysis);
        facts.push({ callId: call.id, tags: call.tags, demands: counts.demands, flags: counts.flags, qaScore: scores.get(call.id) ?? null });
      }
      const report = compareSegments(facts, { tag: query.tag, alpha: query.alpha, minCalls: query.minCalls });
      await helpers.audit(auditEntry(principal, 'view_insights', 'insights:segments', 'allowed', undefined, { calls: facts.length }));
      return { from: range.from, to: range.to, analysedCalls: facts.length, callsInRange: calls.length, ...report };
    });
  };
}
