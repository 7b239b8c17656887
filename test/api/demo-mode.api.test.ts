/**
 * Demo mode is explicit: the /demo routes exist only on a hub started in demo mode (the embedded defaults of
 * `npm start`), never on one with PUBLIC_URL or DEMO=false, and the demo token endpoint answers loopback clients
 * only. Remote clients are simulated with Fastify's inject (`remoteAddress`); no traffic leaves loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bin/config';
import { startTestHub, type TestHub } from '../support/hub';

const DEMO_PATHS: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
  ['GET', '/demo'],
  ['GET', '/demo/'],
  ['GET', '/demo/assets/demo.js'],
  ['GET', '/demo/customers'],
  ['POST', '/demo/token'],
];

describe('demo mode setting', () => {
  it('is on with the embedded defaults, off with PUBLIC_URL or DEMO=false, and then seeds nothing on its own', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({}).seedDemo).toBe('auto');
    const publicHub = loadConfig({ PUBLIC_URL: 'https://callsight.example.com' });
    expect(publicHub).toMatchObject({ demo: false, seedDemo: 'false' });
    expect(loadConfig({ DEMO: 'false' })).toMatchObject({ demo: false, seedDemo: 'false' });
    expect(loadConfig({}, { demo: false })).toMatchObject({ demo: false, seedDemo: 'false' });
    expect(loadConfig({}, { publicUrl: 'https://callsight.example.com' }).demo).toBe(false);
    expect(loadConfig({ DEMO: 'false', SEED_DEMO: 'true' }).seedDemo).toBe('true');
  });

  it('refuses DEMO=true together with PUBLIC_URL, and an unknown DEMO value, naming the setting', () => {
    expect(() => loadConfig({ DEMO: 'true', PUBLIC_URL: 'https://callsight.example.com' })).toThrow(/DEMO=true with PUBLIC_URL/);
    expect(() => loadConfig({ DEMO: 'yes' })).toThrow(/DEMO/);
  });
});

describe('a hub with PUBLIC_URL set', () => {
  let hub: TestHub;

  beforeAll(async () => {
    // The demo tenant is even seeded here: the routes must be absent because of the mode, not for lack of data.
    hub = await startTestHub({ demoCalls: 20, config: { publicUrl: 'https://callsight.example.com' } });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
  });

  it('serves no demo route: every demo path answers 404, and no token is issued', async () => {
    expect(hub.hub.config.demo).toBe(false);
    expect(await hub.hub.calls.getTenant('demo')).not.toBeNull();
    for (const [method, path] of DEMO_PATHS) {
      const response = await fetch(`${hub.url}${path}`, {
        method,
        ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'admin' }) } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      const body = (await response.json()) as { error: { code: string }; token?: string };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.token).toBeUndefined();
    }
  });
});

describe('the demo token endpoint in demo mode', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ demoCalls: 20 });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
  });

  const requestToken = (remoteAddress: string, headers: Record<string, string> = {}) =>
    hub.app.inject({ method: 'POST', url: '/demo/token', remoteAddress, headers: { 'content-type': 'application/json', ...headers }, payload: { role: 'admin' } });

  it('issues a token to a loopback client (IPv4 127.0.0.0/8, IPv6 ::1 and IPv4-mapped)', async () => {
    expect(hub.hub.config.demo).toBe(true);
    for (const address of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) {
      const response = await requestToken(address);
      expect(response.statusCode, address).toBe(200);
      expect(response.json()).toMatchObject({ token: expect.any(String), role: 'admin' });
    }
  });

  it('refuses a non-loopback client with 403 and issues nothing', async () => {
    for (const address of ['10.1.2.3', '192.0.2.7', '2001:db8::1', '::ffff:10.1.2.3']) {
      const response = await requestToken(address);
      expect(response.statusCode, address).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/loopback/) } });
      expect(response.json().token).toBeUndefined();
    }
  });

  it('does not let a forwarded header make a remote client look local (trustProxy is on)', async () => {
    const forwarded: Record<string, string>[] = [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }, { 'x-real-ip': '127.0.0.1' }];
    for (const headers of forwarded) {
      expect((await requestToken('10.1.2.3', headers)).statusCode).toBe(403);
    }
  });

  it('refuses a request relayed by a proxy on the hub machine (loopback peer with a forwarded client)', async () => {
    expect((await requestToken('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403);
  });

  it('leaves the rest of the demo to anyone while in demo mode (the page data is demo data)', async () => {
    expect((await hub.app.inject({ method: 'GET', url: '/demo/customers', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
  });
});
