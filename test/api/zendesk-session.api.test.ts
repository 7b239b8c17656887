import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestHub, type TestHub } from '../support/hub';
import { zendeskSessionResponseSchema } from '../../core/api/crm.api';
import { errorBodySchema } from '../../core/api/common.api';

const ACME_SECRET = 'acme-shared-secret-7f3a9c1e5b2d';
const GLOBEX_SECRET = 'globex-shared-secret-0b8e4d6a2c9f';
const SESSION = '/api/v1/session/zendesk';

let hub: TestHub;

interface Claims {
  iss?: string;
  aud?: string;
  sub?: string;
  role?: string;
  iat?: number;
  exp?: number;
}

/** A JWT as Zendesk's proxy signs it for the app: HS256 with the installation's shared_secret, 60 s. */
async function zendeskJwt(claims: Claims = {}, secret = ACME_SECRET): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  const { iat = nowS, exp = nowS + 60, ...rest } = claims;
  return new SignJWT({ iss: 'acme', aud: 'callsight', sub: '1001', role: 'agent', ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

async function exchange(token: string | null, headers: Record<string, string> = {}) {
  const response = await fetch(`${hub.url}${SESSION}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...headers },
    body: '{}',
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function lastAudit(tenantId: string) {
  return (await hub.hub.auditLog.query(tenantId, { action: 'session_exchange', limit: 1000 })).at(-1);
}

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 20 });
  const now = new Date();
  // Zendesk account `acme` is the demo tenant's helpdesk; `globex` belongs to another tenant.
  hub.hub.accounts.save(
    {
      provider: 'zendesk',
      accountId: 'acme',
      tenantId: 'demo',
      sealedSecret: hub.hub.keys.sealSecret('demo', 'zendesk', ACME_SECRET),
      settings: {
        roles: { 'QA Reviewers': 'qa' },
        users: {
          '1001': { role: 'agent', agentId: 'a-zhangwei' },
          '1002': { role: 'qa', teams: ['north'] },
          '1003': { role: 'admin' },
        },
      },
    },
    now,
  );
  await hub.hub.ensureTenant({ id: 'other', name: 'Other', defaultRegion: 'CN', industry: 'general' });
  hub.hub.accounts.save(
    { provider: 'zendesk', accountId: 'globex', tenantId: 'other', sealedSecret: hub.hub.keys.sealSecret('other', 'zendesk', GLOBEX_SECRET), settings: {} },
    now,
  );
});

afterAll(async () => {
  await hub?.close();
});

describe('POST /api/v1/session/zendesk', () => {
  it("swaps a valid Zendesk JWT for a hub token carrying the mapped agent's rights only", async () => {
    const { status, headers, body } = await exchange(await zendeskJwt());
    expect(status).toBe(200);
    zendeskSessionResponseSchema.parse(body);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body.principal).toEqual({ userId: 'zendesk:1001', role: 'agent', agentId: 'a-zhangwei', teams: [], queues: [] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(500_000);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);

    const list = await fetch(`${hub.url}/api/v1/calls?limit=200`, { headers: { Authorization: `Bearer ${body.token}` } });
    const items = ((await list.json()) as { items: { agentId: string | null }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((call) => call.agentId))).toEqual(new Set(['a-zhangwei']));
    // Run by the exchange use-case as the system actor of the verified Zendesk user: the granted role is in the details.
    expect(await lastAudit('demo')).toMatchObject({
      actor: 'zendesk:1001',
      role: null,
      outcome: 'allowed',
      reason: 'zendesk_jwt',
      details: { role: 'agent', zendeskRole: 'agent', ttlS: 600 },
    });
  });

  it('maps a custom Zendesk role by name (any case) to the mapped QA scope', async () => {
    const { status, body } = await exchange(await zendeskJwt({ sub: '1002', role: 'qa reviewers' }));
    expect(status).toBe(200);
    expect(body.principal).toMatchObject({ role: 'qa', teams: ['north'] });
  });

  it.each([
    ['wrong secret', () => zendeskJwt({}, 'not-the-installation-secret-123'), 'zendesk_jwt_signature', /signature/],
    ['expired', () => zendeskJwt({ iat: Math.floor(Date.now() / 1000) - 300, exp: Math.floor(Date.now() / 1000) - 120 }), 'zendesk_jwt_expired', /expired/],
    ['valid for too long', () => zendeskJwt({ exp: Math.floor(Date.now() / 1000) + 3600 }), 'zendesk_jwt_lifetime', /too long/],
    ['another audience', () => zendeskJwt({ aud: 'someone-else' }), 'zendesk_jwt_audience', /audience/],
    ['no role claim', () => zendeskJwt({ role: '' }), 'zendesk_jwt_claims', /claims/],
    ['a non-numeric user id', () => zendeskJwt({ sub: 'admin' }), 'zendesk_jwt_claims', /claims/],
  ])('refuses a JWT with %s and audits the refusal', async (_name, make, reason, message) => {
    const { status, body } = await exchange(await make());
    expect(status).toBe(401);
    expect(errorBodySchema.parse(body).error.code).toBe('UNAUTHENTICATED');
    expect(body.error.message).toMatch(message);
    expect(body.token).toBeUndefined();
    expect(await lastAudit('demo')).toMatchObject({ actor: 'zendesk-session', role: null, outcome: 'denied', reason });
  });

  it('refuses a JWT for a subdomain this hub does not know', async () => {
    const { status, body } = await exchange(await zendeskJwt({ iss: 'nosuchaccount' }));
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/not connected to this hub/);
  });

  it("refuses a JWT signed with one account's secret but claiming another subdomain", async () => {
    const before = (await hub.hub.auditLog.query('other', { action: 'session_exchange', limit: 1000 })).length;
    const { status } = await exchange(await zendeskJwt({ iss: 'globex' }, ACME_SECRET));
    expect(status).toBe(401);
    const events = await hub.hub.auditLog.query('other', { action: 'session_exchange', limit: 1000 });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ outcome: 'denied', reason: 'zendesk_jwt_signature' });
  });

  it('refuses an unsigned JWT (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const nowS = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: 'acme', aud: 'callsight', sub: '1003', role: 'admin', iat: nowS, exp: nowS + 60 })}.`;
    const { status, body } = await exchange(unsigned);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/HS256/);
  });

  it('refuses a request without the JWT', async () => {
    const { status, body } = await exchange(null);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/jwt\.token/);
  });

  it.each([
    ['an unmapped user, whatever role it reports', { sub: '4242', role: 'admin' }, 'user_not_mapped'],
    ['an agent reporting the admin role', { sub: '1001', role: 'admin' }, 'zendesk_role_mismatch'],
    ['an admin whose Zendesk role is now agent', { sub: '1003', role: 'agent' }, 'zendesk_role_mismatch'],
    ['an end-user', { sub: '1001', role: 'end-user' }, 'zendesk_role_not_mapped'],
  ])('gives %s no session (403) and audits it', async (_name, claims, reason) => {
    const { status, body } = await exchange(await zendeskJwt(claims));
    expect(status).toBe(403);
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.token).toBeUndefined();
    expect(await lastAudit('demo')).toMatchObject({ actor: `zendesk:${claims.sub}`, outcome: 'denied', reason });
  });
});

describe('CORS on /api/v1', () => {
  const ZENDESK_ORIGIN = 'https://1234567.apps.zdusercontent.com';

  it('answers the preflight of the Zendesk app iframe origin', async () => {
    const response = await fetch(`${hub.url}/api/v1/calls`, {
      method: 'OPTIONS',
      headers: { Origin: ZENDESK_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ZENDESK_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets the app read answers, and says nothing to other origins', async () => {
    const token = await hub.token('admin');
    const allowed = await fetch(`${hub.url}/api/v1/calls?limit=1`, { headers: { Authorization: `Bearer ${token}`, Origin: ZENDESK_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ZENDESK_ORIGIN);
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    for (const origin of ['https://evil.example', 'https://apps.zdusercontent.com.evil.example', 'http://1234567.apps.zdusercontent.com']) {
      const preflight = await fetch(`${hub.url}/api/v1/calls`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' } });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const read = await fetch(`${hub.url}/api/v1/calls?limit=1`, { headers: { Authorization: `Bearer ${token}`, Origin: origin } });
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('leaves routes outside /api/v1 alone', async () => {
    const response = await fetch(`${hub.url}/healthz`, { headers: { Origin: ZENDESK_ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
