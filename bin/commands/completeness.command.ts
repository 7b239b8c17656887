import type { Command } from 'commander';
import { cliActor } from '../../app/shared/actor';
import type { ReconciliationOutcome } from '../../app/recordings';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { completenessUseCasesOf } from '../wiring/completeness.wiring';

/**
 * A command-line date: `YYYY-MM-DD` (midnight UTC) or an ISO-8601 instant with its offset. Throws naming the flag.
 */
export function parseCliDate(value: string, flag: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}:?\d{2}))?$/.test(text) || Number.isNaN(ms)) {
    throw new Error(`${flag} must be a date (YYYY-MM-DD, UTC) or an ISO-8601 instant with its offset, not "${value}"`);
  }
  return new Date(ms).toISOString();
}

/**
 * `callsight completeness --tenant T --since DATE [--until DATE] [--json] [--no-fetch]`: the completeness check the
 * daily job runs, now: lists the linked Twilio accounts' calls and recordings for the window into the ledger, queues
 * the recordings the hub lacks for the serving hub's fetch job, and prints expected vs stored with each gap's reason.
 * Exit code 0 whatever the gaps (the report says them); 1 when a provider's listing failed; 2 on bad input.
 */
export function registerCompletenessCommand(program: Command): void {
  program
    .command('completeness')
    .description("compare the providers' own lists of calls with the stored recordings, and fetch what is missing")
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--since <date>', 'start of the window (YYYY-MM-DD UTC, or an ISO-8601 instant)')
    .option('--until <date>', 'end of the window, exclusive (default now)')
    .option('--no-fetch', 'report only: do not queue fetches of missing recordings')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { tenant: string; since: string; until?: string; fetch: boolean; json?: boolean }) => {
      const from = parseCliDate(opts.since, '--since');
      const to = opts.until ? parseCliDate(opts.until, '--until') : undefined;
      const hub = await openHub(loadConfig());
      try {
        const outcome = await completenessUseCasesOf(hub).reconcileCompleteness(cliActor(opts.tenant), {
          from,
          ...(to ? { to } : {}),
          fetch: opts.fetch,
        });
        process.stdout.write(opts.json ? `${JSON.stringify(outcome)}\n` : describeOutcome(opts.tenant, outcome));
        if (outcome.sources.some((s) => s.status === 'failed')) process.exitCode = 1;
      } finally {
        await hub.close();
      }
    });
}

function describeOutcome(tenant: string, o: ReconciliationOutcome): string {
  const lines: string[] = [];
  const rate = o.rate === null ? 'n/a (no recorded calls on the providers’ lists)' : `${(o.rate * 100).toFixed(2)}%`;
  lines.push(`tenant ${tenant}, ${o.from} to ${o.to}: completeness ${rate}`);
  lines.push(`  ${o.expected} recorded on the providers' lists (${o.providers.join(', ') || 'none'}), ${o.stored} stored, ${o.missing} missing; ${o.notRecorded} call(s) without a recording`);
  for (const s of o.sources) {
    lines.push(
      s.status === 'listed'
        ? `  ${s.provider} ${s.accountId}: listed ${s.calls} call(s), ${s.recordings} recording(s), ${s.newEntries} new`
        : `  ${s.provider} ${s.accountId}: listing failed (${s.error}); the report uses what was listed before`,
    );
  }
  if (o.queued > 0) lines.push(`  queued ${o.queued} fetch(es): the hub's workers download them (callsight serve)`);
  if (o.missing > 0) {
    lines.push(`  missing: ${o.byReason.fetching} being fetched, ${o.byReason.fetch_failed} fetch failed, ${o.byReason.not_received} never received`);
    lines.push(`  ${'provider'.padEnd(11)}${'call'.padEnd(38)}${'started'.padEnd(26)}reason`);
    for (const g of o.gaps) {
      lines.push(`  ${g.provider.padEnd(11)}${g.providerCallId.padEnd(38)}${g.startedAt.padEnd(26)}${g.reason}${g.lastError ? ` (${g.lastError}, ${g.attempts} attempt(s))` : ''}`);
    }
    if (o.gapsTruncated) lines.push(`  ... ${o.missing - o.gaps.length} more (use --json, or a shorter window)`);
  }
  return `${lines.join('\n')}\n`;
}
