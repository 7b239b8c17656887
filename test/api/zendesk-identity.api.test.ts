/**
 * Zendesk identity by signed URLs against a real hub: Zendesk POSTs the app's page request to the hub with a form
 * field `token`, a ZAF JWT signed RS256 with the app's key (Zendesk: "Building a server-side app - Part 5: Securing
 * the app", https://developer.zendesk.com/documentation/apps/build-an-app/building-a-server-side-app/part-5-secure-the-app/,
 * and "Authenticating Zendesk in your server-side app"): `iss` = `<subdomain>.zendesk.com`, `aud` =
 * `https://<subdomain>.zendesk.com/api/v2/apps/installations/<installation id>.json`, `exp` about five minutes out.
 * Keys are real RSA keys generated here; Zendesk itself is not called.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestHub, type TestHub } from '../support/hub';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { cliActor } from '../../app/shared/actor';
import { zendeskPublicKeyChecker } from '../../bin/commands/zendesk.command';
import { zendeskAppSessionSchema } from '../../core/api/zendesk-app.api';
import { errorBodySchema } from '../../core/api/common.api';

const ACME_INSTALLATION = '360001234567';
const GLOBEX_INSTALLATION = '360009999999';
const APP = '/zendesk/app';

interface Pair {
  readonly privateKey: KeyObject;
  readonly publicPem: string;
}

function rsaPair(): Pair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

let hub: TestHub;
let acme: Pair;
let globex: Pair;

/** A ZAF JWT as Zendesk signs it for the acme installation, with the given claims changed. */
async function zafToken(claims: Record<string, unknown> = {}, key: KeyObject = acme.privateKey, alg = 'RS256'): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  const payload = {
    iss: 'acme.zendesk.com',
    aud: `https://acme.zendesk.com/api/v2/apps/installations/${ACME_INSTALLATION}.json`,
    sub: '1001',
    iat: nowS,
    exp: nowS + 300,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    context: { product: 'support', location: 'user_sidebar' },
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

/** Zendesk's signed page request: a form POST with `token` (and the iframe's query string). */
async function openApp(token: string | null, accept = 'text/html') {
  const response = await fetch(`${hub.url}${APP}?origin=https%3A%2F%2Facme.zendesk.com&app_guid=g-1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
    body: token === null ? '' : new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function refused(token: string) {
  const answer = await openApp(token, 'application/json');
  return { status: answer.status, body: errorBodySchema.parse(JSON.parse(answer.text)) };
}

function embeddedSession(html: string) {
  const match = /<script type="application\/json" id="callsight-session">([^<]*)<\/script>/.exec(html);
  if (match === null) throw new Error('the page carries no session block');
  return zendeskAppSessionSchema.parse(JSON.parse(match[1]!));
}

async function exchangeEvents(tenantId = 'demo') {
  return hub.hub.auditLog.query(tenantId, { action: 'session_exchange', limit: 1000 });
}

beforeAll(async () => {
  acme = rsaPair();
  globex = rsaPair();
  hub = await startTestHub({ demoCalls: 20 });
  await hub.hub.ensureTenant({ id: 'other', name: 'Other', defaultRegion: 'CN', industry: 'general' });
  const register = registerZendeskApp.bind({
    calls: hub.hub.calls,
    accounts: hub.hub.accounts,
    keys: hub.hub.keys,
    publicKeys: zendeskPublicKeyChecker,
    clock: hub.hub.clock,
    audit: (entry) => hub.hub.audit(entry),
  });
  await register(cliActor('demo'), { subdomain: 'acme', installationId: ACME_INSTALLATION, publicKey: acme.publicPem });
  await register(cliActor('other'), { subdomain: 'globex', installationId: GLOBEX_INSTALLATION, publicKey: globex.publicPem });
  const account = await hub.hub.accounts.find('zendesk', 'acme');
  await hub.hub.accounts.save(
    {
      ...account!,
      settings: {
        ...account!.settings,
        users: { '1001': { role: 'agent', agentId: 'a-zhangwei' }, '1002': { role: 'qa', teams: ['north'] }, '1003': { role: 'admin' } },
      },
    },
    new Date(),
  );
}, 60_000);

afterAll(async () => {
  await hub?.close();
});

describe('POST /zendesk/app (signed URLs)', () => {
  it("answers a valid ZAF JWT with the widget page and a session carrying the mapped agent's rights only", async () => {
    const { status, headers, text } = await openApp(await zafToken());
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/text\/html/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain('frame-ancestors https://acme.zendesk.com');
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(text).toMatch(/<script type="module"[^>]* src="\/zendesk\/assets\/zendesk-[^"]+\.js"/);

    const session = embeddedSession(text);
    expect(session.principal).toEqual({ userId: 'zendesk:1001', role: 'agent', agentId: 'a-zhangwei', teams: [], queues: [] });
    expect(session.hubUrl).toBe(hub.url);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(500_000);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);

    const list = await fetch(`${hub.url}/api/v1/calls?limit=200`, { headers: { Authorization: `Bearer ${session.token}` } });
    const items = ((await list.json()) as { items: { agentId: string | null }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((call) => call.agentId))).toEqual(new Set(['a-zhangwei']));
    expect((await exchangeEvents()).at(-1)).toMatchObject({ actor: 'zendesk:1001', outcome: 'allowed', reason: 'zendesk_jwt', details: { role: 'agent', ttlS: 600 } });
  });

  it('serves the page assets it references from the hub', async () => {
    const { text } = await openApp(await zafToken());
    const script = /src="(\/zendesk\/assets\/[^"]+\.js)"/.exec(text)![1]!;
    const asset = await fetch(`${hub.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${hub.url}/zendesk/assets/..%2Fzendesk.html`)).status).toBe(404);
  });

  it.each([
    ["another installation's key", () => zafToken({}, globex.privateKey), 'zendesk_jwt_signature', /signature/],
    ['a wrong audience (another installation id)', () => zafToken({ aud: 'https://acme.zendesk.com/api/v2/apps/installations/42.json' }), 'zendesk_jwt_audience', /another app installation/],
    ['a wrong audience (another subdomain)', () => zafToken({ aud: `https://globex.zendesk.com/api/v2/apps/installations/${ACME_INSTALLATION}.json` }), 'zendesk_jwt_audience', /another app installation/],
    ['an expired token', () => zafToken({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 120 }), 'zendesk_jwt_expired', /expired/],
    ['a token valid for too long', () => zafToken({ exp: Math.floor(Date.now() / 1000) + 7200 }), 'zendesk_jwt_lifetime', /too long/],
    ['a non-numeric user id', () => zafToken({ sub: 'admin' }), 'zendesk_jwt_claims', /user id/],
  ])('refuses %s with 401, a clear message and a denied audit event', async (_name, make, reason, message) => {
    const before = (await exchangeEvents()).length;
    const { status, body } = await refused(await make());
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(body.error.message).toMatch(message);
    const events = await exchangeEvents();
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ actor: 'zendesk-session', role: null, outcome: 'denied', reason });
  });

  it('refuses a replayed token: the first use opens a session, the second gets 401', async () => {
    const token = await zafToken();
    expect((await openApp(token)).status).toBe(200);
    const { status, body } = await refused(token);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/already used/);
    expect((await exchangeEvents()).at(-1)).toMatchObject({ outcome: 'denied', reason: 'zendesk_jwt_replayed' });
  });

  it('refuses a replay without a jti too (the token itself is remembered)', async () => {
    const token = await zafToken({ jti: undefined });
    expect((await openApp(token)).status).toBe(200);
    expect((await refused(token)).status).toBe(401);
  });

  it('refuses a token whose role and user claims were changed after Zendesk signed it', async () => {
    const token = await zafToken({ sub: '1001', role: 'agent' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: '1003', role: 'admin' })).toString('base64url');
    const { status, body } = await refused(`${header}.${tampered}.${signature}`);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/signature/);
    expect((await exchangeEvents()).at(-1)).toMatchObject({ actor: 'zendesk-session', outcome: 'denied', reason: 'zendesk_jwt_signature' });
  });

  it.each([
    ['HS256 with the public key as secret', async () => new SignJWT({ iss: 'acme.zendesk.com', sub: '1003' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(acme.publicPem))],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'acme.zendesk.com', sub: '1003' })).toString('base64url')}.`],
  ])('refuses %s before any key is used', async (_name, make) => {
    const { status, body } = await refused(await make());
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/RS256/);
  });

  it("refuses a token for an account this hub does not know, and one whose installation has no registered key", async () => {
    const unknown = await refused(await zafToken({ iss: 'nosuch.zendesk.com', aud: 'https://nosuch.zendesk.com/api/v2/apps/installations/1.json' }));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/not connected to this hub/);

    await hub.hub.accounts.save(
      { provider: 'zendesk', accountId: 'oldapp', tenantId: 'demo', sealedSecret: hub.hub.keys.sealSecret('demo', 'zendesk', 'old-shared-secret'), settings: {} },
      new Date(),
    );
    const unregistered = await refused(await zafToken({ iss: 'oldapp.zendesk.com', aud: 'https://oldapp.zendesk.com/api/v2/apps/installations/1.json' }));
    expect(unregistered.status).toBe(401);
    expect(unregistered.body.error.message).toMatch(/callsight zendesk connect/);
  });

  it.each([
    ['an unmapped user', { sub: '4242' }, 'user_not_mapped'],
    ['an agent whose Zendesk role claim says admin', { sub: '1001', role: 'admin' }, 'zendesk_role_mismatch'],
    ['an end-user', { sub: '1001', role: 'end-user' }, 'zendesk_role_not_mapped'],
  ])('gives %s with a valid token no session (403) and audits it', async (_name, claims, reason) => {
    const { status, body } = await refused(await zafToken(claims));
    expect(status).toBe(403);
    expect(body.error.code).toBe('FORBIDDEN');
    expect((await exchangeEvents()).at(-1)).toMatchObject({ actor: `zendesk:${claims.sub}`, outcome: 'denied', reason });
  });

  it('shows a browser a short page in English and Chinese for a refusal, without a session', async () => {
    const { status, headers, text } = await openApp(await zafToken({ sub: '4242' }));
    expect(status).toBe(403);
    expect(headers.get('content-type')).toMatch(/text\/html/);
    expect(text).toContain('ask a Callsight admin');
    expect(text).toContain('请联系 Callsight 管理员');
    expect(text).not.toContain('callsight-session');
    const missing = await openApp(null);
    expect(missing.status).toBe(401);
    expect(missing.text).toContain('Open Callsight from Zendesk');
    expect(missing.text).toContain('无法验证 Zendesk 身份');
  });
});

describe('registering an installation', () => {
  const register = () =>
    registerZendeskApp.bind({
      calls: hub.hub.calls,
      accounts: hub.hub.accounts,
      keys: hub.hub.keys,
      publicKeys: zendeskPublicKeyChecker,
      clock: hub.hub.clock,
      audit: (entry) => hub.hub.audit(entry),
    });

  it('refuses a key that is not an RSA public key, and changes nothing', async () => {
    const before = await hub.hub.accounts.find('zendesk', 'acme');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of ['not a key', publicKey.export({ type: 'spki', format: 'pem' }).toString()]) {
      await expect(register()(cliActor('demo'), { subdomain: 'acme', installationId: '7', publicKey: key })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await hub.hub.accounts.find('zendesk', 'acme')).toEqual(before);
  });

  it("refuses to take another tenant's Zendesk account", async () => {
    await expect(
      register()(cliActor('demo'), { subdomain: 'globex', installationId: GLOBEX_INSTALLATION, publicKey: acme.publicPem }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await hub.hub.accounts.find('zendesk', 'globex'))?.tenantId).toBe('other');
  });
});
