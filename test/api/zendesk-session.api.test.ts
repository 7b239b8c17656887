import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestHub, type TestHub } from '../support/hub';

const ACME_SECRET = 'acme-shared-secret-7f3a9c1e5b2d';
const SESSION = '/api/v1/session/zendesk';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 20 });
  hub.hub.accounts.save(
    {
      provider: 'zendesk',
      accountId: 'acme',
      tenantId: 'demo',
      sealedSecret: hub.hub.keys.sealSecret('demo', 'zendesk', ACME_SECRET),
      settings: { users: { '1003': { role: 'admin' } } },
    },
    new Date(),
  );
});

afterAll(async () => {
  await hub?.close();
});

describe('the removed iframe-claims exchange', () => {
  it('answers 404 to a JWT the iframe had Zendesk sign with the shared secret, and issues nothing', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    // Exactly what the old app sent: claims written by the iframe's own code, HS256 with the installation's secret.
    const forged = await new SignJWT({ iss: 'acme', aud: 'callsight', sub: '1003', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 60)
      .sign(new TextEncoder().encode(ACME_SECRET));
    const before = (await hub.hub.auditLog.query('demo', { action: 'session_exchange', limit: 1000 })).length;
    const response = await fetch(`${hub.url}${SESSION}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${forged}` },
      body: '{}',
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as Record<string, any>;
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.token).toBeUndefined();
    expect(await hub.hub.auditLog.query('demo', { action: 'session_exchange', limit: 1000 })).toHaveLength(before);
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
