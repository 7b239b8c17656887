import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiResponseSchema } from '../../core/api/insights.api';
import { startTestHub, type TestHub } from '../support/hub';
import { api, insertCall, makeTranscript, storeAnalysis } from './quality-fixtures';

const T = 'kpi';
let hub: TestHub;

/**
 * The hand-computed fixture (FCR window 7 days, range March 2026):
 * id  customer inquiry  start        agent  turns/interrupted  csat  score  FCR status
 * k6  P4       账户     02-26 (ctx)  a-1    2/0                 -     -      (before the range)
 * k7  P4       账户     03-01 12:00  a-1    2/0                 4     60     repeat of k6 (3.5 days)
 * k1  P1       退款     03-02        a-1    4/1                 5     80     unresolved (k2 3 days later)
 * k3  P2       物流     03-03        a-1    3/0                 4     70     resolved
 * k2  P1       退款     03-05        a-2    2/0                 2     30     repeat of k1
 * k4  P3       物流     03-10        a-2    5/2                 1     20     resolved (next contact 10 days later)
 * k5  P3       物流     03-20        a-1    2/1                 3     50     resolved
 * k8  P2       退款     03-29        a-2    3/3                 5     90     unresolved (k9 4 days later)
 * k9  P2       退款     04-02 (ctx)  a-2    1/0                 -     -      (after the range)
 * FCR = resolved / (resolved + unresolved) = 3 / 5; repeats 2. Interruption = 7 / 21 turns.
 */
const FIXTURE = [
  { id: 'k6', phone: '+8613800000004', inquiry: '账户', at: '2026-02-26T12:00:00Z', agent: 'a-1', turns: 2, interrupted: 0, csat: null, score: null },
  { id: 'k7', phone: '+8613800000004', inquiry: '账户', at: '2026-03-01T12:00:00Z', agent: 'a-1', turns: 2, interrupted: 0, csat: 4, score: 6 },
  { id: 'k1', phone: '+8613800000001', inquiry: '退款', at: '2026-03-02T09:00:00Z', agent: 'a-1', turns: 4, interrupted: 1, csat: 5, score: 8 },
  { id: 'k3', phone: '+8613800000002', inquiry: '物流', at: '2026-03-03T09:00:00Z', agent: 'a-1', turns: 3, interrupted: 0, csat: 4, score: 7 },
  { id: 'k2', phone: '+8613800000001', inquiry: '退款', at: '2026-03-05T09:00:00Z', agent: 'a-2', turns: 2, interrupted: 0, csat: 2, score: 3 },
  { id: 'k4', phone: '+8613800000003', inquiry: '物流', at: '2026-03-10T09:00:00Z', agent: 'a-2', turns: 5, interrupted: 2, csat: 1, score: 2 },
  { id: 'k5', phone: '+8613800000003', inquiry: '物流', at: '2026-03-20T09:00:00Z', agent: 'a-1', turns: 2, interrupted: 1, csat: 3, score: 5 },
  { id: 'k8', phone: '+8613800000002', inquiry: '退款', at: '2026-03-29T09:00:00Z', agent: 'a-2', turns: 3, interrupted: 3, csat: 5, score: 9 },
  { id: 'k9', phone: '+8613800000002', inquiry: '退款', at: '2026-04-02T09:00:00Z', agent: 'a-2', turns: 1, interrupted: 0, csat: null, score: null },
] as const;

/** Spearman's rho by hand: average ranks, then Pearson's r of the ranks. */
function spearmanByHand(x: readonly number[], y: readonly number[]): number {
  const ranks = (v: readonly number[]) => v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  rx.forEach((_, i) => {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

const RANGE = 'from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z';

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: T, name: 'KPI fixture', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-1', name: 'A1', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-2', name: 'A2', team: 'south', seniority: 'senior', hiredAt: '2020-01-01' });
  const admin = await hub.token('admin', { tenant: T });
  const qa = await hub.token('qa', { tenant: T, user: 'qa-1', teams: ['north', 'south'] });
  const card = {
    id: 'kpi-card',
    name: { zh: '单项评分', en: 'One criterion' },
    sections: [{ id: 'overall', label: { zh: '总体', en: 'Overall' }, weight: 1, criteria: [{ id: 'overall', label: { zh: '总体', en: 'Overall' }, kind: 'manual', scale: { kind: 'points', max: 10 } }] }],
  };
  expect((await api(hub, 'POST', '/api/v1/scorecards', admin, card)).status).toBe(201);
  for (const f of FIXTURE) {
    const call = await insertCall(hub, T, { id: f.id, agentId: f.agent, startedAt: f.at, customerPhone: f.phone, inquiryType: f.inquiry, csat: f.csat, durationS: 240 });
    storeAnalysis(hub, call, makeTranscript({ turns: f.turns, interrupted: f.interrupted }));
    if (f.score !== null) {
      const created = await api(hub, 'POST', `/api/v1/calls/${f.id}/evaluations`, qa, { scorecardId: 'kpi-card', answers: [{ criterionId: 'overall', value: f.score }] });
      expect(created.body.score.total).toBe(f.score * 10);
    }
  }
});
afterAll(async () => hub.close());

describe('KPIs against a hand-computed fixture', () => {
  it('matches first-contact resolution, interruption rate and score-CSAT correlation computed by hand', async () => {
    const admin = await hub.token('admin', { tenant: T });
    const { status, body } = await api(hub, 'GET', `/api/v1/kpis?groupBy=all&${RANGE}&fcrWindowDays=7`, admin);
    expect(status).toBe(200);
    kpiResponseSchema.parse(body);
    expect(body.rows).toHaveLength(1);
    const row = body.rows[0];
    expect(row.calls).toBe(7);
    expect(row.firstContactResolution).toMatchObject({ numerator: 3, denominator: 5, rate: 0.6, repeatContacts: 2, pending: 0, unknown: 0, windowDays: 7 });
    expect(row.interruptionRate).toEqual({ numerator: 7, denominator: 21, rate: 7 / 21 });
    const inRange = FIXTURE.filter((f) => f.score !== null);
    const rho = spearmanByHand(inRange.map((f) => f.score! * 10), inRange.map((f) => f.csat!));
    expect(row.scoreCsat.n).toBe(7);
    expect(row.scoreCsat.rho).toBeCloseTo(rho, 12);
    expect(row.scoreCsat.ci.lower).toBeLessThan(rho);
    expect(row.scoreCsat.ci.upper).toBeGreaterThan(rho);
    expect(row.averageScore).toEqual({ mean: (60 + 80 + 70 + 30 + 20 + 50 + 90) / 7, scored: 7 });
    expect(row.recordingCompleteness.rate).toBe(1);
    expect(row.requiredScriptRate).toMatchObject({ numerator: 7, denominator: 7 });
    expect(row.durationInBand.rate).toBe(1);
    expect(body.targets.firstContactResolutionMin).toBe(0.7);
  });

  it('a longer FCR window turns the 10-day repeat into an unresolved contact', async () => {
    const admin = await hub.token('admin', { tenant: T });
    const row = (await api(hub, 'GET', `/api/v1/kpis?groupBy=all&${RANGE}&fcrWindowDays=14`, admin)).body.rows[0];
    // k4 -> k5 within 14 days: k4 unresolved, k5 a repeat; k3 -> k8 differ in inquiry type, so k3 stays resolved.
    expect(row.firstContactResolution).toMatchObject({ numerator: 1, denominator: 4, repeatContacts: 3 });
  });

  it('gives a manager the rows of their team only, judging FCR against every team\'s contacts', async () => {
    const manager = await hub.token('manager', { tenant: T, user: 'm-1', teams: ['north'] });
    const { body } = await api(hub, 'GET', `/api/v1/kpis?groupBy=agent&${RANGE}`, manager);
    expect(body.rows.map((r: any) => r.group)).toEqual(['a-1']);
    // a-1 in range: k7 repeat, k1 unresolved (the repeat k2 went to a-2 in another team), k3 and k5 resolved.
    expect(body.rows[0].firstContactResolution).toMatchObject({ numerator: 2, denominator: 3, repeatContacts: 1 });
    expect(body.rows[0].calls).toBe(4);
    expect((await api(hub, 'GET', `/api/v1/kpis?${RANGE}`, await hub.token('agent', { tenant: T, agentId: 'a-1' }))).status).toBe(403);
    const bad = await api(hub, 'GET', '/api/v1/kpis?groupBy=planet', manager);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});
