/**
 * The admin screen's scorecard editor and sampling editor against a real hub on the demo data: the check of a
 * scorecard revision answers what saving it would (valid, or the hub's own problems) and stores nothing; the
 * sampling preview is the plan POST /api/v1/sampling/plans then stores for the same settings, and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scorecardCheckSchema } from '../../core/api/admin.api';
import { samplePlanResponseSchema } from '../../core/api/quality.api';
import { startTestHub, type TestHub } from '../support/hub';
import { api } from './quality-fixtures';

let hub: TestHub;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 40 });
  admin = await hub.token('admin');
});
afterAll(async () => hub.close());

describe('scorecard check before saving', () => {
  it('a valid revision is valid with the next version number; saving it then makes exactly that version; a check stores nothing', async () => {
    const card = (await api(hub, 'GET', '/api/v1/scorecards/default', admin)).body;
    const sections = card.sections.map((section: any, i: number) => ({ ...section, weight: i === 0 ? section.weight + 5 : section.weight }));
    const revision = { sections, note: 'compliance weighs more' };
    const check = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', admin, { revision });
    expect(check.status).toBe(200);
    expect(scorecardCheckSchema.parse(check.body)).toEqual({ valid: true, nextVersion: card.version + 1, problems: [] });
    expect((await api(hub, 'GET', '/api/v1/scorecards/default', admin)).body.version).toBe(card.version);
    const saved = await api(hub, 'PUT', '/api/v1/scorecards/default', admin, revision);
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(check.body.nextVersion);
  });

  it("an automatic criterion bound to no analysis code, a duplicate id, a missing note: each is the hub's own message, nothing stored", async () => {
    const card = (await api(hub, 'GET', '/api/v1/scorecards/default', admin)).body;
    const [first, ...rest] = card.sections;
    const unknownSource = [{ ...first, criteria: [{ ...first.criteria[0], kind: 'automatic', source: 'agent_smiled' }, ...first.criteria.slice(1)] }, ...rest];
    const bad = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', admin, { revision: { sections: unknownSource, note: 'try' } });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.problems).toEqual([{ path: '', message: expect.stringContaining('unknown automatic source "agent_smiled"') }]);

    const duplicate = [{ ...first, criteria: [...first.criteria, { ...first.criteria[0] }] }, ...rest];
    const twice = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', admin, { revision: { sections: duplicate, note: 'try' } });
    expect(twice.body.problems[0].message).toContain('appears twice');

    const noNote = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', admin, { revision: { sections: card.sections, note: '' } });
    expect(noNote.body.valid).toBe(false);
    expect(noNote.body.problems.map((p: any) => p.path)).toEqual(['note']);

    const points = [{ ...first, criteria: [{ ...first.criteria[0], critical: false, scale: { kind: 'points', max: 500 } }, ...first.criteria.slice(1)] }, ...rest];
    const tooMany = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', admin, { revision: { sections: points, note: 'try' } });
    expect(tooMany.body.problems[0].message).toContain('max between 1 and 100');
    expect((await api(hub, 'GET', '/api/v1/scorecards/default', admin)).body.version).toBe(card.version);
  });

  it('NOT_FOUND for a card that does not exist; other roles are refused', async () => {
    expect((await api(hub, 'POST', '/api/v1/admin/scorecards/nope/check', admin, { revision: { note: 'x' } })).status).toBe(404);
    for (const role of ['manager', 'qa', 'agent'] as const) {
      const refused = await api(hub, 'POST', '/api/v1/admin/scorecards/default/check', await hub.token(role), { revision: { note: 'x' } });
      expect(refused.status).toBe(403);
    }
  });
});

describe('sampling preview', () => {
  it('is the plan that saving the same settings stores, with the proposed roster; the preview itself stores nothing', async () => {
    const all = (await hub.hub.calls.listCalls('demo', {}, { kind: 'all' }, { limit: 1000 })).items;
    const period = all[0]!.startedAt.slice(0, 7);
    const settings = { period, quotas: { new: 0.5, senior: 0.2 }, riskFirst: true, reviewers: [{ id: 'qa-preview-a' }, { id: 'qa-preview-b', agentId: null }] };
    const before = await api(hub, 'GET', `/api/v1/sampling/plans/${period}`, admin);
    const preview = await api(hub, 'POST', '/api/v1/admin/sampling/preview', admin, settings);
    expect(preview.status).toBe(200);
    samplePlanResponseSchema.parse(preview.body);
    expect(preview.body.settings.quotas).toEqual({ new: 0.5, senior: 0.2 });
    expect(preview.body.reviewers.map((r: any) => r.reviewerId).sort()).toEqual(['qa-preview-a', 'qa-preview-b']);
    expect(preview.body.totals.sampled).toBeGreaterThan(0);
    const after = await api(hub, 'GET', `/api/v1/sampling/plans/${period}`, admin);
    expect(after.status).toBe(before.status);
    if (before.status === 200) expect(after.body.fingerprint).toBe(before.body.fingerprint);

    const stored = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { ...settings, replace: true });
    expect(stored.status).toBe(201);
    expect(stored.body.fingerprint).toBe(preview.body.fingerprint);
    expect(stored.body.items).toEqual(preview.body.items);
  });

  it('a bad share or an unknown field is VALIDATION_FAILED; an agent or a manager is refused', async () => {
    const bad = await api(hub, 'POST', '/api/v1/admin/sampling/preview', admin, { period: '2026-13', quotas: { new: 2, senior: 0.1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await api(hub, 'POST', '/api/v1/admin/sampling/preview', admin, { period: '2026-01', replace: true })).status).toBe(400);
    for (const role of ['manager', 'agent'] as const) {
      expect((await api(hub, 'POST', '/api/v1/admin/sampling/preview', await hub.token(role), { period: '2026-01' })).status).toBe(403);
    }
  });
});
