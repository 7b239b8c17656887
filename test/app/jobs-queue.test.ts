import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobHandler, summarizeJobQueue } from '../../app/jobs/index';
import { bindUseCases, defineUseCase } from '../../app/shared/use-case';
import { CallsightError } from '../../core/shared/errors';
import { openAnalysisStorage } from './analysis-fakes';
import { auditSpy } from './support/audit-spy';

let opened: Awaited<ReturnType<typeof openAnalysisStorage>>;
beforeEach(async () => {
  opened = await openAnalysisStorage();
});
afterEach(async () => opened.close());

const echo = defineUseCase({
  name: 'test.echo-job',
  action: 'echo_job',
  permission: 'system',
  input: z.object({ callId: z.string().min(1) }),
  run: ({ input }) => {
    if (input.callId === 'boom') throw new CallsightError('UPSTREAM_FAILED', 'engine down');
    return input.callId;
  },
});

describe('jobHandler', () => {
  it("runs the use-case as the job tenant's worker with the payload as input; failures reach the runner", async () => {
    const spy = auditSpy();
    const { run } = bindUseCases({ run: echo }, { audit: spy.audit });
    const handle = jobHandler(run);
    const job = { id: 'j1', tenantId: 't9', kind: 'x', payload: { callId: 'c1' } } as never;
    await handle(job);
    await expect(handle({ ...(job as object), payload: { callId: 'boom' } } as never)).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    await expect(handle({ ...(job as object), payload: 'garbage' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(spy.events.map((e) => [e.tenantId, e.actor, e.role, e.outcome, e.reason ?? null])).toEqual([
      ['t9', 'worker', null, 'allowed', null],
      ['t9', 'worker', null, 'error', 'upstream_failed'],
      ['t9', 'worker', null, 'error', 'validation_failed'],
    ]);
  });
});

describe('summarizeJobQueue', () => {
  it('counts jobs per kind and state and lists dead ones without their payloads', async () => {
    const queue = opened.storage.jobQueue;
    const now = new Date('2026-06-01T12:00:00Z');
    await queue.enqueue({ id: 'j1', tenantId: 't1', kind: 'call.analyze', payload: { callId: 'c1', secret: '+8613800000000' }, maxAttempts: 1 });
    await queue.enqueue({ id: 'j2', tenantId: 't1', kind: 'call.analyze', payload: { callId: 'c2' } });
    const [claimed] = await queue.claim({ now: new Date(Date.now() + 1000), limit: 1, leaseMs: 60_000, kinds: ['call.analyze'] });
    await queue.fail(claimed!.id, 'TRANSCRIPT_NOT_FOUND: The call has no transcript to analyse', now, now);
    const summary = await summarizeJobQueue(queue, { limit: '10' });
    expect(summary.counts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'call.analyze', status: 'dead', count: 1 })]));
    expect(summary.dead).toEqual([expect.objectContaining({ kind: 'call.analyze', tenantId: 't1', lastError: expect.stringMatching(/^TRANSCRIPT_NOT_FOUND/) })]);
    expect(JSON.stringify(summary)).not.toContain('+8613800000000');
    expect((await summarizeJobQueue(queue, { limit: 0 })).dead).toEqual([]);
  });

  it('refuses a limit out of range with VALIDATION_FAILED', async () => {
    await expect(summarizeJobQueue(opened.storage.jobQueue, { limit: '10001' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid job queue query: limit/) });
    await expect(summarizeJobQueue(opened.storage.jobQueue, { limit: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
