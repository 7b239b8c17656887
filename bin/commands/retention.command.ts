import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isCallsightError } from '../../core/shared/errors';
import type { Clock } from '../../core/shared/clock.port';
import { NO_RULE } from '../../core/retention';
import { cliActor } from '../../app/shared/actor';
import { forEveryTenant, type RetentionPlanView, type SweepOutcome, type TenantFailure } from '../../app/retention';
import { loadConfig, type HubConfig } from '../config';
import { openHub, type Hub } from '../hub';
import { CAPABILITIES, type Capability } from '../capabilities';
import type { RetentionCapability } from '../wiring/retention.wiring';

export interface RetentionHub {
  readonly hub: Hub;
  readonly retention: RetentionCapability;
  close(): Promise<void>;
}

/**
 * Opens the hub with every capability created (so purge hooks of transcripts, analyses and search entries are
 * registered) but none started, and hands out the retention capability.
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
    retention,
    async close() {
      for (const capability of capabilities) await capability.stop?.();
      await hub.close();
    },
  };
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

/**
 * Reports an expected failure as the API does: with --json, the API's error body on stdout; otherwise the message
 * and code on stderr. Exit code 2. Anything else is rethrown to the program's handler.
 */
function reportFailure(error: unknown, json: boolean | undefined): void {
  if (!isCallsightError(error)) throw error;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
  else process.stderr.write(`callsight: ${error.message} (${error.code})\n`);
  process.exitCode = 2;
}

function reportTenantFailures(failures: readonly TenantFailure[], what: string): void {
  for (const f of failures) process.stderr.write(`tenant ${f.tenantId}: ${what} failed (${f.code}): ${f.message}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('retention lifecycle: policy, dry-run plan and sweep (archive, crypto-shred)');

  retention
    .command('policy')
    .description('show the retention policy of a tenant, or replace it with the JSON in a file (--set, same body as PUT /api/v1/retention/policy)')
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--set <file>', 'a preset ({"preset": ...}) or rules ({"name", "rules"}) as JSON; - reads stdin')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; set?: string; json?: boolean }) => {
      const body = opts.set === undefined ? undefined : (JSON.parse(readFileSync(opts.set === '-' ? 0 : opts.set, 'utf8')) as unknown);
      const { retention: capability, close } = await openRetentionHub();
      try {
        const actor = cliActor(opts.tenant);
        const view = body === undefined ? await capability.useCases.viewPolicy(actor, undefined) : (await capability.useCases.changePolicy(actor, body)).view;
        if (opts.json) process.stdout.write(`${JSON.stringify(view)}\n`);
        else process.stdout.write(`tenant ${view.tenantId}: policy "${view.policy.name}" (${view.source}, version ${view.version}), ${view.policy.rules.length} rules\n${JSON.stringify(view.policy, null, 2)}\n`);
      } catch (error) {
        reportFailure(error, opts.json);
      } finally {
        await close();
      }
    });

  retention
    .command('plan')
    .description('dry run: what the retention policy would archive, delete or hold now, per action and rule (changes nothing)')
    .option('--tenant <id>', 'one tenant (default: every tenant)')
    .option('--sample <n>', 'first affected calls to list per tenant, 0..1000 (default 50, as the API)')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; sample?: string; json?: boolean }) => {
      const input = opts.sample === undefined ? {} : { sample: opts.sample };
      const { retention: capability, close } = await openRetentionHub();
      try {
        if (opts.tenant !== undefined) {
          const plan = await capability.useCases.plan(cliActor(opts.tenant), input);
          process.stdout.write(opts.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
          return;
        }
        const { results, failures } = await forEveryTenant(capability.ports, capability.useCases.plan, 'cli', input);
        if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
        else for (const plan of results) process.stdout.write(formatPlan(plan));
        reportTenantFailures(failures, 'plan');
      } catch (error) {
        reportFailure(error, opts.json);
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
      const { retention: capability, close } = await openRetentionHub();
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const bar = new cliProgress.SingleBar(
        { format: 'retention {tenant} [{bar}] {value}/{total} calls {percentage}% eta {eta_formatted}', stream: process.stderr, noTTYOutput: false, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let tenant = opts.tenant ?? '';
      let barStarted = false;
      const onProgress = (done: number, total: number) => {
        if (!barStarted) bar.start(total, 0, { tenant });
        barStarted = true;
        bar.update(done, { tenant });
      };
      const stopBar = () => {
        if (barStarted) bar.stop();
        barStarted = false;
      };
      const control = { signal: controller.signal, onProgress };
      try {
        let outcomes: SweepOutcome[];
        if (opts.tenant !== undefined) {
          outcomes = [await capability.useCases.sweep(cliActor(opts.tenant), control).finally(stopBar)];
        } else {
          const all = await forEveryTenant(capability.ports, capability.useCases.sweep, 'cli', control, {
            signal: controller.signal,
            onTenant: (id) => {
              stopBar();
              tenant = id;
            },
          }).finally(stopBar);
          outcomes = all.results;
          reportTenantFailures(all.failures, 'sweep');
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(opts.tenant ? outcomes[0] : outcomes)}\n`);
        else for (const o of outcomes) process.stdout.write(formatOutcome(o));
        if (outcomes.some((o) => !o.completed)) process.exitCode = 1;
      } catch (error) {
        reportFailure(error, opts.json);
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await close();
      }
    });
}
