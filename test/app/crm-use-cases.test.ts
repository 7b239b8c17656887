import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildRecordCallPayload,
  createCrmUseCases,
  crmBackoff,
  drainCrmOutbox,
  findZendeskInstallationTenant,
  openZendeskConnection,
  recordCallMessagesFor,
  ZENDESK_SESSION_TTL_S,
  type ConnectZendeskRequest,
  type CrmUseCasePorts,
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
      message: expect.stringMatching(/shared_secret/),
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

describe('CRM sync through the outbox', () => {
  it("queues one crm.record_call with the call's agent and app link for a connected tenant, none for others or misdials", async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    const follow = { ...ports, ids: { newId: (p: string) => `${p}_1` }, fallbackAppLinkBase: 'http://localhost' };
    const call = makeCall(1);
    expect(await recordCallMessagesFor(follow, call)).toEqual([
      {
        id: 'obx_1',
        tenantId: 't1',
        kind: 'crm.record_call',
        payload: { crm: 'zendesk', call: expect.objectContaining({ hubCallId: 'c01', agentName: 'Li Na', appLink: 'https://callsight.example.com/calls/c01', customerPhone: '+8613800000000' }) },
      },
    ]);
    expect(await recordCallMessagesFor(follow, makeCall(2, { status: 'misdial' }))).toEqual([]);
    expect(await recordCallMessagesFor(follow, makeCall(3, { tenantId: 't2' }))).toEqual([]);
    expect(buildRecordCallPayload(makeCall(4, { durationS: 100_000 }), null, 'https://x.example/calls/')?.call).toMatchObject({ durationS: 86_400, appLink: 'https://x.example/calls/c04' });
  });

  it('delivers queued messages to the CRM adapter and marks them done; failures are logged by code only', async () => {
    await crm().connectZendesk(cliActor('t1'), CONNECTION);
    const follow = { ...ports, ids: { newId: (p: string) => `${p}_${Math.random().toString(36).slice(2)}` }, fallbackAppLinkBase: 'http://localhost' };
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
