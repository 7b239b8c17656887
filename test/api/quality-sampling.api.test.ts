import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentResponseSchema } from '../../core/api/insights.api';
import { samplePlanResponseSchema, storedSamplePlanResponseSchema } from '../../core/api/quality.api';
import type { Call } from '../../core/recordings/call';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { api, checkQuotas, runSampleCli } from './quality-fixtures';

let hub: TestHub;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 40 });
  admin = await hub.token('admin');
});
afterAll(async () => hub.close());

describe('sampling on the demo data', () => {
  it('holds the quotas for every agent, with risk-first and control strata, reproducibly, and assigns reviewers', async () => {
    const all = (await hub.hub.calls.listCalls('demo', {}, { kind: 'all' }, { limit: 1000 })).items;
    const months = new Map<string, number>();
    for (const c of all) months.set(c.startedAt.slice(0, 7), (months.get(c.startedAt.slice(0, 7)) ?? 0) + 1);
    const period = [...months].sort((a, b) => b[1] - a[1])[0]![0];
    const inPeriod = all.filter((c) => c.startedAt.startsWith(period) && c.status !== 'misdial' && c.agentId !== null);
    const callsByAgent = new Map<string, Call[]>();
    for (const c of inPeriod) callsByAgent.set(c.agentId!, [...(callsByAgent.get(c.agentId!) ?? []), c]);
    const seniority = new Map((await hub.hub.calls.listAgents('demo')).map((a) => [a.id, a.seniority] as const));

    expect((await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await api(hub, 'PUT', '/api/v1/sampling/reviewers', admin, { reviewers: [{ id: 'qa-a' }, { id: 'qa-b' }, { id: 'qa-c' }] })).status).toBe(200);
    const first = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period, seed: 2026 });
    expect(first.status).toBe(201);
    samplePlanResponseSchema.parse(first.body);
    checkQuotas(first.body, callsByAgent, seniority);
    expect(first.body.agentsAssumedNew).toEqual([]);

    expect((await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period, seed: 2026 })).status).toBe(409);
    const again = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period, seed: 2026, replace: true });
    expect(again.body.fingerprint).toBe(first.body.fingerprint);
    expect(again.body.items).toEqual(first.body.items);
    const other = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period, seed: 7, replace: true });
    expect(other.body.fingerprint).not.toBe(first.body.fingerprint);
    const back = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period, seed: 2026, replace: true });
    expect(back.body.fingerprint).toBe(first.body.fingerprint);

    const cli = JSON.parse(await runSampleCli(hub, ['--period', period, '--seed', '2026', '--json', '--tenant', 'demo']));
    expect(cli.fingerprint).toBe(first.body.fingerprint);
    expect(cli.items).toEqual(first.body.items);

    // The plan's assignments are the QA access scope: a reviewer without teams reaches exactly their calls.
    const stored = await api(hub, 'GET', `/api/v1/sampling/plans/${period}`, await hub.token('qa', { user: 'qa-a' }));
    storedSamplePlanResponseSchema.parse(stored.body);
    const mine = stored.body.items.map((i: any) => i.callId);
    expect(mine.length).toBeGreaterThan(0);
    expect(stored.body.items.every((i: any) => i.reviewerIds.includes('qa-a'))).toBe(true);
    const qaA = await hub.token('qa', { user: 'qa-a' });
    expect((await api(hub, 'GET', `/api/v1/calls/${mine[0]}`, qaA)).status).toBe(200);
    const notMine = first.body.items.find((i: any) => !i.reviewerIds.includes('qa-a'));
    expect((await api(hub, 'GET', `/api/v1/calls/${notMine.callId}`, qaA)).status).toBe(404);
    const assignments = sqliteOf(hub.hub).prepare('SELECT COUNT(*) AS n FROM review_assignments WHERE tenant_id = ?').get('demo') as { n: number };
    expect(assignments.n).toBe(first.body.items.reduce((n: number, i: any) => n + i.reviewerIds.length, 0));
    expect((await api(hub, 'GET', `/api/v1/sampling/plans/${period}`, await hub.token('agent', { agentId: 'a-lina' }))).status).toBe(403);
  });

  it('compares content across customer tags on the demo data', async () => {
    const from = new Date(Date.now() - 70 * 86_400_000).toISOString();
    const report = await api(hub, 'GET', `/api/v1/insights/segments?tag=high-value&from=${from}`, admin);
    expect(report.status).toBe(200);
    segmentResponseSchema.parse(report.body);
    expect(report.body.taggedCalls + report.body.restCalls).toBe(report.body.analysedCalls);
    expect(report.body.taggedCalls).toBeGreaterThan(0);
    for (const item of report.body.items) {
      expect(item.tagged.count).toBeLessThanOrEqual(report.body.taggedCalls);
      if (item.tagged.share !== null) expect(item.tagged.share).toBeCloseTo(item.tagged.count / report.body.taggedCalls, 12);
    }
    expect((await api(hub, 'GET', '/api/v1/insights/segments?tag=high-value', await hub.token('qa'))).status).toBe(403);
  });
});
