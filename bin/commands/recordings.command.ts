import type { Command } from 'commander';
import { cliActor } from '../../app/shared/actor';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { recordingsUseCasesOf } from '../wiring/recordings.wiring';

/**
 * `callsight recordings missing --tenant T`: the recordings a telephony provider reported and the hub never stored
 * within the fetch window, oldest first, as the operator (the same use-case as GET /api/v1/recordings/missing).
 */
export function registerRecordingsCommands(program: Command): void {
  const recordings = program.command('recordings').description('recordings reported by telephony providers');
  recordings
    .command('missing')
    .description('list recordings a provider reported that never arrived within the fetch window')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--limit <n>', 'recordings per page (1-200)', '50')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; limit: string; cursor?: string; json?: boolean }) => {
      const hub = await openHub(loadConfig());
      try {
        const page = await recordingsUseCasesOf(hub).listMissingRecordings(cliActor(opts.tenant), {
          limit: opts.limit,
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(page)}\n`);
          return;
        }
        if (page.items.length === 0) {
          process.stdout.write(`tenant ${opts.tenant}: no missing recordings\n`);
          return;
        }
        process.stdout.write(`tenant ${opts.tenant}: ${page.items.length} missing recording(s)${page.nextCursor ? ' (more: --cursor ' + page.nextCursor + ')' : ''}\n`);
        process.stdout.write(`${'provider'.padEnd(10)}${'call'.padEnd(36)}${'recording'.padEnd(36)}${'reported'.padEnd(26)}attempts  last error\n`);
        for (const r of page.items) {
          process.stdout.write(
            `${r.provider.padEnd(10)}${r.providerCallId.padEnd(36)}${r.recordingId.padEnd(36)}${r.receivedAt.padEnd(26)}${String(r.attempts).padEnd(10)}${r.lastError ?? ''}\n`,
          );
        }
      } finally {
        await hub.close();
      }
    });
}
