import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { CAPABILITIES } from '../capabilities';
import { seedDemo, STORY_MIN_CALLS } from '../seed/demo-data';

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('seed the demo tenant: three months of calls with real audio, transcripts, CSAT and (from 100 calls) the QA history; idempotent')
    .option('--calls <n>', 'number of calls', '220')
    .action(async (opts: { calls: string }) => {
      const calls = Number(opts.calls);
      if (!Number.isInteger(calls) || calls < 10 || calls > 100_000) throw new Error('--calls must be an integer 10..100000');
      const hub = await openHub(loadConfig());
      // The capabilities register the job handlers and the hooks of stored calls and transcripts (search index).
      const capabilities = CAPABILITIES.map((create) => create(hub));
      const bar = new SingleBar({ format: 'seeding demo {bar} {value}/{total} calls', stream: process.stderr }, Presets.shades_classic);
      try {
        bar.start(calls, 0);
        const report = await seedDemo(hub, { calls, onProgress: (done) => bar.update(done) });
        bar.stop();
        const analysed = report.analysed + (await hub.jobs.drain());
        process.stderr.write(
          `demo tenant: ${report.calls} calls (${report.misdials} misdials), ${report.agents} agents, ${report.customers} customers; ${analysed} jobs run\n`,
        );
        if (report.story) {
          const s = report.story;
          process.stderr.write(`QA history: ${s.evaluations} evaluations by ${s.reviewers} reviewers, 1 coaching task with ${s.followUpCalls} follow-up calls, ${s.disputes} open dispute\n`);
        } else if (calls < STORY_MIN_CALLS) {
          process.stderr.write(`QA history skipped: it needs at least ${STORY_MIN_CALLS} calls\n`);
        }
      } finally {
        bar.stop();
        for (const capability of capabilities) await capability.stop?.();
        await hub.jobs.stop();
        await hub.close();
      }
    });
}
