import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attachCrmFollowUps,
  buildCrmCallRecord,
  createCrmUseCases,
  crmBackoff,
  drainCrmOutbox,
  findZendeskInstallationTenant,
  notifyCrmFollowUp,
  openSalesforceConnection,
  openZendeskConnection,
  queueCrmUpdate,
  recordCallMessagesFor,
  ZENDESK_SESSION_TTL_S,
  type ConnectSalesforceRequest,
  type CrmFollowUpPorts,
  type ConnectZendeskRequest,
  type CrmUseCasePorts,
  type SalesforceConnectionSpec,
  type ZendeskConnectionSpec,
} from '../../app/crm/index';
import { cliActor, systemActor } from '../../app/shared/actor';
import { zendeskSessionResponseSchema } from '../../core/api/crm.api';
import type { CrmCallRecord } from '../../core/crm/crm-adapter.port';
import { CrmUnavailableError } from '../../core/crm/crm.errors';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { makeCall } from '../contracts/support/fixtures';
import { fakeKeys, openAnalysisStorage, TENANT } from './analysis-fakes';
import { auditSpy, principal } from './support/audit-spy';

const NOW = new Date('2026-06-01T12:00:00.500Z');
const API_TOKEN = 'zdTOKENs3cr3t6b9a1f0e';
const CONNECTION: ConnectZendeskRequest = {
  subdomain: 'Acme',
  email: 'sync@acme.example',
  apiToken: API_TOKEN,
  notes: { enabled: true },
  appLinkBase: 'https://callsight.example.com/calls',
};

let opened: Awaited<ReturnType<typeof openAnalysisStorage>>;
let spy: ReturnType<typeof auditSpy>;
let issued: Record<string, unknown>[];
let checked: ZendeskConnectionSpec[];
let checkedSalesforce: SalesforceConnectionSpec[];
let ports: CrmUseCasePorts & { readonly connections: CrmConnectionStore; readonly calls: CallRepository; readonly keys: typeof fakeKeys };

function crm() {
  return createCrmUseCases({ ...ports, audit: spy.audit });
}

beforeEach(async () => {
  opened = await openAnalysisStorage();
  const { storage } = opened;
  await storage.calls.upsertTenant(TENANT);
  await storage.calls.upsertTenant({ ...TENANT, id: 't2', name: 'Tenant Two' });
  await storage.calls.upsertAgent({ tenantId: 't1', id: 'a1', name: 'Li Na', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  await storage.accounts.save(
    {
      provider: 'zendesk',
      accountId: 'acme',
      tenantId: 't1',
      sealedSecret: fakeKeys.sealSecret('t1', 'zendesk', 'shared-secret'),
      settings: { roles: { 'QA Team': 'qa' }, users: { '1001': { role: 'agent', agentId: 'a1' } }, other: 'kept' },
    },
    NOW,
  );
  spy = auditSpy();
  issued = [];
  checked = [];
  checkedSalesforce = [];
  ports = {
    calls: storage.calls,
    accounts: storage.accounts,
    connections: storage.connections,
    keys: fakeKeys,
    clock: { now: () => NOW },
    tokens: {
      async issue(claims) {
        issued.push({ ...claims });
        return `token-for-${claims.userId}`;
      },
    },
    zendesk: {
      checkZendeskConnection(spec) {
        checked.push(spec);
        if (!spec.email.includes('@')) throw new CallsightError('VALIDATION_FAILED', 'invalid Zendesk connection: auth.email must be an email');
      },
    },
    certificates: { readSalesforceCertificate: () => ({ publicKeyPem: 'pem', sha256: '0'.repeat(64), notAfter: '2030-01-01T00:00:00.000Z' }) },
    assertions: { spend: async () => true },
    salesforce: {
      checkSalesforceConnection(spec) {
        checkedSalesforce.push(spec);
        if (!spec.privateKeyPem.includes('BEGIN PRIVATE KEY')) throw new CallsightError('VALIDATION_FAILED', 'invalid Salesforce connection: privateKeyPem must be a PKCS#8 PEM');
      },
    },
  };
});
afterEach(async () => opened.close());

describe('crm.connect-zendesk', () => {
  it('stores the connection with the token sealed under the tenant key; one allowed event without the token', async () => {
    await expect(crm().connectZendesk(cliActor('t1'), CONNECTION)).resolves.toEqual({ subdomain: 'acme', notes: true });
    const row = await opened.storage.connections.get('t1', 'zendesk');
    expect(row).toMatchObject({ accountId: 'acme', settings: { email: 'sync@acme.example', notes: { enabled: true, locale: 'en' } } });
    expect(fakeKeys.openSecret('t1', 'zendesk-api-token', row!.sealedSecret)).toBe(API_TOKEN);
    expect(checked).toEqual([expect.objectContaining({ subdomain: 'acme', apiToken: API_TOKEN })]);
    expect(await openZendeskConnection(ports, 't1')).toEqual({
      subdomain: 'acme',
      email: 'sync@acme.example',
      apiToken: API_TOKEN,
      notes: { enabled: true, locale: 'en' },
    });
    expect(spy.events).toEqual([
      expect.objectContaining({ actor: 'cli', role: null, action: 'change_settings', target: 'tenant:t1', outcome: 'allowed', reason: 'zendesk_connect' }),
    ]);
    expect(JSON.stringify(spy.events)).not.toContain(API_TOKEN);
  });

  it.each([
    [{ appLinkBase: 'http://callsight.example.com/calls' }, /https/],
    [{ appLinkBase: 'https://callsight.example.com/api/v1/playback' }, /not an audio file or playback URL/],
    [{ email: 'not-an-email' }, /auth\.email/],
    [{ appLinkBase: 'not a url' }, /appLinkBase/],
  ])('refuses %j with VALIDATION_FAILED, storing nothing', async (override, message) => {
    await expect(crm().connectZendesk(cliActor('t1'), { ...CONNECTION, ...override })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(await opened.storage.connections.get('t1', 'zendesk')).toBeNull();
    expect(spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });

  it('refuses a tenant that does not exist (NOT_FOUND) and every role but admin', async () => {
    await expect(crm().connectZendesk(cliActor('nosuch'), CONNECTION)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No tenant "nosuch"/) });
    await expect(crm().connectZendesk(principal('manager'), CONNECTION)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(crm().connectZendesk(principal('admin'), CONNECTION)).resolves.toMatchObject({ subdomain: 'acme' });
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'not_found'],
      ['denied', 'role_not_permitted'],
      ['allowed', 'zendesk_connect'],
    ]);
  });
});

describe('crm.get-zendesk-roles and crm.update-zendesk-roles', () => {
  it('reads the mapping, then merges roles and users and removes users, keeping the other account settings', async () => {
    const operator = cliActor(await findZendeskInstallationTenant(opened.storage.accounts, 'ACME'));
    expect(await crm().getZendeskRoles(operator, { subdomain: 'acme' })).toEqual({ roles: { 'qa team': 'qa' }, users: { '1001': { role: 'agent', agentId: 'a1' } } });
    const updated = await crm().updateZendeskRoles(operator, {
      subdomain: 'acme',
      roles: { Reviewers: 'qa' },
      users: { '1002': { role: 'qa', teams: ['north'] } },
      removeUsers: ['1001'],
    });
    expect(updated).toEqual({ roles: { 'qa team': 'qa', reviewers: 'qa' }, users: { '1002': { role: 'qa', teams: ['north'] } } });
    expect((await opened.storage.accounts.find('zendesk', 'acme'))?.settings).toMatchObject({ other: 'kept', users: { '1002': { role: 'qa' } } });
    expect(spy.events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['view_settings', 'allowed', 'zendesk_roles'],
      ['change_settings', 'allowed', 'zendesk_roles'],
    ]);
  });

  it('replaces the whole mapping with `replace`, and refuses a grant it could not honour, changing nothing', async () => {
    const operator = cliActor('t1');
    await expect(crm().updateZendeskRoles(operator, { subdomain: 'acme', replace: { users: { '1003': { role: 'agent' } } } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/agentId/),
    });
    await expect(crm().updateZendeskRoles(operator, { subdomain: 'acme', replace: { roles: { admin: 'root' } } })).rejects.toThrow(/roles\.admin/);
    expect(await crm().getZendeskRoles(operator, { subdomain: 'acme' })).toMatchObject({ users: { '1001': { role: 'agent' } } });
    await expect(crm().updateZendeskRoles(operator, { subdomain: 'acme', replace: { users: {} } })).resolves.toEqual({ roles: {}, users: {} });
  });

  it("answers NOT_FOUND for an unknown installation and for another tenant's, exactly alike", async () => {
    await expect(findZendeskInstallationTenant(opened.storage.accounts, 'nosuch')).rejects.toThrow(/No Zendesk installation "nosuch"/);
    const unknown = await crm().getZendeskRoles(cliActor('t1'), { subdomain: 'nosuch' }).catch((e: unknown) => e);
    const foreign = await crm().updateZendeskRoles(cliActor('t2'), { subdomain: 'acme', removeUsers: ['1001'] }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND' });
    expect(foreign).toMatchObject({ code: 'NOT_FOUND' });
    expect((foreign as Error).message.replaceAll('acme', 'nosuch')).toBe((unknown as Error).message);
    expect((await opened.storage.accounts.find('zendesk', 'acme'))?.settings).toMatchObject({ users: { '1001': { role: 'agent' } } });
    expect(spy.events.map((e) => [e.tenantId, e.outcome, e.reason])).toEqual([
      ['t1', 'denied', 'not_found_or_other_tenant'],
      ['t2', 'denied', 'not_found_or_other_tenant'],
    ]);
  });
});

describe('crm.exchange-zendesk-session', () => {
  it("issues a hub token with exactly the mapped rights for the session TTL; the granted role is in the event's details", async () => {
    const session = await crm().exchangeZendeskSession(systemActor('t1', 'zendesk:1001'), { outcome: 'verified', subdomain: 'acme', userId: '1001', zendeskRole: 'Agent' });
    expect(zendeskSessionResponseSchema.parse(session)).toEqual({
      token: 'token-for-zendesk:1001',
      expiresAt: new Date(Date.parse('2026-06-01T12:00:00Z') + ZENDESK_SESSION_TTL_S * 1000).toISOString(),
      principal: { userId: 'zendesk:1001', role: 'agent', agentId: 'a1', teams: [], queues: [] },
    });
    expect(issued).toEqual([{ tenantId: 't1', userId: 'zendesk:1001', role: 'agent', agentId: 'a1', teams: [], queues: [], ttlS: 600 }]);
    expect(spy.events).toEqual([
      expect.objectContaining({ actor: 'zendesk:1001', role: null, action: 'session_exchange', outcome: 'allowed', reason: 'zendesk_jwt', details: { role: 'agent', zendeskRole: 'Agent', ttlS: 600 } }),
    ]);
    expect(JSON.stringify(spy.events)).not.toContain('token-for');
  });

  it.each([
    [{ userId: '4242', zendeskRole: 'admin' }, 'user_not_mapped'],
    [{ userId: '1001', zendeskRole: 'admin' }, 'zendesk_role_mismatch'],
    [{ userId: '1001', zendeskRole: 'end-user' }, 'zendesk_role_not_mapped'],
  ])('gives %j no session (FORBIDDEN, one denied event with the reason)', async (claims, reason) => {
    await expect(crm().exchangeZendeskSession(systemActor('t1', `zendesk:${claims.userId}`), { outcome: 'verified', subdomain: 'acme', ...claims })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/Callsight admin/),
    });
    expect(issued).toEqual([]);
    expect(spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason })]);
  });

  it('records a refused JWT as UNAUTHENTICATED saying what to fix; refuses users and installations of other tenants', async () => {
    await expect(crm().exchangeZendeskSession(systemActor('t1', 'zendesk-session'), { outcome: 'rejected', subdomain: 'acme', reason: 'signature' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/public key registered/),
    });
    await expect(crm().exchangeZendeskSession(systemActor('t2', 'zendesk:1001'), { outcome: 'verified', subdomain: 'acme', userId: '1001', zendeskRole: 'agent' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(crm().exchangeZendeskSession(principal('admin'), { outcome: 'rejected', subdomain: 'acme', reason: 'missing' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(issued).toEqual([]);
    expect(spy.events.map((e) => [e.actor, e.outcome, e.reason])).toEqual([
      ['zendesk-session', 'denied', 'zendesk_jwt_signature'],
      ['zendesk:1001', 'denied', 'zendesk_jwt_unknown_account'],
      ['u-admin', 'denied', 'system_only'],
    ]);
  });
});

const SALESFORCE: ConnectSalesforceRequest = {
  orgId: '00D5g000004ABCDEAA',
  loginUrl: 'https://login.salesforce.com',
  consumerKey: '3MVG9connectedAppKey',
  username: 'integration@acme.example',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBg\n-----END PRIVATE KEY-----',
};

describe('crm.connect-salesforce', () => {
  it('stores the connection under the org id with the key sealed; one allowed event without the key', async () => {
    await expect(crm().connectSalesforce(cliActor('t1'), SALESFORCE)).resolves.toEqual({ orgId: '00D5g000004ABCDEAA', username: 'integration@acme.example', tagFields: 0 });
    const row = await opened.storage.connections.get('t1', 'salesforce');
    expect(row).toMatchObject({ accountId: '00D5g000004ABCDEAA', settings: { loginUrl: 'https://login.salesforce.com', consumerKey: '3MVG9connectedAppKey', username: 'integration@acme.example' } });
    expect(JSON.stringify(row?.settings)).not.toContain('PRIVATE KEY');
    expect(await openSalesforceConnection(ports, 't1')).toEqual({ orgId: '00D5g000004ABCDEAA', settings: row?.settings, privateKeyPem: SALESFORCE.privateKeyPem });
    expect(spy.events).toEqual([expect.objectContaining({ action: 'change_settings', outcome: 'allowed', reason: 'salesforce_connect' })]);
    expect(JSON.stringify(spy.events)).not.toContain('PRIVATE KEY');
  });

  it('refuses a bad org id or key with VALIDATION_FAILED, never echoing the key, and saves nothing', async () => {
    await expect(crm().connectSalesforce(cliActor('t1'), { ...SALESFORCE, orgId: '001ABC' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/orgId/) });
    const bad = (await crm().connectSalesforce(cliActor('t1'), { ...SALESFORCE, privateKeyPem: 'not-a-key-s3cr3t' }).catch((e: unknown) => e)) as Error;
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/PKCS#8/) });
    expect(bad.message).not.toContain('s3cr3t');
    expect(await opened.storage.connections.get('t1', 'salesforce')).toBeNull();
    await expect(crm().connectSalesforce(principal('agent'), SALESFORCE)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

/** The follow-up ports over the test's storage; analysis and scores come from what the test puts in them. */
function followUpPorts(extra: { analysis?: unknown; evaluations?: unknown[]; disputes?: unknown[]; transcription?: boolean } = {}): CrmFollowUpPorts {
  let n = 0;
  return {
    calls: opened.storage.calls,
    transcripts: { getAnalysis: async () => (extra.analysis ?? null) as never, getTranscript: async () => null },
    quality: { listEvaluationsForCall: async () => (extra.evaluations ?? []) as never, listDisputesForCalls: async () => (extra.disputes ?? []) as never },
    connections: opened.storage.connections,
    transcriptionExpected: () => extra.transcription ?? true,
    outbox: opened.storage.outbox,
    ids: { newId: (p: string) => `${p}_${++n}` },
    clock: { now: () => NOW },
  };
}

const ANALYSIS = { flags: [{ code: 'SENSITIVE_WORD' }, { code: 'MISSING_SCRIPT' }, { code: 'SENSITIVE_WORD' }, { code: 'AGITATED_CUSTOMER' }], risk: 0.81, emotion: { customer: { label: 'negative' } } };

function evaluation(id: string, reviewerId: string, total: number, createdAt: string) {
  return {
    id,
    callId: 'c01',
    agentId: 'a1',
    reviewerId,
    callStartedAt: '2026-05-01T00:00:00Z',
    scorecard: { scorecardId: 'default', version: 2 },
    answers: [],
    clips: [],
    score: { scorecard: { scorecardId: 'default', version: 2 }, criteria: [], sections: [{ sectionId: 'compliance', weight: 30, appliedWeightPct: 100, score: total }], total, totalBeforeCritical: total, criticalFailed: false, failedCriticalIds: [] },
    createdAt,
  };
}

describe('CRM sync through the outbox', () => {
  it('queues one crm.record_call per connected CRM, with the link that opens the call inside that CRM; none for others or misdials', async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    const follow = followUpPorts();
    const call = makeCall(1);
    expect(await recordCallMessagesFor(follow, call)).toEqual([
      {
        id: 'obx_1',
        tenantId: 't1',
        kind: 'crm.record_call',
        payload: {
          crm: 'zendesk',
          call: expect.objectContaining({
            hubCallId: 'c01',
            agentName: 'Li Na',
            analysis: 'pending',
            recordingStatus: 'stored',
            appLink: 'https://acme.zendesk.com/agent/apps/callsight/calls/c01',
            customerPhone: '+8613800000000',
          }),
        },
      },
    ]);
    await crm().connectSalesforce(cliActor('t1'), SALESFORCE);
    const both = await recordCallMessagesFor(followUpPorts({ transcription: false }), call);
    expect(both.map((m) => (m.payload as { crm: string }).crm)).toEqual(['zendesk', 'salesforce']);
    expect((both[1]?.payload as { call: unknown }).call).toMatchObject({ appLink: null, analysis: 'none' });
    expect(await recordCallMessagesFor(follow, makeCall(2, { status: 'misdial' }))).toEqual([]);
    expect(await recordCallMessagesFor(follow, makeCall(3, { tenantId: 't2' }))).toEqual([]);
  });

  it("builds the record from the call's state now: analysis, score after disputes, recording status, the CRM's own record id", async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    await crm().connectSalesforce(cliActor('t1'), SALESFORCE);
    await opened.storage.calls.insertCall(makeCall(1));
    expect(await buildCrmCallRecord(followUpPorts(), 't1', 'c01', 'zendesk')).toMatchObject({ analysis: 'pending', risk: 0, flags: [], score: null });

    const first = evaluation('ev1', 'qa1', 60, '2026-06-01T10:00:00Z');
    const second = evaluation('ev2', 'qa2', 80, '2026-06-01T11:00:00Z');
    const revised = evaluation('ev3', 'qa1', 90, '2026-06-01T12:00:00Z');
    const scored = followUpPorts({ analysis: ANALYSIS, evaluations: [first, second] });
    expect(await buildCrmCallRecord(scored, 't1', 'c01', 'zendesk')).toMatchObject({
      analysis: 'done',
      risk: 0.81,
      flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'AGITATED_CUSTOMER'],
      customerEmotion: 'negative',
      score: 70,
    });
    const disputed = followUpPorts({
      analysis: ANALYSIS,
      evaluations: [first, second, revised],
      disputes: [{ id: 'd1', evaluationId: 'ev1', callId: 'c01', status: 'resolved', outcome: 'changed', openedAt: '2026-06-01T11:30:00Z', revisedEvaluationId: 'ev3' }],
    });
    expect((await buildCrmCallRecord(disputed, 't1', 'c01', 'salesforce'))?.score).toBe(85);

    await opened.storage.calls.setCrmLinks('t1', 'c01', [
      { crm: 'zendesk', objectType: 'custom_object_record:callsight_call', id: '01JREC' },
      { crm: 'salesforce', objectType: 'Call_Recording__c', id: 'a0B5g00000XyZ12AAA' },
    ]);
    await opened.storage.calls.updateCallStatus('t1', 'c01', 'archived');
    expect(await buildCrmCallRecord(scored, 't1', 'c01', 'salesforce')).toMatchObject({ recordingStatus: 'archived', crmRecordId: 'a0B5g00000XyZ12AAA', appLink: null });
    expect(await buildCrmCallRecord(scored, 't1', 'c01', 'zendesk')).toMatchObject({ recordingStatus: 'archived', crmRecordId: '01JREC' });
    expect(await buildCrmCallRecord(scored, 't2', 'c01', 'zendesk')).toBeNull();
  });

  it('queues the update for every CRM the call is on, with the evaluations for Salesforce when the score changes', async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    await crm().connectSalesforce(cliActor('t1'), SALESFORCE);
    await opened.storage.calls.insertCall(makeCall(1));
    const ports = followUpPorts({ analysis: ANALYSIS, evaluations: [evaluation('ev1', 'qa1', 72, '2026-06-01T10:00:00Z')] });
    expect(await queueCrmUpdate(ports, 't1', 'c01', 'analysis')).toBe(2);
    expect(await queueCrmUpdate(ports, 't1', 'c01', 'score')).toBe(3);
    const queued = await opened.storage.outbox.list('t1');
    expect(queued.map((m) => [m.kind, (m.payload as { crm: string }).crm])).toEqual([
      ['crm.record_call', 'zendesk'],
      ['crm.record_call', 'salesforce'],
      ['crm.record_call', 'zendesk'],
      ['crm.record_call', 'salesforce'],
      ['crm.record_evaluation', 'salesforce'],
    ]);
    expect(queued[4]?.payload).toMatchObject({ evaluation: { hubEvaluationId: 'ev1', hubCallId: 'c01', totalScore: 72, status: 'published', disputeState: 'none' } });
    expect(queued[3]?.payload).toMatchObject({ call: { risk: 0.81, score: 72 } });

    await opened.storage.calls.insertCall(makeCall(2, { status: 'misdial' }));
    expect(await queueCrmUpdate(ports, 't1', 'c02', 'recording')).toBe(0);
    expect(await queueCrmUpdate(ports, 't1', 'c_missing', 'recording')).toBe(0);
  });

  it('reaches the follow-up through any store it is attached to, and nothing through other objects', async () => {
    const seen: string[] = [];
    const store = {};
    attachCrmFollowUps([store], { callChanged: async (tenantId, callId, reason) => void seen.push(`${tenantId}/${callId}/${reason}`) });
    await notifyCrmFollowUp(store, 't1', 'c01', 'score');
    await notifyCrmFollowUp({}, 't1', 'c02', 'score');
    expect(seen).toEqual(['t1/c01/score']);
  });

  it('delivers queued messages to the CRM adapter and marks them done; failures are logged by code only', async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    const follow = followUpPorts();
    for (const n of [1, 2]) {
      const call = makeCall(n);
      await opened.storage.calls.insertCall(call, { outbox: await recordCallMessagesFor(follow, call) });
    }
    const delivered: CrmCallRecord[] = [];
    const lines: string[] = [];
    let failNext = true;
    const adapter = {
      crm: 'zendesk' as const,
      findCustomerByPhone: async () => null,
      async recordCall(_tenantId: string, record: CrmCallRecord) {
        if (failNext) {
          failNext = false;
          throw new CrmUnavailableError('zendesk', 'recordCall', `down while sending ${record.customerPhone}`);
        }
        delivered.push(record);
        return { links: [] } as never;
      },
    };
    let now = Date.parse('2026-06-01T12:00:00Z');
    const drain = () =>
      drainCrmOutbox({ outbox: opened.storage.outbox, adapters: { zendesk: adapter }, clock: { now: () => new Date(now) }, backoff: crmBackoff({ next: () => 0 }), log: (l) => lines.push(l) });
    // An unavailable CRM pauses the tenant's lane: the other message waits for the next pass.
    expect(await drain()).toMatchObject({ claimed: 2, recorded: 0, retried: 1, released: 1 });
    now += 3_600_000;
    expect(await drain()).toMatchObject({ recorded: 2 });
    expect(delivered.map((r) => r.hubCallId).sort()).toEqual(['c01', 'c02']);
    expect(await opened.storage.outbox.counts('crm.record_call')).toEqual({ pending: 0, done: 2, dead: 0 });
    expect(lines).toEqual([expect.stringMatching(/^crm sync: message \S+ retry \(CRM_UNAVAILABLE\)$/)]);
  });
});
