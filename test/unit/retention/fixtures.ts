import type { RetentionSubject } from '../../../core/retention/retention.policy';

/** A stored 3-minute inbound call of agent ag-1 (team-a); override what a case is about. */
export function makeCall(overrides: Partial<RetentionSubject> = {}): RetentionSubject {
  return {
    id: 'c-1',
    tenantId: 't-1',
    startedAt: '2024-01-10T15:00:00Z',
    durationS: 180,
    status: 'stored',
    direction: 'inbound',
    channel: 'human',
    tags: [],
    inquiryType: null,
    agentId: 'ag-1',
    queue: 'q-1',
    customerPhone: '+8613812345678',
    crmLinks: [],
    team: 'team-a',
    ...overrides,
  };
}
