import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CallsightError } from '../../core/shared/errors';
import type { Clock } from '../../core/shared/clock.port';
import { NO_RULE } from '../../core/retention';
import { loadConfig, type HubConfig } from '../config';
import { openHub, type Hub } from '../hub';
import { CAPABILITIES, type Capability } from '../capabilities';
import type { RetentionCapability, RetentionPlanView, RetentionService, SweepOutcome } from '../wiring/retention.wiring';

export interface RetentionHub {
  readonly hub: Hub;
  readonly retention: RetentionService;
  close(): Promise<void>;
}

/**
 * Opens the hub with every capability created (so purge hooks of transcripts, analyses and search entries are
 * registered) but none started, and hands out the retention service.
 */
export async function openRetentionHub(config: HubConfig = loadConfig(), clock?: Clock): Promise<RetentionHub> {
  const hub = clock ? await openHub(config, clock) : await openHub(config);
  let capabilities: Capability[] = [];
  try {
    capabilities = CAPABILITIES.map((create) => create(hub));
  } catch (error) {
    await hub.close();
    throw error;
  }
  const retention = capabilities.find((c) => c.name === 'retention') as RetentionCapability | undefined;
  if (!retention) {
    await hub.close();
    throw new Error('The retention capability is not enabled in bin/capabilities.ts');
  }
  return {
    hub,
    retention: retention.service,
    async close() {
      for (const capability of capabilities) await capability.stop?.();
      await hub.close();
    },
  };
}

async function tenantIds(hub: Hub, tenant: string | undefined): Promise<string[]> {
  if (tenant !== undefined) {
    if (!(await hub.calls.getTenant(tenant))) throw new CallsightError('NOT_FOUND', `No tenant "${tenant}" on this hub`);
    return [tenant];
  }
  return (await hub.calls.listTenants()).map((t) => t.id);
}

/** The plan as a table: counts per action, per rule, what holds stop, and the first affected calls. */
export function formatPlan(plan: RetentionPlanView): string {
  const lines: string[] = [];
  const cols = ['keep', 'archive', 'delete', 'held'] as const;
  lines.push(`tenant ${plan.tenantId}: policy "${plan.policy.name}" (${plan.policy.source}, version ${plan.policy.version}), as of ${plan.now}`);
  lines.push(`  ${plan.total} calls: ${cols.map((c) => `${c} ${plan.counts[c]}`).join(', ')}; holds stop ${plan.heldBack.archive} archive, ${plan.heldBack.delete} delete`);
  const rules = Object.keys(plan.byRule).sort((a, b) => (a === NO_RULE ? 1 : b === NO_RULE ? -1 : a.localeCompare(b)));
  const width = Math.max(12, ...rules.map((r) => r.length + 2));
  lines.push(`  ${'rule'.padEnd(width)}${cols.map((c) => c.padStart(9)).join('')}`);
  for (const rule of rules) lines.push(`  ${rule.padEnd(width)}${cols.map((c) => String(plan.byRule[rule]![c]).padStart(9)).join('')}`);
  if (plan.firstAffected.length > 0) {
    lines.push('  first affected:');
    for (const a of plan.firstAffected) {
      const d = a.decision;
      const what = d.action === 'held' ? `held (would ${d.heldFrom})` : d.action;
      lines.push(`    ${a.callId}  ${what.padEnd(20)} due ${d.at ?? '-'}  rule ${d.ruleId ?? NO_RULE}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatOutcome(o: SweepOutcome): string {
  const state = o.completed ? 'done' : 'interrupted (run again to resume)';
  return `tenant ${o.tenantId}: sweep ${o.sweepId} ${state}${o.resumed ? ', resumed' : ''}; ${o.processed} calls as of ${o.decidedAt}: kept ${o.counts.keep}, archived ${o.counts.archive}, deleted ${o.counts.delete}, held ${o.counts.held}${o.completedPending > 0 ? `; finished ${o.completedPending} interrupted deletions` : ''}\n`;
}

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('retention lifecycle: dry-run plan and sweep (archive, crypto-shred)');

  retention
    .command('plan')
    .description('dry run: what the retention policy would archive, delete or hold now, per action and rule (changes nothing)')
    .option('--tenant <id>', 'one tenant (default: every tenant)')
    .option('--sample <n>', 'first affected calls to list per tenant', '20')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; sample: string; json?: boolean }) => {
      const sample = Number(opts.sample);
      if (!Number.isInteger(sample) || sample < 0 || sample > 100_000) throw new Error('--sample must be an integer 0..100000');
      const { hub, retention: service, close } = await openRetentionHub();
      try {
        const plans: RetentionPlanView[] = [];
        for (const id of await tenantIds(hub, opts.tenant)) plans.push(await service.plan(id, { sampleLimit: sample }));
        if (opts.json) process.stdout.write(`${JSON.stringify(opts.tenant ? plans[0] : plans)}\n`);
        else for (const plan of plans) process.stdout.write(formatPlan(plan));
      } finally {
        await close();
      }
    });

  retention
    .command('run')
    .description('apply the retention policy now: archive and crypto-shred what is due (resumes an interrupted sweep)')
    .option('--tenant <id>', 'one tenant (default: every tenant)')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      const { hub, retention: service, close } = await openRetentionHub();
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const bar = new cliProgress.SingleBar(
        { format: 'retention {tenant} [{bar}] {value}/{total} calls {percentage}% eta {eta_formatted}', stream: process.stderr, noTTYOutput: false, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      const outcomes: SweepOutcome[] = [];
      let failed = 0;
      try {
        for (const id of await tenantIds(hub, opts.tenant)) {
          if (controller.signal.aborted) break;
          bar.start(await service.store.countCalls(id), 0, { tenant: id });
          try {
            outcomes.push(await service.sweep(id, { signal: controller.signal, onProgress: (done, total) => bar.update(done, { tenant: id, total }) }));
          } catch (error) {
            failed++;
            bar.stop();
            process.stderr.write(`tenant ${id}: sweep failed (${(error as CallsightError).code ?? 'INTERNAL'}); run again to resume\n`);
            continue;
          }
          bar.stop();
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(opts.tenant ? outcomes[0] ?? null : outcomes)}\n`);
        else for (const o of outcomes) process.stdout.write(formatOutcome(o));
        if (failed > 0 || outcomes.some((o) => !o.completed)) process.exitCode = 1;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await close();
      }
    });
}
