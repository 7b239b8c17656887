import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmAdapter, CrmCallRecord } from '../../core/crm/crm-adapter.port';
import type { CrmName } from '../../core/recordings/call';

/** What the contract reads back from the CRM's own store, normalised across CRMs (risk in [0, 1], flags as a list). */
export interface StoredCallRecord {
  /** Null while the CRM shows no analysis. */
  readonly risk: number | null;
  readonly flags: readonly string[];
  readonly score: number | null;
  readonly recordingStatus: 'stored' | 'archived' | 'deleted';
  /** The CRM id of the customer the record is linked to, or null. */
  readonly customerId: string | null;
}

/** One CRM adapter wired to a fake of its CRM, fresh for each test. */
export interface CrmAdapterUnderTest {
  readonly adapter: CrmAdapter;
  readonly tenantId: string;
  /** Creates a person in the CRM holding this number; returns its CRM id. */
  addCustomer(e164: string, name: string): string;
  /** The call's record as the CRM stores it, or null. */
  readCallRecord(hubCallId: string): StoredCallRecord | null;
  /** How many call records the CRM holds. */
  callRecordCount(): number;
  /** Requests that reached the fake and that it could not answer (must stay empty). */
  unhandledRequests(): readonly string[];
}

export type OpenCrmAdapter = () => Promise<CrmAdapterUnderTest> | CrmAdapterUnderTest;

const PHONE = '+8613812345678';

function call(overrides: Partial<CrmCallRecord> = {}): CrmCallRecord {
  const hubCallId = overrides.hubCallId ?? 'c_contract_1';
  return {
    hubCallId,
    startedAt: '2026-11-02T09:15:00.000Z',
    durationS: 245,
    direction: 'inbound',
    agentName: '张伟',
    inquiryType: '退款',
    analysis: 'pending',
    flags: [],
    risk: 0,
    score: null,
    recordingStatus: 'stored',
    appLink: `https://crm.example.com/agent/apps/callsight/calls/${hubCallId}`,
    customerPhone: PHONE,
    ...overrides,
  };
}

/**
 * The CrmAdapter contract (issue 14): every CRM adapter finds the customer by phone, records a call idempotently
 * (one CRM record per hub call id, whatever the number of deliveries), and updates that same record when the call
 * follows up: the analysis finishes (risk, flags), a QA score is published, then revised after a dispute, the
 * recording is archived, then shredded.
 */
export function describeCrmAdapterContract(crm: CrmName, open: OpenCrmAdapter): void {
  describe(`CrmAdapter contract: ${crm}`, () => {
    let subject: CrmAdapterUnderTest;

    beforeEach(async () => {
      subject = await open();
    });
    afterEach(() => {
      expect(subject.unhandledRequests()).toEqual([]);
    });

    it('finds the customer holding a number, and null for a number nobody holds', async () => {
      const id = subject.addCustomer(PHONE, '李娜');
      const customer = await subject.adapter.findCustomerByPhone(subject.tenantId, PHONE);
      expect(customer).toMatchObject({ crm, id, name: '李娜', matchCount: 1 });
      expect(await subject.adapter.findCustomerByPhone(subject.tenantId, '+8613900000000')).toBeNull();
    });

    it('records a call on the customer: the call record first, then the customer', async () => {
      const id = subject.addCustomer(PHONE, '李娜');
      const result = await subject.adapter.recordCall(subject.tenantId, call());
      expect(result.crm).toBe(crm);
      expect(result.customer).toMatchObject({ id });
      expect(result.links[0]?.crm).toBe(crm);
      expect(result.links[1]).toMatchObject({ crm, id });
      expect(subject.readCallRecord('c_contract_1')?.customerId).toBe(id);
    });

    it('records the same call twice as one record with the same links', async () => {
      subject.addCustomer(PHONE, '李娜');
      const first = await subject.adapter.recordCall(subject.tenantId, call());
      const second = await subject.adapter.recordCall(subject.tenantId, call());
      expect(second.links).toEqual(first.links);
      expect(subject.callRecordCount()).toBe(1);
    });

    it('updates the same record when the analysis finishes: risk and flags appear, the customer stays linked', async () => {
      const id = subject.addCustomer(PHONE, '李娜');
      const ingest = await subject.adapter.recordCall(subject.tenantId, call());
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ risk: null, flags: [], score: null, recordingStatus: 'stored' });

      const analysed = await subject.adapter.recordCall(subject.tenantId, call({ analysis: 'done', risk: 0.81, flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'AGITATED_CUSTOMER'], customerEmotion: 'negative' }));
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ risk: 0.81, flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'AGITATED_CUSTOMER'], score: null, customerId: id });
      expect(analysed.links[0]).toEqual(ingest.links[0]);
      expect(subject.callRecordCount()).toBe(1);
    });

    it('updates the same record when a score is published, and again when a dispute revises it', async () => {
      subject.addCustomer(PHONE, '李娜');
      const done = { analysis: 'done', risk: 0.81, flags: ['SENSITIVE_WORD'] } as const;
      const ingest = await subject.adapter.recordCall(subject.tenantId, call(done));
      await subject.adapter.recordCall(subject.tenantId, call({ ...done, score: 72 }));
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ risk: 0.81, score: 72 });

      const revised = await subject.adapter.recordCall(subject.tenantId, call({ ...done, score: 85, crmRecordId: ingest.links[0]?.id ?? null }));
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ risk: 0.81, flags: ['SENSITIVE_WORD'], score: 85 });
      expect(revised.links[0]).toEqual(ingest.links[0]);
      expect(subject.callRecordCount()).toBe(1);
    });

    it('marks the same record archived, then deleted when the recording is shredded, keeping the customer link', async () => {
      const id = subject.addCustomer(PHONE, '李娜');
      const ingest = await subject.adapter.recordCall(subject.tenantId, call({ analysis: 'done', risk: 0.4, flags: ['SENSITIVE_WORD'], score: 70 }));
      await subject.adapter.recordCall(subject.tenantId, call({ analysis: 'done', risk: 0.4, flags: ['SENSITIVE_WORD'], score: 70, recordingStatus: 'archived' }));
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ recordingStatus: 'archived', risk: 0.4 });

      // Shredding purges what the hub derived from the audio: the CRM keeps the call, its customer and its status only.
      const shredded = await subject.adapter.recordCall(subject.tenantId, call({ analysis: 'none', flags: [], risk: 0, score: null, recordingStatus: 'deleted' }));
      expect(subject.readCallRecord('c_contract_1')).toMatchObject({ recordingStatus: 'deleted', risk: null, flags: [], score: null, customerId: id });
      expect(shredded.links[0]).toEqual(ingest.links[0]);
      expect(subject.callRecordCount()).toBe(1);
    });

    it("answers the URL that opens the call inside the CRM, never the hub's own pages or audio", async () => {
      subject.addCustomer(PHONE, '李娜');
      const result = await subject.adapter.recordCall(subject.tenantId, call());
      expect(result.callUrl).toMatch(/^https:\/\//);
      expect(result.callUrl).not.toMatch(/hub\.example|\/api\/v1\/|\/calls\/c_contract_1\/(audio|playback)|\.(wav|mp3)/);
    });

    it('records a call whose number was withheld without a customer', async () => {
      const result = await subject.adapter.recordCall(subject.tenantId, call({ hubCallId: 'c_withheld', customerPhone: null }));
      expect(result.customer).toBeNull();
      expect(result.links).toHaveLength(1);
      expect(subject.readCallRecord('c_withheld')?.customerId).toBeNull();
    });
  });
}
