import type { Agent, Call, Tenant } from '../../../core/recordings/call';

export const T1: Tenant = { id: 't1', name: 'Tenant One', defaultRegion: 'CN', industry: 'ecommerce', createdAt: '2026-01-01T00:00:00Z' };
export const T2: Tenant = { id: 't2', name: 'Tenant Two', defaultRegion: 'US', industry: 'general', createdAt: '2026-01-01T00:00:00Z' };

export const AGENTS: readonly Agent[] = [
  { tenantId: 't1', id: 'a1', name: 'Zhang Wei', team: 'T1', seniority: 'senior', hiredAt: '2024-01-01T00:00:00Z' },
  { tenantId: 't1', id: 'a2', name: 'Li Na', team: 'T1', seniority: 'new', hiredAt: '2025-06-01T00:00:00Z' },
  { tenantId: 't1', id: 'a3', name: 'Amy Chen', team: 'T2', seniority: 'senior', hiredAt: '2023-03-01T00:00:00Z' },
  { tenantId: 't2', id: 'a1', name: 'Other Tenant Agent', team: 'T1', seniority: 'senior', hiredAt: '2024-01-01T00:00:00Z' },
];

/** A call with sensible defaults; `n` orders start times (a larger n is later). */
export function makeCall(n: number, over: Partial<Call> = {}): Call {
  const startedAt = new Date(Date.UTC(2026, 2, 1, 8, 0, 0) + n * 3_600_000).toISOString();
  return {
    id: `c${String(n).padStart(2, '0')}`,
    tenantId: 't1',
    provider: 'upload',
    providerCallId: `p-${n}`,
    channel: 'human',
    direction: 'inbound',
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + 120_000).toISOString(),
    durationS: 120,
    agentId: 'a1',
    queue: 'sales',
    customerPhone: '+8613800000000',
    inquiryType: 'billing',
    tags: [],
    csat: null,
    crmLinks: [],
    status: 'stored',
    recording: { format: 'wav', bytes: 1000, sha256: 'ab'.repeat(32), channels: 1, durationS: 120, keyId: `k-${n}` },
    createdAt: startedAt,
    ...over,
  };
}
