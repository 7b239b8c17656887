import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startRetentionHub, type RetentionTestHub } from './retention-harness';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

let t: RetentionTestHub;

beforeAll(async () => {
  t = await startRetentionHub({ industry: 'education' });
  await t.ingest('old-general', daysAgo(400), 7);
  await t.ingest('old-refund', daysAgo(400), 7, { inquiryType: '退费' });
  await t.ingest('mid', daysAgo(100), 7);
  await t.ingest('new', daysAgo(10), 7);
});
afterAll(async () => t.close());

describe('callsight retention plan and run', () => {
  it('plans with the education preset; after a shorter policy the CLI dry run lists, and the CLI run deletes, exactly the calls that now expire', async () => {
    const admin = await t.token('admin');
    const first = (await t.api('GET', '/api/v1/retention/plan', { token: admin })).body;
    expect(first.policy).toMatchObject({ name: 'education preset', source: 'preset' });
    // 1 year for ordinary calls, 3 years for refund (退费) calls.
    expect(first.firstAffected.map((a: { callId: string }) => a.callId)).toEqual([(await t.call('old-general')).id]);
    expect(first.byRule['refund-enrolment-type']).toMatchObject({ keep: 1, delete: 0 });

    const policy = { name: 'ninety days', rules: [{ id: 'ninety', match: {}, keepDays: 90, then: 'delete' }] };
    expect((await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: policy })).status).toBe(200);
    const text = runCli(t.dataDir, ['retention', 'plan', '--tenant', 'acme']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('policy "ninety days" (custom, version 1)');
    expect(text.stdout).toMatch(/ninety\s+1\s+0\s+3\s+0/);
    const planned = text.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((w) => w[0]?.startsWith('c_') && w[1] === 'delete').map((w) => w[0]!);
    expect(planned).toHaveLength(3);

    const run = runCli(t.dataDir, ['retention', 'run', '--tenant', 'acme', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ completed: true, processed: 4, counts: { keep: 1, delete: 3 } });
    const deleted: string[] = [];
    for (const name of ['old-general', 'old-refund', 'mid', 'new']) {
      const call = await t.call(name);
      if (call.status === 'deleted') deleted.push(call.id);
    }
    expect(deleted.sort()).toEqual(planned.sort());
    expect((await t.call('new')).status).toBe('stored');
  });
});
