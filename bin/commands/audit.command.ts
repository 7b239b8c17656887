import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { cliActor } from '../../app/shared/actor';
import type { AuditVerificationReport } from '../../app/audit';
import { loadConfig } from '../config';
import { openHub, type Hub } from '../hub';
import { createAccessUseCases } from '../wiring/access.wiring';

function isoOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${name} must be a date or ISO-8601 instant, e.g. 2026-01-01 or 2026-01-01T00:00:00Z`);
  return new Date(ms).toISOString();
}

/** The tenants the operator means: the one named, or every tenant with calls or an audit chain. */
async function tenantsToCheck(hub: Hub, tenant: string | undefined): Promise<string[]> {
  if (tenant !== undefined) {
    if (!(await hub.calls.getTenant(tenant))) throw new Error(`Tenant "${tenant}" does not exist on this hub (DATA_DIR ${hub.config.dataDir})`);
    return [tenant];
  }
  const known = new Set([...(await hub.calls.listTenants()).map((t) => t.id), ...(await hub.auditLog.tenants())]);
  return [...known].sort();
}

function describe(tenantId: string, report: AuditVerificationReport): string {
  const checkpoint = report.checkpoint ? `, checkpoint seq ${report.checkpoint.seq}${report.checkpoint.valid ? '' : ' (signature INVALID)'}` : ', no checkpoint yet';
  const start = report.start.seq > 0 ? ` from prune anchor seq ${report.start.seq}` : '';
  if (report.ok) return `${tenantId}: intact, ${report.checked} events${start}, head seq ${report.head.seq}${checkpoint}`;
  return `${tenantId}: BROKEN at seq ${report.firstBroken!.seq} (${report.firstBroken!.reason}); ${report.checked} events verified before it${start}${checkpoint}`;
}

/**
 * `callsight audit verify|export|prune`: the audit trail for operators and regulators (R-ACC-2, R-ACC-5), run as
 * the operator (`cli`) through the same use-cases as the API and the daily prune.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('verify, export and prune the tamper-evident audit trail');

  audit
    .command('verify')
    .description('check every audit hash chain (or one tenant\'s) and name the first broken link; exit code 1 when broken')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      const hub = await openHub(loadConfig());
      try {
        const { audit: useCases } = createAccessUseCases(hub);
        const results: { tenantId: string; report: AuditVerificationReport }[] = [];
        for (const tenantId of await tenantsToCheck(hub, opts.tenant)) results.push({ tenantId, report: await useCases.verify(cliActor(tenantId), undefined) });
        const ok = results.every((r) => r.report.ok);
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok, tenants: results.map((r) => ({ tenantId: r.tenantId, ...r.report })) })}\n`);
        else for (const r of results) process.stdout.write(`${describe(r.tenantId, r.report)}\n`);
        if (!ok) process.exitCode = 1;
      } finally {
        await hub.close();
      }
    });

  audit
    .command('export')
    .description('write a tenant\'s audit events as JSON lines with a signed checkpoint of the chain head (for regulators); the checkpoint is also kept to detect later truncation')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--from <instant>', 'first instant included (ISO-8601 or date)')
    .option('--to <instant>', 'instant excluded (ISO-8601 or date)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { tenant: string; from?: string; to?: string; out?: string }) => {
      const from = isoOption(opts.from, '--from');
      const to = isoOption(opts.to, '--to');
      const hub = await openHub(loadConfig());
      try {
        const exported = await createAccessUseCases(hub).audit.export(cliActor(opts.tenant), { ...(from ? { from } : {}), ...(to ? { to } : {}) });
        const out = opts.out ? createWriteStream(opts.out, { flags: 'wx', mode: 0o600 }) : process.stdout;
        let events = 0;
        let head = 0;
        for await (const line of exported.lines) {
          if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
          if (line.type === 'event') events++;
          if (line.type === 'checkpoint') head = line.checkpoint.seq;
        }
        if (opts.out) {
          (out as ReturnType<typeof createWriteStream>).end();
          await finished(out);
          process.stderr.write(`Wrote ${events} events and a checkpoint of head seq ${head} to ${opts.out}\n`);
        }
      } finally {
        await hub.close();
      }
    });

  audit
    .command('prune')
    .description('delete audit events older than the tenant\'s retention (setting audit-retention, >= 365 days), keeping the chain verifiable through a signed-in anchor')
    .option('--tenant <id>', 'only this tenant (default: every tenant)')
    .option('--dry-run', 'only report what would be pruned')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; dryRun?: boolean; json?: boolean }) => {
      const hub = await openHub(loadConfig());
      try {
        const { audit: useCases } = createAccessUseCases(hub);
        const reports = [];
        for (const tenantId of await tenantsToCheck(hub, opts.tenant)) reports.push(await useCases.prune(cliActor(tenantId), { dryRun: opts.dryRun === true }));
        if (opts.json) process.stdout.write(`${JSON.stringify({ tenants: reports })}\n`);
        else {
          for (const r of reports) {
            process.stdout.write(`${r.tenantId}: ${r.dryRun ? 'would prune' : 'pruned'} ${r.pruned} events before ${r.cutoff} (keep ${r.keepDays} days)${r.anchor ? `, anchor seq ${r.anchor.seq}` : ''}\n`);
          }
        }
      } finally {
        await hub.close();
      }
    });
}
