import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, expensiveLimitsFromEnv, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES } from '../../bin/capabilities';
import { DEFAULT_EXPENSIVE_ROUTE_LIMITS } from '../../adapters/http/server';
import { synthesizeCallWav } from '../support/audio-fixtures';

let hub: Hub;
let app: FastifyInstance;
let dataDir: string;
const callIds = new Map<string, string>();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-limits-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false });
  hub = await openHub(config, undefined, { expensiveLimits: { perUser: 3, perTenant: 5, windowMs: 60_000 } });
  const capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  for (const tenant of ['one', 'two', 'three']) {
    await hub.ensureTenant({ id: tenant, name: tenant, defaultRegion: 'US', industry: 'general' });
    const { call } = await hub.ingest(
      tenant,
      { provider: 'upload', providerCallId: `${tenant}-1`, channel: 'human', direction: 'inbound', startedAt: '2026-11-20T10:00:00Z', tags: [] },
      synthesizeCallWav({ durationS: 3, seed: tenant }),
    );
    callIds.set(tenant, call.id);
  }
});
afterAll(async () => {
  await app.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function as(tenant: string, user: string) {
  return `Bearer ${await hub.tokens.issue({ tenantId: tenant, userId: user, role: 'admin', teams: [], queues: [] })}`;
}

function playbackLink(tenant: string, authorization: string) {
  return app.inject({ method: 'POST', url: `/api/v1/calls/${callIds.get(tenant)}/playback-url`, headers: { authorization } });
}

describe('per-user and per-tenant limits on expensive routes', () => {
  it('refuses a user over their budget with 429, Retry-After and the standard error body, before any use-case runs; another user of the tenant goes on', async () => {
    const alice = await as('one', 'u-alice');
    for (let i = 0; i < 3; i++) expect((await playbackLink('one', alice)).statusCode).toBe(200);
    const auditBefore = (await hub.auditLog.head('one'))?.seq;
    const refused = await playbackLink('one', alice);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/from this user; retry after \d+ s$/) } });
    expect((await hub.auditLog.head('one'))?.seq).toBe(auditBefore);

    const bob = await as('one', 'u-bob');
    expect((await playbackLink('one', bob)).statusCode).toBe(200);
    // Searching is expensive, listing without `q` is not; exports share the same budget.
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls?q=refund', headers: { authorization: alice } })).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls?limit=5', headers: { authorization: alice } })).statusCode).toBe(200);
    const exportRequest = await app.inject({ method: 'POST', url: '/api/v1/exports', headers: { authorization: alice }, payload: { reason: 'audit', callIds: [callIds.get('one')] } });
    expect(exportRequest.statusCode).toBe(429);
  });

  it('caps the sum of a tenant\'s users at the tenant budget, and leaves other tenants alone', async () => {
    const users = await Promise.all(['u-1', 'u-2', 'u-3'].map((u) => as('two', u)));
    const statuses: number[] = [];
    for (const user of users) for (let i = 0; i < 2; i++) statuses.push((await playbackLink('two', user)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const last = await playbackLink('two', await as('two', 'u-4'));
    expect(last.statusCode).toBe(429);
    expect(last.json().error.message).toMatch(/from this organisation/);
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await playbackLink('three', await as('three', 'u-1'))).statusCode).toBe(200);
  });

  it('answers a bad token on an expensive route with 401, not 429, and counts nothing', async () => {
    const response = await app.inject({ method: 'POST', url: `/api/v1/calls/${callIds.get('three')}/playback-url`, headers: { authorization: 'Bearer nope' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('expensive-route budgets from the environment', () => {
  it('reads RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN and _PER_TENANT_PER_MIN, defaulting to generous budgets', () => {
    expect(expensiveLimitsFromEnv({})).toEqual({ ...DEFAULT_EXPENSIVE_ROUTE_LIMITS });
    expect(expensiveLimitsFromEnv({ RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN: '7', RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN: '70' })).toEqual({
      perUser: 7,
      perTenant: 70,
      windowMs: 60_000,
    });
  });

  it('refuses a budget that is not a positive integer, naming the setting', () => {
    expect(() => expensiveLimitsFromEnv({ RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN: '0' })).toThrow(/RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN/);
    expect(() => expensiveLimitsFromEnv({ RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN: 'lots' })).toThrow(/RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN/);
  });
});
