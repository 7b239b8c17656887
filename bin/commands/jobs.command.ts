import type { Command } from 'commander';
import { JOB_STATES, summarizeJobQueue } from '../../app/jobs/index';
import { loadConfig } from '../config';
import { openHub } from '../hub';

/** `callsight jobs`: the background job queue, counts per kind and state, and the dead-lettered jobs. */
export function registerJobsCommand(program: Command): void {
  program
    .command('jobs')
    .description('show the background job queue: counts per kind and state, and the dead-lettered jobs')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'dead-lettered jobs to list', '20')
    .action(async (opts: { json?: boolean; limit: string }) => {
      const hub = await openHub(loadConfig());
      try {
        const { counts, dead } = await summarizeJobQueue(hub.jobQueue, { limit: opts.limit });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ counts, dead })}\n`);
          return;
        }
        const table = new Map<string, Record<string, number>>();
        for (const row of counts) table.set(row.kind, { ...(table.get(row.kind) ?? {}), [row.status]: row.count });
        process.stdout.write(`${'kind'.padEnd(24)}${JOB_STATES.map((s) => s.padStart(9)).join('')}\n`);
        for (const [kind, byStatus] of table) {
          process.stdout.write(`${kind.padEnd(24)}${JOB_STATES.map((s) => String(byStatus[s] ?? 0).padStart(9)).join('')}\n`);
        }
        if (dead.length > 0) {
          process.stdout.write('\ndead-lettered:\n');
          for (const job of dead) process.stdout.write(`  ${job.id} ${job.kind} tenant=${job.tenantId} attempts=${job.attempts} ${job.lastError ?? ''}\n`);
        }
      } finally {
        await hub.close();
      }
    });
}
