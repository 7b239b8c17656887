import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRoutes } from '../../adapters/http/routes/demo.routes';
import { buildHubHttp } from '../../bin/hub';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
let bare: TestHub;

async function demoPost(base: string, body: unknown) {
  const response = await fetch(`${base}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function listAgentIds(token: string): Promise<Set<string | null>> {
  const response = await fetch(`${hub.url}/api/v1/calls?limit=200`, { headers: { Authorization: `Bearer ${token}` } });
  const { items } = (await response.json()) as { items: { agentId: string | null; team?: string | null }[] };
  return new Set(items.map((call) => call.agentId));
}

beforeAll(async () => {
  [hub, bare] = await Promise.all([startTestHub({ demoCalls: 16 }), startTestHub()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([hub?.close(), bare?.close()]);
});

describe('demo routes on a hub with the demo tenant', () => {
  it('lists the demo customers that have calls', async () => {
    const response = await fetch(`${hub.url}/demo/customers`);
    expect(response.status).toBe(200);
    const customers = (await response.json()) as { phone: string; name: string }[];
    expect(customers.length).toBeGreaterThan(0);
    const admin = await hub.token('admin');
    for (const customer of customers) {
      expect(Object.keys(customer).sort()).toEqual(['name', 'phone']);
      const calls = await fetch(`${hub.url}/api/v1/calls?limit=1&customerPhone=${encodeURIComponent(customer.phone)}`, {
        headers: { Authorization: `Bearer ${admin}` },
      });
      expect(((await calls.json()) as { items: unknown[] }).items).toHaveLength(1);
    }
  });

  it('issues demo tokens scoped like the real roles', async () => {
    const agent = await demoPost(hub.url, { role: 'agent', agentId: 'a-lina' });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ hubUrl: hub.url, role: 'agent', agentId: 'a-lina' });
    expect(await listAgentIds(agent.body.token)).toEqual(new Set(['a-lina']));

    const defaultAgent = await demoPost(hub.url, { role: 'agent' });
    expect(defaultAgent.body.agentId).toBe('a-chenjing');

    const qa = await demoPost(hub.url, { role: 'qa' });
    expect(qa.body).toMatchObject({ role: 'qa', teams: ['north'] });
    const qaAgents = await listAgentIds(qa.body.token);
    expect(qaAgents.size).toBeGreaterThan(0);
    for (const id of qaAgents) expect(['a-zhangwei', 'a-lina', 'a-wangfang', 'a-liuyang', 'a-sunli']).toContain(id);

    const admin = await demoPost(hub.url, { role: 'admin' });
    expect((await listAgentIds(admin.body.token)).size).toBeGreaterThan(qaAgents.size);

    const manager = await demoPost(hub.url, { role: 'manager' });
    expect(manager.body).toMatchObject({ role: 'manager', teams: ['north'] });
    expect(await listAgentIds(manager.body.token)).toEqual(qaAgents);

    const auditor = await demoPost(hub.url, { role: 'auditor' });
    expect(auditor.body).toMatchObject({ role: 'auditor' });
    const calls = await fetch(`${hub.url}/api/v1/calls?limit=5`, { headers: { Authorization: `Bearer ${auditor.body.token}` } });
    expect(calls.status).toBe(403);

    const audit = await hub.hub.auditLog.query('demo', { action: 'session_exchange', limit: 100 });
    expect(audit.map((event) => event.actor)).toEqual(expect.arrayContaining(['demo-agent-a-lina', 'demo-qa', 'demo-admin']));
  });

  it.each([
    [{ role: 'superuser' }],
    [{ role: 'agent', agentId: 'a-nobody' }],
    [{ role: 'admin', tenant: 'other' }],
    [{}],
  ])('refuses the token request %j', async (body) => {
    const { status, body: answer } = await demoPost(hub.url, body);
    expect(status).toBe(400);
    expect(answer.error.code).toBe('VALIDATION_FAILED');
    expect(answer.token).toBeUndefined();
  });
});

describe('demo routes on a hub without the demo tenant', () => {
  it.each([
    ['GET', '/demo'],
    ['GET', '/demo/customers'],
    ['GET', '/demo/assets/demo.js'],
    ['POST', '/demo/token'],
  ])('%s %s answers 404: no demo tokens from a hub without demo data', async (method, path) => {
    const response = await fetch(`${bare.url}${path}`, {
      method,
      ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'admin' }) } : {}),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/demo is off/);
  });
});

describe('the demo page and its assets', () => {
  let root: string;
  let app: FastifyInstance;
  let missing: FastifyInstance;

  const routesFor = (widgetsDir: string) =>
    demoRoutes({
      tenantId: 'demo',
      widgetsDir,
      isEnabled: async () => true,
      listCustomers: async () => [],
      listAgents: async () => [],
      issueToken: async () => 'unused',
      clock: { now: () => new Date() },
      tokenTtlS: 60,
      qaTeam: 'north',
    });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'callsight-demo-assets-'));
    const widgets = join(root, 'widgets');
    mkdirSync(join(widgets, 'assets'), { recursive: true });
    writeFileSync(join(widgets, 'demo.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(widgets, 'assets', 'demo-CMqtouXX.js'), 'console.log(1)');
    writeFileSync(join(widgets, 'assets', 'plain.css'), 'body{}');
    writeFileSync(join(widgets, 'assets', '.hidden'), 'hidden');
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
    writeFileSync(join(widgets, 'secret.txt'), 'TOP SECRET');
    app = await buildHubHttp(hub.hub, [routesFor(widgets)]);
    missing = await buildHubHttp(hub.hub, [routesFor(join(root, 'not-built'))]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), missing?.close()]);
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/demo', '/demo/'])('serves the page at %s, uncached, under a strict CSP', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'.*media-src 'self'.*connect-src 'self'/);
    expect(response.body).toContain('<title>demo</title>');
  });

  it('serves hashed assets as immutable and others revalidated, with their content types', async () => {
    const js = await app.inject({ method: 'GET', url: '/demo/assets/demo-CMqtouXX.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const css = await app.inject({ method: 'GET', url: '/demo/assets/plain.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    '/demo/assets/..%2Fsecret.txt',
    '/demo/assets/..%2F..%2Fsecret.txt',
    '/demo/assets/%2e%2e%2fsecret.txt',
    '/demo/assets/..%5Csecret.txt',
    '/demo/assets/.hidden',
    '/demo/assets/nope.js',
    '/demo/secret.txt',
  ])('never serves %s', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('SECRET');
    expect(response.body).not.toContain('hidden');
  });

  it('answers 503 WIDGETS_NOT_BUILT, saying how to build, when the build is missing', async () => {
    for (const url of ['/demo', '/demo/assets/demo-CMqtouXX.js']) {
      const response = await missing.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'WIDGETS_NOT_BUILT', message: expect.stringMatching(/npm run build:widgets/) } });
    }
  });
});
