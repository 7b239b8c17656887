import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePlanResponseSchema } from '../../core/api/quality.api';
import { startTestHub, type TestHub } from '../support/hub';
import { api, inOneTransaction, insertCall, makeTranscript, runSampleCli, storeAnalysis } from './quality-fixtures';

const T = 'cli-t';
const EMPTY = 'cli-empty';
let hub: TestHub;
let admin: string;

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: T, name: 'CLI', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.ensureTenant({ id: EMPTY, name: 'No roster', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-n', name: 'n', team: 'north', seniority: 'new', hiredAt: '2026-01-01' });
  await hub.hub.calls.upsertAgent({ tenantId: T, id: 'a-s', name: 's', team: 'south', seniority: 'senior', hiredAt: '2020-01-01' });
  await inOneTransaction(hub, async () => {
    for (let i = 0; i < 40; i++) {
      const agentId = i % 5 === 4 ? 'a-unknown' : i % 2 ? 'a-n' : 'a-s';
      const call = await insertCall(hub, T, { id: `p-${i}`, agentId, startedAt: `2026-03-${String((i % 28) + 1).padStart(2, '0')}T${String(8 + (i % 9)).padStart(2, '0')}:00:00Z` });
      storeAnalysis(hub, call, makeTranscript({ turns: 3, interrupted: i % 3 === 0 ? 2 : 0, sensitive: i % 7 === 0 }));
    }
  });
  admin = await hub.token('admin', { tenant: T });
  expect((await api(hub, 'PUT', '/api/v1/sampling/reviewers', admin, { reviewers: [{ id: 'qa-1' }, { id: 'qa-2', agentId: 'a-s' }, { id: 'qa-3' }] })).status).toBe(200);
});
afterAll(async () => hub.close());

/** The CLI's error as the API's error body shows one. */
async function cliError(args: string[]): Promise<{ code: string; message: string }> {
  const error = (await runSampleCli(hub, args).then(
    () => null,
    (e: unknown) => e,
  )) as { code?: string; message?: string } | null;
  expect(error, `callsight sample plan ${args.join(' ')} should fail`).not.toBeNull();
  return { code: error!.code!, message: error!.message! };
}

describe('the sampling plan from HTTP and from `callsight sample plan`', () => {
  it('gives the same plan for the same settings, with minRiskScore and the shares, and the CLI stores nothing', async () => {
    const cli = samplePlanResponseSchema.parse(
      JSON.parse(
        await runSampleCli(hub, ['--tenant', T, '--period', '2026-03', '--seed', '9', '--json', '--min-risk-score', '0.4', '--control-share', '0.3', '--double-share', '0.2', '--new-share', '0.6', '--senior-share', '0.2']),
      ),
    );
    expect((await api(hub, 'GET', '/api/v1/sampling/plans/2026-03', admin)).status).toBe(404);
    const http = await api(hub, 'POST', '/api/v1/sampling/plans', admin, {
      period: '2026-03',
      seed: 9,
      minRiskScore: 0.4,
      controlShare: 0.3,
      doubleScoreShare: 0.2,
      quotas: { new: 0.6, senior: 0.2 },
    });
    expect(http.status).toBe(201);
    expect(cli).toEqual(samplePlanResponseSchema.parse(http.body));
    expect(cli.settings).toEqual({ quotas: { new: 0.6, senior: 0.2 }, riskFirst: true, controlShare: 0.3, doubleScoreShare: 0.2, minRiskScore: 0.4 });
    expect(cli.agentsAssumedNew).toEqual(['a-unknown']);
  });

  it('takes the API defaults when no setting is given (no CLI defaults of its own)', async () => {
    const cli = JSON.parse(await runSampleCli(hub, ['--tenant', T, '--period', '2026-03', '--json']));
    const http = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { period: '2026-03', replace: true });
    expect(cli).toEqual(http.body);
    expect(cli.seed).toBe('period:2026-03');
  });

  it.each([
    ['an invalid period', ['--period', '2026-3'], { period: '2026-3' }],
    ['a share above 1', ['--period', '2026-03', '--control-share', '1.5'], { period: '2026-03', controlShare: 1.5 }],
    ['a share that is no number', ['--period', '2026-03', '--double-share', 'half'], { period: '2026-03', doubleScoreShare: 'half' }],
    ['a minimum risk below 0', ['--period', '2026-03', '--min-risk-score', '-0.1'], { period: '2026-03', minRiskScore: -0.1 }],
    ['one quota without the other', ['--period', '2026-03', '--new-share', '0.5'], { period: '2026-03', quotas: { new: 0.5 } }],
  ])('answers %s with the same error', async (_what, args, body) => {
    const http = await api(hub, 'POST', '/api/v1/sampling/plans', admin, { ...body, replace: true });
    expect(http.status).toBe(400);
    expect(await cliError(['--tenant', T, ...args])).toEqual(http.body.error);
  });

  it('answers a tenant without a roster with the same error', async () => {
    const http = await api(hub, 'POST', '/api/v1/sampling/plans', await hub.token('admin', { tenant: EMPTY }), { period: '2026-03' });
    expect(http.body.error.code).toBe('VALIDATION_FAILED');
    expect(await cliError(['--tenant', EMPTY, '--period', '2026-03'])).toEqual(http.body.error);
  });

  it('audits each CLI run once, as the operator, and refuses an unknown tenant', async () => {
    const before = (await hub.hub.auditLog.query(T, { action: 'plan_sample', limit: 1000 })).filter((e) => e.actor === 'cli').length;
    await runSampleCli(hub, ['--tenant', T, '--period', '2026-03']);
    await cliError(['--tenant', T, '--period', '2026-13']);
    const events = (await hub.hub.auditLog.query(T, { action: 'plan_sample', limit: 1000 })).filter((e) => e.actor === 'cli');
    expect(events.length - before).toBe(2);
    expect(events.map((e) => e.outcome)).toEqual(expect.arrayContaining(['allowed', 'error']));
    expect(await cliError(['--tenant', 'nobody', '--period', '2026-03'])).toMatchObject({ code: 'NOT_FOUND' });
  });
});
