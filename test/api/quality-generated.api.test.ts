import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePlanResponseSchema } from '../../core/api/quality.api';
import { createSeededRandom } from '../../core/shared/clock.port';
import type { Call } from '../../core/recordings/call';
import { startTestHub, type TestHub } from '../support/hub';
import { api, checkQuotas, inOneTransaction, insertCall, makeTranscript, runSampleCli, storeAnalysis } from './quality-fixtures';

let hub: TestHub;

const REVIEWERS = [{ id: 'r-1' }, { id: 'r-2' }, { id: 'r-3' }, { id: 'r-4', agentId: 'g-s0' }];

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => hub.close());

describe('sampling on generated months', () => {
  const T = 'gen';
  const callsByMonth = new Map<string, Map<string, Call[]>>();
  const seniority = new Map<string, 'new' | 'senior'>();

  beforeAll(async () => {
    await hub.hub.ensureTenant({ id: T, name: 'Generated', defaultRegion: 'CN', industry: 'general' });
    const random = createSeededRandom('generated-months');
    for (let a = 0; a < 8; a++) {
      const id = `g-${a < 4 ? 'n' : 's'}${a}`;
      seniority.set(id, a < 4 ? 'new' : 'senior');
      await hub.hub.calls.upsertAgent({ tenantId: T, id, name: id, team: a % 2 ? 'north' : 'south', seniority: seniority.get(id)!, hiredAt: '2024-01-01' });
    }
    let n = 0;
    await inOneTransaction(hub, async () => {
    for (const period of ['2026-01', '2026-02']) {
      const byAgent = new Map<string, Call[]>();
      callsByMonth.set(period, byAgent);
      for (const agentId of seniority.keys()) {
        const count = 5 + Math.floor(random.next() * 30);
        for (let i = 0; i < count; i++) {
          const day = 1 + Math.floor(random.next() * 28);
          const call = await insertCall(hub, T, { id: `gc-${n++}`, agentId, startedAt: `${period}-${String(day).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:00:00Z` });
          const risky = random.next() < 0.2;
          storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: risky ? 2 : 0, sensitive: risky && random.next() < 0.5 }));
          byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), call]);
        }
      }
      // An IVR call has no agent and is never sampled.
      await insertCall(hub, T, { id: `gc-ivr-${period}`, agentId: null, startedAt: `${period}-15T10:00:00Z` });
    }
    });
  });

  it('holds the quotas for every agent in each month, risk calls first, and plans the same with the same seed', async () => {
    const token = await hub.token('admin', { tenant: T });
    expect((await api(hub, 'PUT', '/api/v1/sampling/reviewers', token, { reviewers: REVIEWERS })).status).toBe(200);
    for (const [period, byAgent] of callsByMonth) {
      const plan = await api(hub, 'POST', '/api/v1/sampling/plans', token, { period, reviewers: REVIEWERS, seed: 11 });
      expect(plan.status).toBe(201);
      samplePlanResponseSchema.parse(plan.body);
      checkQuotas(plan.body, byAgent, seniority);
      expect(plan.body.totals.callsWithoutAgent).toBe(1);
      expect(plan.body.totals.doubleScored).toBe(Math.round(0.1 * plan.body.items.length));
      // r-4 takes calls as g-s0 and never reviews them.
      for (const item of plan.body.items.filter((i: any) => i.agentId === 'g-s0')) expect(item.reviewerIds).not.toContain('r-4');
      const loads = plan.body.reviewers.map((r: any) => r.assigned);
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      // Risk first: no unsampled call of an agent is riskier than a call that agent's quota stratum took.
      const screening = await hub.hub.transcripts.screening(T, [...byAgent.values()].flat().map((c) => c.id));
      for (const [agentId, calls] of byAgent) {
        const taken = new Set(plan.body.items.filter((i: any) => i.agentId === agentId).map((i: any) => i.callId));
        const quotaRisk = plan.body.items.filter((i: any) => i.agentId === agentId && i.stratum === 'quota').map((i: any) => i.riskScore);
        if (quotaRisk.length === 0) continue;
        const skippedRisky = calls.filter((c) => !taken.has(c.id) && (screening.get(c.id)?.risk ?? 0) > 0);
        expect(skippedRisky).toEqual([]);
      }
      const cli = JSON.parse(await runSampleCli(hub, ['--period', period, '--seed', '11', '--json', '--tenant', T]));
      expect(cli.agents).toEqual(plan.body.agents);
      expect(cli.fingerprint).toBe(plan.body.fingerprint);
    }
  });
});
