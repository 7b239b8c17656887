/**
 * Issue 17 acceptance: 2 API + 2 worker processes (`node bin/callsight.mjs serve --role ...`) on one PostgreSQL
 * database, audio in an S3 bucket (s3rver) and data keys in the database key store, ingesting calls through uploads
 * and Twilio webhooks while a chaos loop kill -9s a random serving process (another of its role still serving) every
 * 1-2 s and restarts it (20 kills). The
 * scenario and its checks live in test/support/chaos/harness.ts; `npm run chaos -- --kills 200` is the long run.
 */
import { describe, expect, it } from 'vitest';
import { formatChaosReport, runChaos, type ChaosReport } from '../support/chaos/harness';

describe('several API and worker processes on one PostgreSQL under kill -9', () => {
  it('loses nothing, doubles nothing, finishes every job and leaves no orphan after 20 kills', async () => {
    const report: ChaosReport = await runChaos({
      kills: 20,
      minGapMs: 1_000,
      maxGapMs: 2_000,
      uploaders: 2,
      webhookers: 2,
      paceMs: 1_000,
      log: (line) => process.stdout.write(`chaos ${line}\n`),
    });
    process.stdout.write(`${formatChaosReport(report)}\n`);

    expect(report.acknowledged.uploads).toBeGreaterThan(0);
    expect(report.acknowledged.webhooks).toBeGreaterThan(0);
    expect(report.killsByRole.api + report.killsByRole.worker).toBe(20);
    expect(report.killsMidRequest).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.doubled).toBe(0);
    expect(report.playbackMismatches).toBe(0);
    expect(report.jobs.dead ?? 0).toBe(0);
    expect((report.jobs.queued ?? 0) + (report.jobs.running ?? 0)).toBe(0);
    expect(report.jobs.done ?? 0).toBeGreaterThan(0);
    expect(report.outbox.dead ?? 0).toBe(0);
    expect(report.outbox.pending ?? 0).toBe(0);
    expect(report.crm).toMatchObject({ callsWithoutRecord: 0, recordsWithoutCall: 0, doubledRecords: 0 });
    expect(report.auditVerify.code).toBe(0);
    expect(report.gc.code).toBe(0);
    expect(report.orphans).toEqual({ blobs: 0, partials: 0, dataKeys: 0, tempFiles: 0 });
    expect(report.drains.exitCodes).toEqual([0, 0, 0, 0]);
    expect(report.unhandledFakeRequests).toBe(0);
    expect(report.unexpectedExits).toBe(0);
  }, 600_000);
});
