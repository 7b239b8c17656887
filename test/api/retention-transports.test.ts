import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBodySchema } from '../../core/api/common.api';
import { retentionPlanSchema, retentionPolicyViewSchema, retentionSweepSchema } from '../../core/api/retention.api';
import { runCli, startRetentionHub, TENANT, type RetentionTestHub } from './retention-harness';

/**
 * The retention plan, the sweep and the policy reached from HTTP and from `callsight retention` run the same
 * use-cases: the same data gives the same result, and the same mistake the same error (code and message).
 */

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const NAMES = ['fresh', 'tiered', 'expired', 'misdial', 'complaint'] as const;
const POLICY = {
  name: 'tiered',
  rules: [
    { id: 'misdial', match: { misdial: true }, keepDays: 30, then: 'delete' },
    { id: 'complaint', match: { tags: ['complaint'] }, keepDays: 100, then: 'archive' },
    { id: 'default', match: {}, keepDays: 300, then: 'delete', archiveAfterDays: 60 },
  ],
};
const INVALID_POLICY = { name: 'x', rules: [{ id: 'all', match: {}, keepDays: 30, then: 'delete', archiveAfterDays: 40 }] };

let viaHttp: RetentionTestHub;
let viaCli: RetentionTestHub;
const work = mkdtempSync(join(tmpdir(), 'callsight-retention-transports-'));

async function seed(t: RetentionTestHub): Promise<void> {
  await t.ingest('fresh', daysAgo(5), 7);
  await t.ingest('tiered', daysAgo(90), 7);
  await t.ingest('expired', daysAgo(400), 7);
  await t.ingest('misdial', daysAgo(45), 2);
  await t.ingest('complaint', daysAgo(200), 7, { tags: ['complaint'] });
  expect((await t.api('PUT', '/api/v1/retention/policy', { token: await t.token('admin'), body: POLICY })).status).toBe(200);
}

/** The CLI's --json output: the result, or the API's error body. */
function cliJson(t: RetentionTestHub, args: string[]): { status: number; body: any } {
  const run = runCli(t.dataDir, [...args, '--json']);
  try {
    return { status: run.status, body: JSON.parse(run.stdout) };
  } catch {
    throw new Error(`callsight ${args.join(' ')} printed no JSON (exit ${run.status}): ${run.stderr}`);
  }
}

async function ghostToken(t: RetentionTestHub): Promise<string> {
  t.hub.keys.ensureTenant('ghost');
  return t.hub.tokens.issue({ tenantId: 'ghost', userId: 'u-admin', role: 'admin', teams: [], queues: [] });
}

const withoutNow = ({ now: _now, ...rest }: { now: string }) => rest;

beforeAll(async () => {
  viaHttp = await startRetentionHub();
  viaCli = await startRetentionHub();
  await seed(viaHttp);
  await seed(viaCli);
});
afterAll(async () => {
  await viaHttp.close();
  await viaCli.close();
  rmSync(work, { recursive: true, force: true });
});

describe('retention from HTTP and from the CLI', () => {
  it('the plan: the same answer from GET /api/v1/retention/plan and `callsight retention plan`', async () => {
    const admin = await viaHttp.token('admin');
    const http = await viaHttp.api('GET', '/api/v1/retention/plan?sample=10', { token: admin });
    expect(http.status).toBe(200);
    const cli = cliJson(viaHttp, ['retention', 'plan', '--tenant', TENANT, '--sample', '10']);
    expect(cli.status).toBe(0);
    expect(retentionPlanSchema.parse(cli.body)).toEqual(cli.body);
    expect(retentionPlanSchema.parse(http.body)).toEqual(http.body);
    expect(withoutNow(cli.body)).toEqual(withoutNow(http.body));
    expect(http.body.counts).toEqual({ keep: 1, archive: 2, delete: 2, held: 0 });
  });

  it('the same errors: a sample out of range, an unknown tenant, an invalid policy', async () => {
    const admin = await viaHttp.token('admin');
    const cases: [string, { status: number; body: unknown }, { status: number; body: unknown }, number, string][] = [];

    const badSample = await viaHttp.api('GET', '/api/v1/retention/plan?sample=5000', { token: admin });
    cases.push(['sample out of range', badSample, cliJson(viaHttp, ['retention', 'plan', '--tenant', TENANT, '--sample', '5000']), 400, 'VALIDATION_FAILED']);

    const ghost = await ghostToken(viaHttp);
    const unknownPlan = await viaHttp.api('GET', '/api/v1/retention/plan', { token: ghost });
    cases.push(['plan of an unknown tenant', unknownPlan, cliJson(viaHttp, ['retention', 'plan', '--tenant', 'ghost']), 404, 'NOT_FOUND']);
    const unknownSweep = await viaHttp.api('POST', '/api/v1/retention/sweep', { token: ghost, body: {} });
    cases.push(['sweep of an unknown tenant', unknownSweep, cliJson(viaHttp, ['retention', 'run', '--tenant', 'ghost']), 404, 'NOT_FOUND']);

    const file = join(work, 'invalid-policy.json');
    writeFileSync(file, JSON.stringify(INVALID_POLICY));
    const badPolicy = await viaHttp.api('PUT', '/api/v1/retention/policy', { token: admin, body: INVALID_POLICY });
    cases.push(['an invalid policy', badPolicy, cliJson(viaHttp, ['retention', 'policy', '--tenant', TENANT, '--set', file]), 400, 'VALIDATION_FAILED']);

    for (const [name, http, cli, status, code] of cases) {
      expect(http.status, name).toBe(status);
      expect(errorBodySchema.parse(http.body).error.code, name).toBe(code);
      expect(cli.status, name).toBe(2);
      expect(cli.body, name).toEqual(http.body);
    }
    expect(((await viaHttp.api('GET', '/api/v1/retention/policy', { token: admin })).body as { version: number }).version).toBe(1);
  });

  it('the policy: `callsight retention policy` shows what GET /api/v1/retention/policy does', async () => {
    const http = await viaHttp.api('GET', '/api/v1/retention/policy', { token: await viaHttp.token('admin') });
    const cli = cliJson(viaHttp, ['retention', 'policy', '--tenant', TENANT]);
    expect(retentionPolicyViewSchema.parse(http.body)).toEqual(http.body);
    expect(cli.body).toEqual(http.body);
  });

  it('the sweep: POST /api/v1/retention/sweep on one hub and `callsight retention run` on a hub with the same data do the same', async () => {
    expect((await viaHttp.api('POST', '/api/v1/retention/sweep', { token: await viaHttp.token('auditor') })).status).toBe(403);
    const http = await viaHttp.api('POST', '/api/v1/retention/sweep', { token: await viaHttp.token('admin') });
    expect(http.status).toBe(200);
    expect(retentionSweepSchema.parse(http.body)).toEqual(http.body);
    const cli = cliJson(viaCli, ['retention', 'run', '--tenant', TENANT]);
    expect(cli.status).toBe(0);
    const facts = (o: any) => ({ completed: o.completed, resumed: o.resumed, processed: o.processed, counts: o.counts, completedPending: o.completedPending, policyVersion: o.policyVersion });
    expect(facts(cli.body)).toEqual(facts(http.body));
    expect(http.body.counts).toEqual({ keep: 1, archive: 2, delete: 2, held: 0 });

    const statuses = async (t: RetentionTestHub) => Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, (await t.call(n)).status] as const)));
    expect(await statuses(viaCli)).toEqual(await statuses(viaHttp));
    expect(await statuses(viaHttp)).toEqual({ fresh: 'stored', tiered: 'archived', expired: 'deleted', misdial: 'deleted', complaint: 'archived' });

    const sweepEvents = async (t: RetentionTestHub) => (await t.hub.auditLog.query(TENANT, { action: 'retention_sweep', limit: 10 })).map((e) => [e.actor, e.role, e.outcome]);
    expect(await sweepEvents(viaHttp)).toEqual([
      ['u-auditor', 'auditor', 'denied'],
      ['u-admin', 'admin', 'allowed'],
    ]);
    expect(await sweepEvents(viaCli)).toEqual([['cli', null, 'allowed']]);
  });
});
