import type { HubClient } from '../../core/api-client';
import {
  connectionListSchema,
  connectionStatusSchema,
  crmUserListSchema,
  zendeskRolesSchema,
  type CrmUserListBody,
  type ZendeskRolesBody,
  type ZendeskRolesUpdate,
  legalHoldPageReadSchema,
  legalHoldReadSchema,
  retentionPolicyReadSchema,
  retentionPreviewSchema,
  tryLexiconResponseSchema,
  type ConnectionKind,
  type ConnectionListBody,
  type ConnectionStatusBody,
  type LegalHoldRead,
  type RetentionPolicyRead,
  type RetentionPreviewBody,
  type TryLexiconBody,
  scorecardCheckSchema,
  type ScorecardCheckBody,
} from '../../../core/api/admin.api';
import {
  reviewersResponseSchema,
  samplePlanResponseSchema,
  scorecardListResponseSchema,
  scorecardResponseSchema,
  scorecardSchema,
  storedSamplePlanResponseSchema,
  type ReviseScorecardRequest,
  type SamplePlanRequest,
} from '../../../core/api/quality.api';
import type * as z from 'zod/mini';

export type ScorecardList = z.output<typeof scorecardListResponseSchema>;
export type ScorecardRead = z.output<typeof scorecardResponseSchema>;
export type SamplePlanRead = z.output<typeof samplePlanResponseSchema>;
export type StoredSamplePlan = z.output<typeof storedSamplePlanResponseSchema>;
export type Reviewer = { id: string; agentId?: string | null | undefined };
/** A plan's settings as the sampling editor sends them (the plan request without `replace`). */
export type SampleSettings = Omit<SamplePlanRequest, 'replace'>;

/** The industry presets an admin may pick. */
export const RETENTION_PRESETS = ['general', 'finance', 'medical', 'ecommerce', 'education'] as const;
export type RetentionPreset = (typeof RETENTION_PRESETS)[number];

/** The admin setup screen's hub calls, each answer checked against the contract (core/api/admin.api.ts). */
export interface AdminClient {
  connections(): Promise<ConnectionListBody>;
  testConnection(kind: ConnectionKind): Promise<ConnectionStatusBody>;
  policy(): Promise<RetentionPolicyRead>;
  /** The dry run of a preset before it is saved, beside the plan of the policy in force. */
  previewPreset(preset: RetentionPreset): Promise<RetentionPreviewBody>;
  savePreset(preset: RetentionPreset): Promise<RetentionPolicyRead>;
  holds(): Promise<LegalHoldRead[]>;
  placeHold(callIds: readonly string[], reason: string): Promise<LegalHoldRead>;
  releaseHold(holdId: string): Promise<LegalHoldRead>;
  trySentence(sentence: string, speaker: 'agent' | 'customer'): Promise<TryLexiconBody>;
  searchZendeskStaff(query: string): Promise<CrmUserListBody>;
  zendeskRoles(subdomain: string): Promise<ZendeskRolesBody>;
  updateZendeskRoles(change: ZendeskRolesUpdate): Promise<ZendeskRolesBody>;
  scorecards(): Promise<ScorecardList>;
  scorecard(id: string): Promise<ScorecardRead>;
  /** The hub's verdict on a revision before it is saved (nothing stored). */
  checkScorecard(id: string, revision: ReviseScorecardRequest): Promise<ScorecardCheckBody>;
  reviseScorecard(id: string, revision: ReviseScorecardRequest): Promise<unknown>;
  reviewers(): Promise<Reviewer[]>;
  setReviewers(reviewers: readonly Reviewer[]): Promise<unknown>;
  /** The month's stored plan; null before it is planned. */
  storedPlan(period: string): Promise<StoredSamplePlan | null>;
  /** The plan the hub would draw for these settings (nothing stored). */
  previewPlan(settings: SampleSettings): Promise<SamplePlanRead>;
  savePlan(settings: SampleSettings, replace: boolean): Promise<SamplePlanRead>;
}

/** Builds the admin client on the hub client's generic request. */
export function createAdminClient(hub: HubClient): AdminClient {
  return {
    connections: () => hub.request('GET', '/api/v1/admin/connections', connectionListSchema),
    testConnection: (kind) => hub.request('POST', `/api/v1/admin/connections/${encodeURIComponent(kind)}/test`, connectionStatusSchema, {}),
    policy: () => hub.request('GET', '/api/v1/retention/policy', retentionPolicyReadSchema),
    previewPreset: (preset) => hub.request('POST', '/api/v1/admin/retention/preview', retentionPreviewSchema, { policy: { preset }, sample: 0 }),
    savePreset: (preset) => hub.request('PUT', '/api/v1/retention/policy', retentionPolicyReadSchema, { preset }),
    holds: async () => (await hub.request('GET', '/api/v1/legal-holds?active=true&limit=100', legalHoldPageReadSchema)).items,
    placeHold: (callIds, reason) => hub.request('POST', '/api/v1/legal-holds', legalHoldReadSchema, { by: { kind: 'calls', callIds }, reason }),
    releaseHold: (holdId) => hub.request('POST', `/api/v1/legal-holds/${encodeURIComponent(holdId)}/release`, legalHoldReadSchema, {}),
    searchZendeskStaff: (query) => hub.request('GET', `/api/v1/admin/crm-users?${new URLSearchParams({ query }).toString()}`, crmUserListSchema),
    zendeskRoles: (subdomain) => hub.request('GET', `/api/v1/admin/zendesk-roles?${new URLSearchParams({ subdomain }).toString()}`, zendeskRolesSchema),
    updateZendeskRoles: (change) => hub.request('PUT', '/api/v1/admin/zendesk-roles', zendeskRolesSchema, change),
    scorecards: () => hub.request('GET', '/api/v1/scorecards', scorecardListResponseSchema),
    scorecard: (id) => hub.request('GET', `/api/v1/scorecards/${encodeURIComponent(id)}`, scorecardResponseSchema),
    checkScorecard: (id, revision) => hub.request('POST', `/api/v1/admin/scorecards/${encodeURIComponent(id)}/check`, scorecardCheckSchema, { revision }),
    reviseScorecard: (id, revision) => hub.request('PUT', `/api/v1/scorecards/${encodeURIComponent(id)}`, scorecardSchema, revision),
    reviewers: async () => (await hub.request('GET', '/api/v1/sampling/reviewers', reviewersResponseSchema)).reviewers,
    setReviewers: (reviewers) => hub.request('PUT', '/api/v1/sampling/reviewers', reviewersResponseSchema, { reviewers }),
    storedPlan: (period) =>
      hub.request('GET', `/api/v1/sampling/plans/${encodeURIComponent(period)}`, storedSamplePlanResponseSchema).catch((error: unknown) => {
        if ((error as { status?: unknown }).status === 404) return null;
        throw error;
      }),
    previewPlan: (settings) => hub.request('POST', '/api/v1/admin/sampling/preview', samplePlanResponseSchema, settings),
    savePlan: (settings, replace) => hub.request('POST', '/api/v1/sampling/plans', samplePlanResponseSchema, { ...settings, replace }),
    trySentence: (sentence, speaker) => hub.request('POST', '/api/v1/admin/lexicon/try', tryLexiconResponseSchema, { sentence, speaker }),
  };
}
