/**
 * The full chaos run of issue 17: `npm run chaos -- --kills 200` (test/support/chaos/harness.ts, the same scenario
 * test/scale/chaos.test.ts runs with 20 kills in `npm test`). 2 API + 2 worker processes on one fresh PostgreSQL
 * database take uploads and Twilio webhooks while a random serving process (another of its role still serving) is
 * kill -9'd every 1-3 s and restarted; at the
 * end every process is restarted and drained and the outcome is printed next to its goals. Exits 1 when a goal is
 * missed.
 *
 *   npm run chaos [-- --kills 200 --min-gap-ms 1000 --max-gap-ms 3000 --uploaders 3 --webhookers 2 --pace-ms 1000]
 */
import { formatChaosReport, runChaos, type ChaosReport } from '../test/support/chaos/harness';
import { flag, machineNote, verdict } from './support/stats';

const kills = Number(flag('kills', '200'));
if (!Number.isInteger(kills) || kills < 0) throw new Error('--kills must be an integer >= 0');

/** The goals a run must meet; each missed one is named. */
export function missedGoals(report: ChaosReport): string[] {
  const missed: string[] = [];
  if (report.lost !== 0) missed.push('lost');
  if (report.doubled !== 0) missed.push('doubled');
  if (report.playbackMismatches !== 0) missed.push('playback');
  if ((report.jobs.dead ?? 0) + (report.jobs.queued ?? 0) + (report.jobs.running ?? 0) !== 0) missed.push('jobs');
  if ((report.outbox.dead ?? 0) + (report.outbox.pending ?? 0) !== 0) missed.push('outbox');
  if (report.crm.callsWithoutRecord + report.crm.recordsWithoutCall + report.crm.doubledRecords !== 0) missed.push('crm');
  if (report.auditVerify.code !== 0) missed.push('audit');
  const o = report.orphans;
  if (o.blobs + o.partials + o.dataKeys + o.tempFiles !== 0) missed.push('orphans');
  if (report.drains.exitCodes.some((code) => code !== 0)) missed.push('drain');
  if (report.unexpectedExits !== 0) missed.push('unexpected exits');
  if (report.unhandledFakeRequests !== 0) missed.push('unhandled fake requests');
  return missed;
}

console.log(`chaos run: ${kills} kills; machine: ${await machineNote()}`);
const report = await runChaos({
  kills,
  minGapMs: Number(flag('min-gap-ms', '1000')),
  maxGapMs: Number(flag('max-gap-ms', '3000')),
  uploaders: Number(flag('uploaders', '3')),
  webhookers: Number(flag('webhookers', '2')),
  paceMs: Number(flag('pace-ms', '1000')),
  log: (line) => console.log(`  ${line}`),
  exitOnSignal: true,
});
console.log(formatChaosReport(report));
const missed = missedGoals(report);
console.log(`  goals: ${verdict(missed.length === 0)}${missed.length ? ` (missed: ${missed.join(', ')})` : ''}`);
console.log(`  machine after the run: ${await machineNote()}`);
process.exit(missed.length === 0 ? 0 : 1);
