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
} from '../../../core/api/admin.api';

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
    trySentence: (sentence, speaker) => hub.request('POST', '/api/v1/admin/lexicon/try', tryLexiconResponseSchema, { sentence, speaker }),
  };
}
