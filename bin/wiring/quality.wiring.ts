import { coachingRoutes } from '../../adapters/http/routes/coaching.routes';
import { qualityInsightsRoutes } from '../../adapters/http/routes/quality-insights.routes';
import { qualityRoutes, type QualityRoutesDeps } from '../../adapters/http/routes/quality.routes';
import { DEFAULT_DURATION_BAND, type DurationBand } from '../../core/analysis/metrics/conversation.metrics';
import { collectSampleInput } from '../../core/sampling/sample-input';
import type { SampleAgentInput, SampleCallInput, SampleReviewerInput } from '../../core/sampling/sample-plan';
import { CallsightError } from '../../core/shared/errors';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** The tenant's duration bands from its analysis settings (the same bands the analysis judged calls by). */
async function durationBandsOf(hub: Hub, tenantId: string): Promise<{ default: DurationBand; byInquiryType: Record<string, DurationBand> }> {
  const stored = (await hub.transcripts.getSettings(tenantId))?.settings.durationBands;
  const bands: Record<string, DurationBand> = {};
  if (stored && typeof stored === 'object') {
    for (const [key, band] of Object.entries(stored as Record<string, unknown>)) {
      const b = band as Partial<DurationBand> | null;
      if (b && typeof b.minS === 'number' && typeof b.maxS === 'number' && b.minS >= 0 && b.minS <= b.maxS) bands[key] = { minS: b.minS, maxS: b.maxS };
    }
  }
  const { default: fallback, ...byInquiryType } = bands;
  return { default: fallback ?? DEFAULT_DURATION_BAND, byInquiryType };
}

/** The routes' view of the hub. */
export function createQualityDeps(hub: Hub, store = hub.storage.quality): QualityRoutesDeps {
  return {
    calls: hub.calls,
    store,
    clock: hub.clock,
    ids: hub.ids,
    getAnalysis: (tenantId, callId) => hub.transcripts.getAnalysis(tenantId, callId),
    getAnalyses: (tenantId, callIds) => hub.transcripts.getAnalyses(tenantId, callIds),
    screening: (tenantId, callIds) => hub.transcripts.screening(tenantId, callIds),
    durationBands: (tenantId) => durationBandsOf(hub, tenantId),
    recordCallScore: (tenantId, callId, score, at) => hub.calls.recordCallScore(tenantId, callId, score, at),
  };
}

/**
 * The input of `callsight sample plan`: the same calls, risks and agents as POST /api/v1/sampling/plans, and
 * the tenant's reviewer roster. Without a tenant, the hub's only tenant. The read is audited.
 */
export async function loadSampleInputFromHub(
  hub: Hub,
  period: string,
  tenant?: string,
): Promise<{ calls: SampleCallInput[]; agents: SampleAgentInput[]; reviewers: SampleReviewerInput[] }> {
  let tenantId = tenant;
  if (tenantId === undefined) {
    const tenants = await hub.calls.listTenants();
    if (tenants.length !== 1) throw new CallsightError('VALIDATION_FAILED', `this hub has ${tenants.length} tenants; name one with --tenant <id>`);
    tenantId = tenants[0]!.id;
  } else if (!(await hub.calls.getTenant(tenantId))) {
    throw new CallsightError('NOT_FOUND', `tenant "${tenantId}" does not exist on this hub`);
  }
  const input = await collectSampleInput({ calls: hub.calls, screening: (t, ids) => hub.transcripts.screening(t, ids) }, tenantId, period);
  const reviewers = await hub.storage.quality.listReviewers(tenantId);
  if (reviewers.length === 0) throw new CallsightError('VALIDATION_FAILED', 'no reviewers: set the roster with PUT /api/v1/sampling/reviewers first');
  await hub.audit({ tenantId, actor: 'cli', role: null, action: 'plan_sample', target: `sampling:${period}`, outcome: 'allowed', reason: 'preview', details: { calls: input.calls.length } });
  return { calls: input.calls, agents: input.agents, reviewers };
}

/**
 * Quality management (issue 7): versioned scorecards, evaluations, sampling into review_assignments,
 * calibration, disputes, KPIs, segments and coaching. Deleting a call removes what quality derived from it.
 */
export const qualityCapability: CapabilityFactory = (hub: Hub): Capability => {
  const store = hub.storage.quality;
  hub.onCallPurge(async (tenantId, callId) => store.purgeCall(tenantId, callId));
  const deps = createQualityDeps(hub, store);
  return { name: 'quality', plugins: [qualityRoutes(deps), coachingRoutes(deps), qualityInsightsRoutes(deps)] };
};
