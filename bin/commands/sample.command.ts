/**
 * `callsight sample plan --period YYYY-MM [--json] [--seed N]`: prints the month's QA sampling plan
 * (core/sampling/sample-plan). The caller wires `loadSampleInput` to storage.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  planSample,
  type SampleAgentInput,
  type SampleCallInput,
  type SamplePlan,
  type SampleReviewerInput,
} from '../../core/sampling/sample-plan';
import { defaultSampleSeed } from '../../core/sampling/sample-input';

export interface SampleCommandDeps {
  /**
   * Loads the period's calls (with risk scores), the agents with their seniority, and the reviewers, of
   * `options.tenant` (or the loader's default tenant when omitted).
   */
  readonly loadSampleInput: (period: string, options: { readonly tenant?: string }) => Promise<{
    readonly calls: readonly SampleCallInput[];
    readonly agents: readonly SampleAgentInput[];
    readonly reviewers: readonly SampleReviewerInput[];
  }>;
  /** Where output goes; default process.stdout. */
  readonly write?: (text: string) => void;
}

function parseShare(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.5');
  return n;
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError('expected a non-negative integer seed (up to 4294967295)');
  return Number(value);
}

function parsePeriod(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected a month as YYYY-MM, e.g. 2025-03');
  return value;
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
export function formatSamplePlan(plan: SamplePlan): string {
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
    '',
  ].join('\n');
}

/** Adds `sample plan` to the program. Bad options exit through commander's usual error path; planning errors propagate as CallsightError. */
export function registerSampleCommands(program: Command, deps: SampleCommandDeps): Command {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const sample = program.command('sample').description('QA sampling (manual review quotas, risk-first, control stratum, cross-scoring)');
  sample
    .command('plan')
    .description('plan the manual QA sample of one month')
    .requiredOption('--period <YYYY-MM>', 'month to sample (UTC)', parsePeriod)
    .option('--seed <N>', 'random seed; the same seed gives the same plan (default: derived from the period)', parseSeed)
    .option('--tenant <id>', 'tenant to sample (default: the only tenant of the hub)')
    .option('--json', 'print the plan as JSON')
    .option('--new-share <share>', 'share of a new agent\'s calls to sample', parseShare, 0.5)
    .option('--senior-share <share>', 'share of a senior agent\'s calls to sample', parseShare, 0.1)
    .option('--control-share <share>', 'share of the sample drawn uniformly at random', parseShare, 0.2)
    .option('--double-share <share>', 'share of sampled calls scored blindly by a second reviewer', parseShare, 0.1)
    .option('--no-risk-first', 'do not put high-risk calls first')
    .action(async (options: {
      period: string;
      seed?: number;
      tenant?: string;
      json?: boolean;
      newShare: number;
      seniorShare: number;
      controlShare: number;
      doubleShare: number;
      riskFirst: boolean;
    }) => {
      const input = await deps.loadSampleInput(options.period, options.tenant !== undefined ? { tenant: options.tenant } : {});
      const plan = planSample({
        period: options.period,
        calls: input.calls,
        agents: input.agents,
        reviewers: input.reviewers,
        quotas: { new: options.newShare, senior: options.seniorShare },
        riskFirst: options.riskFirst,
        controlShare: options.controlShare,
        doubleScoreShare: options.doubleShare,
        seed: options.seed ?? defaultSampleSeed(options.period),
      });
      write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatSamplePlan(plan));
    });
  return sample;
}

/**
 * `sample plan` over this hub's storage (DATA_DIR): opens the hub for the command, reads the month through
 * the same loader as the API (so the same seed gives the same plan), audits the read, and closes the hub.
 * The hub modules load lazily, so that `registerSampleCommands` stays usable without a database.
 */
export function registerSampleCliCommands(program: Command): Command {
  return registerSampleCommands(program, {
    loadSampleInput: async (period, options) => {
      const [{ loadConfig }, { openHub }, { loadSampleInputFromHub }] = await Promise.all([import('../config'), import('../hub'), import('../wiring/quality.wiring')]);
      const hub = await openHub(loadConfig());
      try {
        return await loadSampleInputFromHub(hub, period, options.tenant);
      } finally {
        await hub.close();
      }
    },
  });
}
