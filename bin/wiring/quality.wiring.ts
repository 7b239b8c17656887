import { coachingRoutes } from '../../adapters/http/routes/coaching.routes';
import { qualityInsightsRoutes } from '../../adapters/http/routes/quality-insights.routes';
import { qualityRoutes } from '../../adapters/http/routes/quality.routes';
import { createCoachingUseCases, type CoachingUseCases } from '../../app/coaching';
import { createInsightsUseCases, type InsightsUseCases } from '../../app/insights';
import { createQualityUseCases, type QualityPorts, type QualityUseCases } from '../../app/quality';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** The hub's ports as the quality, coaching and insights use-cases take them. */
export function qualityPortsOf(hub: Hub): QualityPorts & { audit: Hub['audit'] } {
  return { calls: hub.calls, store: hub.storage.quality, transcripts: hub.transcripts, clock: hub.clock, ids: hub.ids, audit: (entry) => hub.audit(entry) };
}

/** The quality use-cases bound to this hub, for routes and `callsight sample plan`. */
export function createHubQualityUseCases(hub: Hub): { quality: QualityUseCases; coaching: CoachingUseCases; insights: InsightsUseCases } {
  const ports = qualityPortsOf(hub);
  return {
    quality: createQualityUseCases(ports),
    coaching: createCoachingUseCases(ports),
    insights: createInsightsUseCases({ ...ports, recordingGaps: hub.pendingRecordings, providerCalls: hub.providerCalls }),
  };
}

/**
 * Quality management (issue 7): versioned scorecards, evaluations, sampling into review_assignments,
 * calibration, disputes, KPIs, segments and coaching. Deleting a call removes what quality derived from it.
 */
export const qualityCapability: CapabilityFactory = (hub: Hub): Capability => {
  const store = hub.storage.quality;
  hub.onCallPurge(async (tenantId, callId) => store.purgeCall(tenantId, callId));
  const { quality, coaching, insights } = createHubQualityUseCases(hub);
  return { name: 'quality', plugins: [qualityRoutes(quality), coachingRoutes(coaching), qualityInsightsRoutes(insights)] };
};
