import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bin/config';
import { segmentResponseSchema, kpiResponseSchema } from '../../core/api/insights.api';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { api } from './quality-fixtures';

// The demo tenant as `npm start` seeds it (default DEMO_CALLS), found by the product's own analysis through its API.
const DEMO_CALLS = loadConfig({}).demoCalls;
const DAY_MS = 86_400_000;

let hub: TestHub;
let admin: string;
let from: string;

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: DEMO_CALLS });
  admin = await hub.token('admin');
  from = new Date(Date.now() - 92 * DAY_MS).toISOString();
}, 600_000);
afterAll(async () => hub?.close());

describe('the demo tenant tells a true story', () => {
  it('spans three months, several queues, mostly 3-8 minute calls, with sensitive words, missing scripts, agitated customers and CSAT', async () => {
    const calls = (await hub.hub.calls.listCalls('demo', {}, { kind: 'all' }, { limit: 5000 })).items;
    expect(calls).toHaveLength(DEMO_CALLS);
    const starts = calls.map((c) => Date.parse(c.startedAt));
    expect((Math.max(...starts) - Math.min(...starts)) / DAY_MS).toBeGreaterThan(80);
    expect(new Set(calls.map((c) => c.queue))).toEqual(new Set(['ecommerce-cn', 'finance-cn', 'ecommerce-global', 'ivr-main']));

    const kpis = await api(hub, 'GET', `/api/v1/kpis?groupBy=all&from=${encodeURIComponent(from)}`, admin);
    expect(kpis.status).toBe(200);
    kpiResponseSchema.parse(kpis.body);
    const all = kpis.body.rows[0];
    expect(all.durationInBand.rate).toBeGreaterThan(0.75);
    expect(all.sensitiveWords.callsWithHits).toBeGreaterThan(0);
    expect(all.sensitiveWords.callsWithHits / all.calls).toBeLessThan(0.15);
    expect(all.requiredScriptRate.rate).toBeGreaterThan(0.8);
    expect(all.requiredScriptRate.rate).toBeLessThan(1);
    expect(all.scoreCsat.n).toBeGreaterThan(5);

    const flagged = async (flag: string) => (await api(hub, 'GET', `/api/v1/calls?flag=${flag}&limit=200`, admin)).body.items.length as number;
    const analysed = calls.filter((c) => c.status !== 'misdial' && c.channel === 'human').length;
    for (const flag of ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'CUSTOMER_AGITATED', 'HIGH_INTERRUPTION', 'DURATION_ABNORMAL']) {
      const share = (await flagged(flag)) / analysed;
      expect(share, flag).toBeGreaterThan(0.02);
      expect(share, flag).toBeLessThan(0.3);
    }
  });

  it('finance calls are screened with the finance lexicon: a guaranteed-return promise is a sensitive-word hit, a risk disclosure is not', async () => {
    const finance = (await api(hub, 'GET', `/api/v1/calls?inquiryType=${encodeURIComponent('理财咨询')}&flag=SENSITIVE_WORD&limit=50`, admin)).body.items;
    expect(finance.length).toBeGreaterThan(0);
    const analysis = await api(hub, 'GET', `/api/v1/calls/${finance[0].id}/analysis`, admin);
    expect(analysis.body.sensitive.map((h: { term: string }) => h.term)).toEqual(expect.arrayContaining(['稳赚不赔']));
    expect(analysis.body.sensitive.every((h: { category?: string }) => ['guaranteed_return', 'guaranteed_principal', 'no_risk'].includes(h.category ?? ''))).toBe(true);
  });

  it('high-value customers complain about the refund process significantly more than everyone else (compare-segments)', async () => {
    const report = await api(hub, 'GET', `/api/v1/insights/segments?tag=high-value&from=${encodeURIComponent(from)}`, admin);
    expect(report.status).toBe(200);
    segmentResponseSchema.parse(report.body);
    const refund = report.body.items.find((i: { kind: string; key: string }) => i.kind === 'demand' && i.key === 'refund_complex');
    expect(refund).toBeDefined();
    expect(refund.tagged.share).toBeGreaterThan(refund.rest.share);
    expect(refund.lift).toBeGreaterThan(1.8);
    expect(refund.significant).toBe(true);
    expect(refund.pValue).toBeLessThan(0.01);
    // The planted difference is the headline: no other demand is significantly more frequent among high-value calls.
    const others = report.body.items.filter((i: { kind: string; key: string; significant: boolean; lift: number | null }) => i.kind === 'demand' && i.key !== 'refund_complex' && i.significant && (i.lift ?? 0) > 1);
    expect(others).toEqual([]);
  });

  it('the coached agent talks over customers less and shows more empathy after coaching (get-coaching-outcome)', async () => {
    const manager = await hub.token('manager', { teams: ['north'] });
    const tasks = await api(hub, 'GET', '/api/v1/coaching/tasks?agentId=a-wangfang', manager);
    expect(tasks.status).toBe(200);
    expect(tasks.body.items).toHaveLength(1);
    const task = tasks.body.items[0];
    expect(task).toMatchObject({ status: 'completed', criterionIds: ['no_interruptions', 'empathy'] });

    const outcome = await api(hub, 'GET', `/api/v1/coaching/tasks/${task.id}/outcome`, manager);
    expect(outcome.status).toBe(200);
    const criterion = (id: string) => outcome.body.criteria.find((c: { criterionId: string }) => c.criterionId === id);
    const interruptions = criterion('no_interruptions');
    expect(interruptions.passRate.nBefore).toBeGreaterThanOrEqual(8);
    expect(interruptions.passRate.nAfter).toBeGreaterThanOrEqual(8);
    expect(interruptions.passRate.after).toBeGreaterThan(interruptions.passRate.before);
    expect(interruptions.passRate.significant).toBe(true);
    const empathy = criterion('empathy');
    expect(empathy.score.after).toBeGreaterThan(empathy.score.before);
    expect(empathy.score.significant).toBe(true);
    expect(outcome.body.sources.evaluations).toBeGreaterThan(0);
  });

  it('has three QA reviewers on the default scorecard, a follow-up sample waiting for review, and an open dispute', async () => {
    const calibration = await api(hub, 'GET', `/api/v1/calibration?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date().toISOString())}`, admin);
    expect(calibration.status).toBe(200);
    const evaluations = await hub.hub.storage.quality.listEvaluations('demo');
    expect(new Set(evaluations.map((e) => e.reviewerId))).toEqual(new Set(['demo-qa', 'qa-zhoumin', 'qa-morgan']));
    expect(new Set(evaluations.map((e) => e.scorecard.scorecardId))).toEqual(new Set(['default']));
    const disputes = await api(hub, 'GET', '/api/v1/disputes?status=open', admin);
    expect(disputes.status).toBe(200);
    expect(disputes.body.items).toHaveLength(1);
    const assigned = sqliteOf(hub.hub).prepare('SELECT call_id AS callId FROM review_assignments WHERE tenant_id = ? AND reviewer_id = ?').all('demo', 'demo-qa') as { callId: string }[];
    expect(assigned.length).toBeGreaterThanOrEqual(6);
    const scored = new Set(evaluations.map((e) => e.callId));
    expect(assigned.filter((a) => !scored.has(a.callId))).toHaveLength(2);
  });
});
