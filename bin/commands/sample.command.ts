/**
 * `callsight sample plan --period YYYY-MM [--json] [--seed N] [...]`: prints the month's QA sampling plan without
 * storing it. It runs the same use-case logic as POST /api/v1/sampling/plans (app/quality preview-sample-plan), so
 * the same settings give the same plan, and bad settings the same VALIDATION_FAILED error, as the API.
 */
import type { Command } from 'commander';
import type { DraftedSamplePlan } from '../../app/quality';
import { cliActor } from '../../app/shared/actor';
import { requireTenant } from '../../app/tenants';
import { CallsightError } from '../../core/shared/errors';
import { loadConfig } from '../config';
import { openHub, type Hub } from '../hub';
import { createHubQualityUseCases } from '../wiring/quality.wiring';

export interface SampleCommandDeps {
  /**
   * Plans the month of `input.period` for a tenant (the hub's only tenant when `tenant` is omitted) as the CLI
   * operator, without storing it; `input` is the API's request body without `replace`, validated by the use-case.
   */
  readonly previewSamplePlan: (tenant: string | undefined, input: Record<string, unknown>) => Promise<DraftedSamplePlan>;
  /** Where output goes; default process.stdout. */
  readonly write?: (text: string) => void;
}

/** A flag's number, or its text when it is none, so that the use-case reports it as the API would a string. */
function numberOrText(value: string): number | string {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/** A seed: an integer as a number (as the API's JSON would carry it), anything else as a text seed. */
function seedOf(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: readonly string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - displayWidth(c))).join('  ').trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** CJK characters take two terminal columns. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

/** Renders a plan as plain-text tables: the sampled calls, then the per-agent quotas and reviewer loads. */
export function formatSamplePlan(plan: DraftedSamplePlan): string {
  const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
  const items = formatTable(
    ['call', 'agent', 'stratum', 'risk', 'reviewers', 'blind'],
    plan.items.map((i) => [i.callId, i.agentId, i.stratum, i.riskScore, i.reviewerIds.join(', ') || '(none eligible)', i.blind ? 'yes' : '']),
  );
  const agents = formatTable(
    ['agent', 'seniority', 'calls', 'quota', 'sampled', 'risk', 'control', 'random'],
    plan.agents.map((a) => [a.agentId, a.seniority, a.calls, `${a.quota} (${pct(a.quotaShare)})`, a.sampled, a.byStratum.risk, a.byStratum.control, a.byStratum.quota]),
  );
  const reviewers = formatTable(['reviewer', 'assigned', 'double-scored'], plan.reviewers.map((r) => [r.reviewerId, r.assigned, r.doubleScored]));
  const t = plan.totals;
  return [
    `Sampling plan ${plan.period} (seed ${plan.seed}, fingerprint ${plan.fingerprint})`,
    `${t.sampled} of ${t.callsInPeriod} calls sampled; ${t.doubleScored} double-scored; ${t.callsWithoutAgent} without agent; ${t.unassigned} unassigned`,
    '',
    items,
    '',
    agents,
    '',
    reviewers,
    ...(plan.agentsAssumedNew.length > 0 ? ['', `sampled as new (no agent record): ${plan.agentsAssumedNew.join(', ')}`] : []),
    '',
  ].join('\n');
}

/** Adds `sample plan` to the program. Planning errors (VALIDATION_FAILED, NOT_FOUND) propagate as the API's CallsightError. */
export function registerSampleCommands(program: Command, deps: SampleCommandDeps): Command {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const sample = program.command('sample').description('QA sampling (manual review quotas, risk-first, control stratum, cross-scoring)');
  sample
    .command('plan')
    .description('plan the manual QA sample of one month (a preview: POST /api/v1/sampling/plans stores one)')
    .requiredOption('--period <YYYY-MM>', 'month to sample (UTC)')
    .option('--seed <N>', 'random seed; the same seed gives the same plan (default: derived from the period)', seedOf)
    .option('--tenant <id>', 'tenant to sample (default: the only tenant of the hub)')
    .option('--json', 'print the plan as JSON (the body POST /api/v1/sampling/plans answers)')
    .option('--new-share <share>', "share of a new agent's calls to sample (default 0.5; give it with --senior-share)", numberOrText)
    .option('--senior-share <share>', "share of a senior agent's calls to sample (default 0.1; give it with --new-share)", numberOrText)
    .option('--control-share <share>', 'share of the sample drawn uniformly at random (default 0.2)', numberOrText)
    .option('--double-share <share>', 'share of sampled calls scored blindly by a second reviewer (default 0.1)', numberOrText)
    .option('--min-risk-score <score>', 'a call is risky above this screening risk, 0 to 1 (default 0)', numberOrText)
    .option('--no-risk-first', 'do not put high-risk calls first')
    .action(async (options: {
      period: string;
      seed?: number | string;
      tenant?: string;
      json?: boolean;
      newShare?: number | string;
      seniorShare?: number | string;
      controlShare?: number | string;
      doubleShare?: number | string;
      minRiskScore?: number | string;
      riskFirst: boolean;
    }) => {
      const quotas = options.newShare !== undefined || options.seniorShare !== undefined ? { new: options.newShare, senior: options.seniorShare } : undefined;
      const plan = await deps.previewSamplePlan(options.tenant, {
        period: options.period,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(quotas ? { quotas: Object.fromEntries(Object.entries(quotas).filter(([, v]) => v !== undefined)) } : {}),
        ...(options.riskFirst === false ? { riskFirst: false } : {}),
        ...(options.controlShare !== undefined ? { controlShare: options.controlShare } : {}),
        ...(options.doubleShare !== undefined ? { doubleScoreShare: options.doubleShare } : {}),
        ...(options.minRiskScore !== undefined ? { minRiskScore: options.minRiskScore } : {}),
      });
      write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatSamplePlan(plan));
    });
  return sample;
}

/**
 * The tenant a command names, checked to exist (NOT_FOUND otherwise), or the hub's only tenant when it names none
 * (VALIDATION_FAILED when the hub has several or none).
 */
export async function commandTenant(hub: Pick<Hub, 'calls'>, tenant: string | undefined): Promise<string> {
  if (tenant !== undefined) return (await requireTenant(hub.calls, tenant)).id;
  const tenants = await hub.calls.listTenants();
  if (tenants.length !== 1) throw new CallsightError('VALIDATION_FAILED', `this hub has ${tenants.length} tenants; name one with --tenant <id>`);
  return tenants[0]!.id;
}

/** The command's dependencies on an open hub: the preview use-case bound to its ports, run as the CLI operator. */
export function sampleCommandDepsOf(hub: Hub): Pick<SampleCommandDeps, 'previewSamplePlan'> {
  const { quality } = createHubQualityUseCases(hub);
  return {
    previewSamplePlan: async (tenant, input) => quality.previewSamplePlan(cliActor(await commandTenant(hub, tenant)), input as never),
  };
}

/**
 * `sample plan` over this hub's storage (DATA_DIR): opens the hub for the command, plans through the use-case
 * (audited as the CLI operator), and closes the hub. The hub opens only when the command runs.
 */
export function registerSampleCliCommands(program: Command): Command {
  return registerSampleCommands(program, {
    previewSamplePlan: async (tenant, input) => {
      const hub = await openHub(loadConfig());
      try {
        return await sampleCommandDepsOf(hub).previewSamplePlan(tenant, input);
      } finally {
        await hub.close();
      }
    },
  });
}
