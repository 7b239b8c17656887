import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDemoUseCases,
  createTenantsUseCases,
  demoPrincipal,
  requireTenant,
  tenantPhoneFilter,
  type TokenClaims,
} from '../../app/tenants';
import { cliActor } from '../../app/calls';
import { SqliteCallRepository, SqliteProviderAccounts } from '../../adapters/storage/sqlite';
import { openTestSqlite } from '../contracts/support/databases';
import { T1 } from '../contracts/support/fixtures';
import { auditSpy, principal } from './support/audit-spy';

const NOW = new Date('2026-06-01T12:00:00.400Z');
const TWILIO_TOKEN = 'twilio-auth-token-0123456789abcdef';
const TWILIO_SID = `AC${'a1'.repeat(16)}`;

async function setup() {
  const sqlite = openTestSqlite();
  const repo = new SqliteCallRepository(sqlite.db);
  const accounts = new SqliteProviderAccounts(sqlite.db);
  const keyed = new Set<string>();
  const issued: TokenClaims[] = [];
  const spy = auditSpy();
  const keys = {
    ensureTenant: (tenantId: string) => void keyed.add(tenantId),
    sealSecret: (tenantId: string, purpose: string, plaintext: string) => new TextEncoder().encode(`sealed:${tenantId}:${purpose}:${plaintext.length}`),
  };
  const tokens = {
    issue: async (claims: TokenClaims) => {
      issued.push(claims);
      return `token-for-${claims.userId}`;
    },
  };
  const clock = { now: () => NOW };
  return {
    tenants: createTenantsUseCases({ tenants: repo, keys, accounts, tokens, clock, audit: spy.audit }),
    demo: createDemoUseCases({ tokens, clock, demo: { tenantId: 'demo', tokenTtlS: 900, qaTeam: 'north' }, audit: spy.audit }),
    repo,
    accounts,
    keyed,
    issued,
    spy,
    close: () => sqlite.close(),
  };
}

let f: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  f = await setup();
});
afterEach(() => f.close());

describe('tenants.add-tenant', () => {
  it('creates the tenant with its keys first and links the provider accounts, sealed; one event in the new tenant', async () => {
    const added = await f.tenants.addTenant(cliActor('acme'), {
      name: 'Acme',
      region: 'us',
      industry: 'finance',
      twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN },
    });
    expect(added).toMatchObject({ tenant: { id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'finance' }, twilioLinked: true });
    expect(f.keyed.has('acme')).toBe(true);
    expect(await f.repo.getTenant('acme')).toMatchObject({ defaultRegion: 'US' });
    const twilio = await f.accounts.find('twilio', TWILIO_SID);
    expect(new TextDecoder().decode(twilio!.sealedSecret)).not.toContain(TWILIO_TOKEN);
    expect(await f.accounts.find('twilio', TWILIO_SID)).toMatchObject({ tenantId: 'acme' });
    expect(f.spy.events).toEqual([
      {
        tenantId: 'acme',
        actor: 'cli',
        role: null,
        action: 'change_settings',
        target: 'tenant:acme',
        outcome: 'allowed',
        reason: 'tenant_add',
        details: { twilio: true },
      },
    ]);
  });

  it('keeps an existing tenant as it is (idempotent)', async () => {
    await f.tenants.addTenant(cliActor('acme'), { name: 'First' });
    const again = await f.tenants.addTenant(cliActor('acme'), { name: 'Second' });
    expect(again.tenant.name).toBe('First');
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['allowed', 'allowed']);
  });

  it.each([
    ['a region that is not two letters', { region: 'CHN' }, 'region'],
    ['a Zendesk shared secret (signed URLs replaced it)', { zendesk: { subdomain: 'acme', sharedSecret: 'short-secret' } }, 'zendesk'],
    ['a short Twilio token', { twilio: { accountSid: TWILIO_SID, authToken: 'short-secret' } }, 'twilio.authToken'],
    ['a Twilio SID of the wrong form', { twilio: { accountSid: 'AC123', authToken: TWILIO_TOKEN } }, 'twilio.accountSid'],
    ['an unknown industry', { industry: 'mining' }, 'industry'],
  ])('refuses %s with VALIDATION_FAILED and writes nothing', async (_name, request, path) => {
    const error = (await f.tenants.addTenant(cliActor('acme'), request as never).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('short-secret');
    expect(await f.repo.getTenant('acme')).toBeNull();
    expect(f.keyed.size).toBe(0);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });

  it('refuses a tenant id that could not appear in paths', async () => {
    await expect(f.tenants.addTenant(cliActor('../acme'), {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(f.keyed.size).toBe(0);
  });

  it('is for the system only: an admin of a tenant gets FORBIDDEN, one denied event (system_only)', async () => {
    await expect(f.tenants.addTenant(principal('admin'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'system_only', role: 'admin' })]);
  });
});

describe('tenants.issue-token', () => {
  beforeEach(async () => {
    await f.repo.upsertTenant(T1);
  });

  it('issues a token for a user of the operator\'s tenant, audited by user and role, never the token', async () => {
    const token = await f.tenants.issueToken(cliActor('t1'), { userId: 'u-1', role: 'qa', teams: ['north', ' south '], ttlS: 600 });
    expect(token).toBe('token-for-u-1');
    expect(f.issued).toEqual([{ tenantId: 't1', userId: 'u-1', role: 'qa', teams: ['north', 'south'], queues: [], ttlS: 600 }]);
    expect(f.spy.events).toEqual([
      { tenantId: 't1', actor: 'cli', role: null, action: 'issue_token', target: 'user:u-1', outcome: 'allowed', details: { role: 'qa', ttlS: 600 } },
    ]);
    expect(JSON.stringify(f.spy.events)).not.toContain(token);
  });

  it.each([
    ['an agent without an agent id', { userId: 'u-2', role: 'agent' }, 'agentId'],
    ['a lifetime over 30 days', { userId: 'u-2', role: 'admin', ttlS: 31 * 86_400 }, 'ttlS'],
    ['an unknown role', { userId: 'u-2', role: 'owner' }, 'role'],
  ])('refuses %s with VALIDATION_FAILED and issues nothing', async (_name, request, path) => {
    const error = (await f.tenants.issueToken(cliActor('t1'), request as never).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.message).toMatch(new RegExp(`^Invalid token request: .*${path}`));
    expect(f.issued).toEqual([]);
  });

  it('answers NOT_FOUND for a tenant the hub does not have, naming the command that creates it', async () => {
    await expect(f.tenants.issueToken(cliActor('nobody'), { userId: 'u', role: 'admin' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('callsight tenant add nobody'),
    });
    expect(f.issued).toEqual([]);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'not_found' })]);
  });

  it('is for the system only', async () => {
    await expect(f.tenants.issueToken(principal('admin'), { userId: 'u', role: 'admin' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'issue_token', outcome: 'denied', reason: 'system_only' })]);
  });
});

describe('tenants.issue-demo-token and demoPrincipal', () => {
  const demo = { tenantId: 'demo', tokenTtlS: 900, qaTeam: 'north' };
  const agents = [{ id: 'a-chenjing' }, { id: 'a-lina' }];

  it('turns a role choice into the demo identity: the first agent by default, the QA team for qa', () => {
    expect(demoPrincipal({ role: 'agent' }, agents, demo)).toMatchObject({ userId: 'demo-agent-a-chenjing', role: 'agent', agentId: 'a-chenjing' });
    expect(demoPrincipal({ role: 'agent', agentId: 'a-lina' }, agents, demo)).toMatchObject({ userId: 'demo-agent-a-lina' });
    expect(demoPrincipal({ role: 'qa' }, agents, demo)).toMatchObject({ userId: 'demo-qa', teams: ['north'] });
    expect(demoPrincipal({ role: 'admin' }, agents, demo)).toMatchObject({ userId: 'demo-admin', teams: [] });
    expect(() => demoPrincipal({ role: 'agent', agentId: 'a-nobody' }, agents, demo)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('issues the token as that identity, expiring tokenTtlS after the issuing second; audited as a session exchange', async () => {
    const visitor = demoPrincipal({ role: 'qa' }, agents, demo);
    const session = await f.demo.issueDemoToken(visitor, undefined);
    expect(session).toEqual({ token: 'token-for-demo-qa', expiresAt: '2026-06-01T12:15:00.000Z', role: 'qa', teams: ['north'] });
    expect(f.issued).toEqual([{ tenantId: 'demo', userId: 'demo-qa', role: 'qa', teams: ['north'], ttlS: 900 }]);
    expect(f.spy.events).toEqual([
      { tenantId: 'demo', actor: 'demo-qa', role: 'qa', action: 'session_exchange', target: null, outcome: 'allowed', reason: 'demo_token' },
    ]);
  });

  it('issues demo tokens for the demo tenant only', async () => {
    await expect(f.demo.issueDemoToken(principal('admin'), undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.issued).toEqual([]);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'not_demo_tenant' })]);
  });
});

describe('the tenant lookup', () => {
  it('finds a tenant or answers NOT_FOUND, and reads phone filters in the tenant\'s region', async () => {
    await f.repo.upsertTenant({ ...T1, defaultRegion: 'US' });
    await expect(requireTenant(f.repo, 't1')).resolves.toMatchObject({ id: 't1' });
    await expect(requireTenant(f.repo, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await tenantPhoneFilter(f.repo, 't1', '(415) 555-0100')).toBe('+14155550100');
    expect(await tenantPhoneFilter(f.repo, 'nobody', '138 1234 5678')).toBe('+8613812345678');
    await expect(tenantPhoneFilter(f.repo, 't1', '12')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
