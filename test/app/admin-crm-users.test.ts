import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { searchCrmUsers, type CrmUserDirectory } from '../../app/crm';
import { checkZendeskAuth, searchZendeskStaff } from '../../adapters/crm/zendesk/zendesk.users';
import { createZendeskUsersFake } from '../fakes/zendesk-users.fake';
import { auditSpy, principal } from './support/audit-spy';

const clock = { now: () => new Date('2026-06-01T12:00:00.000Z') };
const fake = createZendeskUsersFake({
  subdomain: 'acme',
  email: 'ops@acme.example',
  apiToken: 'zd-token-1',
  users: [
    { id: 1001, name: 'Wang Fang', email: 'wang.fang@acme.example', role: 'agent' },
    { id: 1002, name: 'Wang Lei', email: 'wang.lei@acme.example', role: 'admin' },
    { id: 1003, name: 'Wang Min', email: 'wang.min@acme.example', role: 'agent', suspended: true },
    { id: 35436, name: 'Wang Customer', email: 'customer@example.com', role: 'end-user' },
  ],
});
const server = setupServer(...fake.handlers);
const unhandled: string[] = [];
beforeAll(() => server.listen({ onUnhandledRequest: (request) => void unhandled.push(`${request.method} ${request.url}`) }));
afterEach(() => {
  expect(unhandled).toEqual([]);
  fake.queries.length = 0;
});
afterAll(() => server.close());

const connection = { subdomain: 'acme', auth: { kind: 'api_token' as const, email: 'ops@acme.example', apiToken: 'zd-token-1' } };
const directory = (configured: boolean, apiToken = 'zd-token-1'): CrmUserDirectory => ({
  searchZendeskStaff: async (_tenantId, text) =>
    configured ? searchZendeskStaff({ ...connection, auth: { ...connection.auth, apiToken } }, text, clock) : null,
});

describe('search-crm-users over the Zendesk adapter', () => {
  it('lists active staff (agents and admins) matching the text, never end-users or suspended agents; the event counts them only', async () => {
    const spy = auditSpy();
    const result = await searchCrmUsers.bind({ directory: directory(true), audit: spy.audit })(principal('admin'), { query: ' wang ' });
    expect(result.items).toEqual([
      { id: '1001', name: 'Wang Fang', email: 'wang.fang@acme.example', role: 'agent' },
      { id: '1002', name: 'Wang Lei', email: 'wang.lei@acme.example', role: 'admin' },
    ]);
    expect(fake.queries).toEqual(['role:agent role:admin wang']);
    expect(spy.events).toEqual([expect.objectContaining({ action: 'search_crm_users', outcome: 'allowed', target: 'crm:zendesk', details: { results: 2 } })]);
    expect(JSON.stringify(spy.events)).not.toContain('wang');
  });

  it('CRM_NOT_CONFIGURED without a connection; CRM_AUTH_FAILED (no token in the message) when Zendesk refuses the token', async () => {
    const spy = auditSpy();
    await expect(searchCrmUsers.bind({ directory: directory(false), audit: spy.audit })(principal('admin'), { query: 'wang' })).rejects.toMatchObject({ code: 'CRM_NOT_CONFIGURED' });
    const refused = await searchCrmUsers.bind({ directory: directory(true, 'wrong-token'), audit: spy.audit })(principal('admin'), { query: 'wang' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CRM_AUTH_FAILED' });
    expect(String((refused as Error).message)).not.toContain('wrong-token');
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'crm_not_configured'],
      ['error', 'crm_auth_failed'],
    ]);
  });

  it('refuses an empty search and every role but admin before asking Zendesk', async () => {
    const spy = auditSpy();
    const search = searchCrmUsers.bind({ directory: directory(true), audit: spy.audit });
    await expect(search(principal('admin'), { query: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    for (const role of ['agent', 'qa', 'manager', 'auditor'] as const) await expect(search(principal(role), { query: 'wang' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(fake.queries).toEqual([]);
  });
});

describe('checkZendeskAuth (the connection test)', () => {
  it("answers the authenticated user's role, and CRM_AUTH_FAILED for the anonymous user Zendesk answers to bad credentials", async () => {
    expect(await checkZendeskAuth(connection, clock)).toEqual({ role: 'admin' });
    await expect(checkZendeskAuth({ ...connection, auth: { ...connection.auth, apiToken: 'nope' } }, clock)).rejects.toMatchObject({ code: 'CRM_AUTH_FAILED' });
  });
});
