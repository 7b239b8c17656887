import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { api, insertCall, makeTranscript, storeAnalysis } from './quality-fixtures';

const T = 'qa-t';
let hub: TestHub;
let admin: string;
let qaNorth: string;
let qaOther: string;
let qaBare: string;
let agent1: string;
let agent2: string;
let managerNorth: string;
let managerSouth: string;

const ANSWERS = [
  { criterionId: 'identity_verified', value: 'pass' },
  { criterionId: 'greeting', value: 4 },
  { criterionId: 'clarity', value: 5, comment: '语速适中' },
  { criterionId: 'product_knowledge', value: 3 },
  { criterionId: 'issue_resolved', value: 'pass' },
  { criterionId: 'empathy', value: 4 },
];

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: T, name: 'QA tenant', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-1', name: '张伟', team: 'north', seniority: 'senior', hiredAt: '2021-01-01' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-2', name: 'Emma', team: 'south', seniority: 'new', hiredAt: '2026-01-01' });
  admin = await hub.token('admin', { tenant: T });
  qaNorth = await hub.token('qa', { tenant: T, user: 'qa-1', teams: ['north'] });
  qaOther = await hub.token('qa', { tenant: T, user: 'qa-2', teams: ['north'] });
  qaBare = await hub.token('qa', { tenant: T, user: 'qa-3' });
  agent1 = await hub.token('agent', { tenant: T, user: 'u-a1', agentId: 'a-1' });
  agent2 = await hub.token('agent', { tenant: T, user: 'u-a2', agentId: 'a-2' });
  managerNorth = await hub.token('manager', { tenant: T, user: 'm-n', teams: ['north'] });
  managerSouth = await hub.token('manager', { tenant: T, user: 'm-s', teams: ['south'] });
});
afterAll(async () => hub.close());

describe('scorecards and evaluations', () => {
  it('creates the default scorecard on first use and lets only admins manage scorecards', async () => {
    const list = await api(hub, 'GET', '/api/v1/scorecards', agent1);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: 'default', version: 1, versions: 1 })]);
    const card = await api(hub, 'GET', '/api/v1/scorecards/default', qaNorth);
    expect(card.body.sections.map((s: any) => [s.id, s.weight])).toEqual([
      ['compliance', 30],
      ['communication', 30],
      ['problem_resolution', 20],
      ['customer_experience', 20],
    ]);
    const denied = await api(hub, 'PUT', '/api/v1/scorecards/default', managerNorth, { note: 'x', name: { zh: '新', en: 'New' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const bad = await api(hub, 'POST', '/api/v1/scorecards', admin, { id: 'Bad Id', name: { zh: '坏', en: 'Bad' }, sections: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('an automatic criterion carries its evidence: times of the script, the sensitive word and the interruption', async () => {
    const call = await insertCall(hub, T, { id: 'c-evidence', agentId: 'a-1', team: 'north', startedAt: '2026-03-02T09:00:00Z', durationS: 240 });
    const analysis = storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: 1, sensitive: true }));
    const hit = analysis.sensitive.find((h) => h.term === '保本')!;
    expect(hit).toBeDefined();
    const created = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaNorth, {
      answers: ANSWERS,
      clips: [{ startS: 12, endS: 17, label: 'bad', note: 'talked over the customer', criterionId: 'no_interruptions' }],
    });
    expect(created.status).toBe(201);
    const byId = new Map(created.body.score.criteria.map((c: any) => [c.criterionId, c]));
    expect(byId.get('no_sensitive_words')).toMatchObject({
      source: 'automatic',
      value: 'fail',
      critical: true,
      criticalFailed: true,
      evidence: [{ startS: hit.startS, endS: hit.endS, note: 'sensitive word: 保本' }],
    });
    expect(byId.get('recording_notice')).toMatchObject({ source: 'automatic', value: 'pass', evidence: [{ startS: 0, endS: 5, note: 'script recording_notice found' }] });
    expect(byId.get('no_interruptions')).toMatchObject({ value: 'fail', evidence: [{ startS: 12, endS: 14 }] });
    expect((byId.get('no_interruptions') as any).evidence[0].note).toMatch(/33\.33%/);
    expect(byId.get('risk_disclosure')).toMatchObject({ value: 'na' });
    expect(created.body.score).toMatchObject({ total: 0, criticalFailed: true, failedCriticalIds: ['no_sensitive_words'] });
    expect(created.body.score.totalBeforeCritical).toBeGreaterThan(0);
    expect(created.body.clips).toEqual([{ startS: 12, endS: 17, label: 'bad', note: 'talked over the customer', criterionId: 'no_interruptions' }]);
  });

  it('a scorecard edit makes a new version and does not change past evaluations', async () => {
    const call = await insertCall(hub, T, { id: 'c-version', agentId: 'a-1', team: 'north', startedAt: '2026-03-03T09:00:00Z' });
    storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: 0 }));
    const first = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaNorth, { answers: ANSWERS });
    expect(first.status).toBe(201);
    expect(first.body.scorecard).toEqual({ scorecardId: 'default', version: 1 });
    const before = first.body.score.total;
    expect(before).toBeGreaterThan(0);

    const v1 = (await api(hub, 'GET', '/api/v1/scorecards/default', admin)).body;
    const sections = v1.sections.map((s: any) => ({ ...s, weight: s.id === 'problem_resolution' ? 70 : 10 }));
    const revised = await api(hub, 'PUT', '/api/v1/scorecards/default', admin, { sections, note: 'resolution matters most this quarter' });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ id: 'default', version: 2, changeNote: 'resolution matters most this quarter' });

    const again = await api(hub, 'GET', `/api/v1/evaluations/${first.body.id}`, managerNorth);
    expect(again.status).toBe(200);
    expect(again.body.scorecard).toEqual({ scorecardId: 'default', version: 1 });
    expect(again.body.score.total).toBe(before);
    expect(again.body.score.sections.find((s: any) => s.sectionId === 'compliance').weight).toBe(30);
    const oldVersion = await api(hub, 'GET', '/api/v1/scorecards/default/versions/1', agent1);
    expect(oldVersion.body.sections[0].weight).toBe(30);

    const second = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaOther, { answers: ANSWERS });
    expect(second.body.scorecard).toEqual({ scorecardId: 'default', version: 2 });
    expect(second.body.score.total).not.toBe(before);
    const listed = await api(hub, 'GET', `/api/v1/calls/${call.id}/evaluations`, agent1);
    expect(listed.body.items.map((e: any) => [e.scorecard.version, e.score.total])).toEqual([
      [1, before],
      [2, second.body.score.total],
    ]);
    expect(listed.body.callScore).toBe(Math.round(((before + second.body.score.total) / 2) * 100) / 100);
  });

  it('keeps evaluation within scope: agents cannot score, QA outside its scope sees no call, agents see only their own', async () => {
    const call = await insertCall(hub, T, { id: 'c-scope', agentId: 'a-2', team: 'south', startedAt: '2026-03-04T09:00:00Z' });
    storeAnalysis(hub, call, makeTranscript({ turns: 2, interrupted: 0 }));
    expect((await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, agent2, { answers: ANSWERS })).status).toBe(403);
    const outside = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaBare, { answers: ANSWERS });
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('CALL_NOT_FOUND');
    sqliteOf(hub.hub).prepare('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)').run(T, call.id, 'qa-3', '2026-03-05T00:00:00Z');
    const assigned = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaBare, { answers: ANSWERS });
    expect(assigned.status).toBe(201);
    expect((await api(hub, 'GET', `/api/v1/calls/${call.id}/evaluations`, agent1)).status).toBe(404);
    expect((await api(hub, 'GET', `/api/v1/evaluations/${assigned.body.id}`, agent1)).status).toBe(404);
    expect((await api(hub, 'GET', `/api/v1/calls/${call.id}/evaluations`, agent2)).body.items).toHaveLength(1);
    const missing = await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaBare, { answers: ANSWERS.slice(1) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/identity_verified/);
    const denials = await hub.hub.auditLog.query(T, { action: 'evaluate', outcome: 'denied', limit: 1000 });
    expect(denials.map((e) => e.reason)).toEqual(expect.arrayContaining(['role_not_permitted', 'not_found_or_out_of_scope']));
  });
});

describe('disputes', () => {
  it('an agent disputes, the manager of the team resolves with a new score, the call score follows, all audited', async () => {
    const call = await insertCall(hub, T, { id: 'c-dispute', agentId: 'a-1', team: 'north', startedAt: '2026-03-06T09:00:00Z' });
    storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: 0 }));
    const evaluation = (await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaNorth, { answers: ANSWERS.map((a) => (a.criterionId === 'empathy' ? { ...a, value: 0 } : a)) })).body;
    expect((await api(hub, 'POST', `/api/v1/evaluations/${evaluation.id}/disputes`, agent2, { reason: '不是我的通话' })).status).toBe(404);
    expect((await api(hub, 'POST', `/api/v1/evaluations/${evaluation.id}/disputes`, managerNorth, { reason: 'x' })).status).toBe(403);
    const opened = await api(hub, 'POST', `/api/v1/evaluations/${evaluation.id}/disputes`, agent1, { criterionId: 'empathy', reason: '我安抚了客户，请复核。' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', criterionId: 'empathy', evaluationId: evaluation.id });
    expect((await api(hub, 'POST', `/api/v1/evaluations/${evaluation.id}/disputes`, agent1, { reason: 'again' })).status).toBe(409);

    expect((await api(hub, 'POST', `/api/v1/disputes/${opened.body.id}/resolve`, managerSouth, { outcome: 'upheld', note: 'no' })).status).toBe(404);
    const noAnswers = await api(hub, 'POST', `/api/v1/disputes/${opened.body.id}/resolve`, managerNorth, { outcome: 'changed', note: 'agreed' });
    expect(noAnswers.status).toBe(400);
    const resolved = await api(hub, 'POST', `/api/v1/disputes/${opened.body.id}/resolve`, managerNorth, { outcome: 'changed', note: 'agreed, empathy was shown', answers: ANSWERS });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'changed', resolvedBy: 'm-n', revisedEvaluationId: resolved.body.revisedEvaluation.id });
    expect(resolved.body.revisedEvaluation.scorecard).toEqual(evaluation.scorecard);
    expect(resolved.body.revisedEvaluation.score.total).toBeGreaterThan(evaluation.score.total);
    expect(resolved.body.history.map((h: any) => h.action)).toEqual(['opened', 'resolved']);
    expect((await api(hub, 'POST', `/api/v1/disputes/${opened.body.id}/resolve`, managerNorth, { outcome: 'upheld', note: 'twice' })).status).toBe(409);

    const listed = await api(hub, 'GET', `/api/v1/calls/${call.id}/evaluations`, agent1);
    expect(listed.body.callScore).toBe(resolved.body.revisedEvaluation.score.total);
    const published = sqliteOf(hub.hub).prepare('SELECT score FROM call_scores WHERE tenant_id = ? AND call_id = ?').get(T, call.id) as { score: number };
    expect(published.score).toBe(resolved.body.revisedEvaluation.score.total);
    expect(listed.body.items.map((e: any) => [e.id, e.effective])).toEqual([
      [evaluation.id, false],
      [resolved.body.revisedEvaluation.id, true],
    ]);
    const own = await api(hub, 'GET', '/api/v1/disputes', agent1);
    expect(own.body.items.map((d: any) => d.id)).toContain(opened.body.id);
    expect((await api(hub, 'GET', '/api/v1/disputes', agent2)).body.items).toEqual([]);
    expect((await api(hub, 'GET', '/api/v1/disputes', qaNorth)).status).toBe(403);

    const history = sqliteOf(hub.hub).prepare('SELECT seq, action, actor FROM qa_dispute_events WHERE tenant_id = ? AND dispute_id = ? ORDER BY seq').all(T, opened.body.id);
    expect(history).toEqual([
      { seq: 1, action: 'opened', actor: 'u-a1' },
      { seq: 2, action: 'resolved', actor: 'm-n' },
    ]);
    const audit = (await collect(hub.hub.auditLog.iterate(T))).filter((e) => e.target === `dispute:${opened.body.id}` && e.outcome === 'allowed');
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['open_dispute', 'u-a1'],
      ['resolve_dispute', 'm-n'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('我安抚了客户');
  });
});

describe('calibration', () => {
  it('measures agreement of reviewers who double-scored the same calls and each reviewer\'s drift', async () => {
    const lenient = (value: number) => ANSWERS.map((a) => (typeof a.value === 'number' ? { ...a, value } : a));
    for (let i = 0; i < 4; i++) {
      const call = await insertCall(hub, T, { id: `c-cal-${i}`, agentId: 'a-1', team: 'north', startedAt: `2026-04-0${i + 1}T09:00:00Z` });
      storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: 0 }));
      expect((await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaNorth, { scorecardId: 'default', version: 2, answers: lenient(1 + i) })).status).toBe(201);
      expect((await api(hub, 'POST', `/api/v1/calls/${call.id}/evaluations`, qaOther, { scorecardId: 'default', version: 2, answers: lenient(2 + i) })).status).toBe(201);
    }
    const report = await api(hub, 'GET', '/api/v1/calibration?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z', managerNorth);
    expect(report.status).toBe(200);
    expect(report.body.reports).toHaveLength(1);
    const r = report.body.reports[0];
    expect(r).toMatchObject({ scorecardId: 'default', version: 2, doubleScoredCalls: 4, evaluationsUsed: 8 });
    expect(r.overall.alpha).toBeGreaterThan(0);
    expect(r.overall.alpha).toBeLessThan(1);
    const drift = new Map(r.reviewers.map((d: any) => [d.reviewerId, d.meanSignedDeviation]));
    expect(drift.get('qa-2') as number).toBeGreaterThan(0);
    expect(drift.get('qa-1') as number).toBeCloseTo(-(drift.get('qa-2') as number), 9);
    expect((await api(hub, 'GET', '/api/v1/calibration?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z', managerSouth)).body.reports).toEqual([]);
    expect((await api(hub, 'GET', '/api/v1/calibration?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z', qaNorth)).status).toBe(403);
  });
});
