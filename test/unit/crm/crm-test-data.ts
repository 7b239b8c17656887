import type { CrmCallRecord } from '../../../core/crm/crm-adapter.port';
import type { RecordCallPayload } from '../../../core/crm/record-call.payload';
import type { Clock } from '../../../core/shared/clock.port';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advanceMs(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function buildCall(overrides: Partial<CrmCallRecord> = {}): CrmCallRecord {
  const hubCallId = overrides.hubCallId ?? 'c_0001';
  return {
    hubCallId,
    startedAt: '2026-11-02T09:15:00.000Z',
    durationS: 245.3,
    direction: 'inbound',
    agentName: '张伟',
    inquiryType: '退款',
    flags: ['SENSITIVE_WORD'],
    risk: 0.4,
    score: null,
    appLink: `https://hub.example.com/app/calls/${hubCallId}`,
    customerPhone: '+8613812345678',
    ...overrides,
  };
}

export function buildPayload(overrides: Partial<CrmCallRecord> = {}, crm: RecordCallPayload['crm'] = 'zendesk'): RecordCallPayload {
  return { crm, call: buildCall(overrides) };
}
