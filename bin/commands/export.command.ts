import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Principal } from '../../core/access/access.policy';
import { CallsightError } from '../../core/shared/errors';
import type { ExportView } from '../../core/api/exports.api';
import { loadConfig } from '../config';
import { openHub, type Hub } from '../hub';
import { createAccessUseCases, verifyExportBundle, type AccessUseCases } from '../wiring/access.wiring';

/** The environment variable holding the acting admin's bearer token (never a flag: flags show in process lists). */
export const TOKEN_ENV = 'CALLSIGHT_TOKEN';

/**
 * The admin acting, proven by a bearer token exactly as the API proves it: the two-person rule needs two named
 * people, which the operator's single `cli` identity is not.
 */
async function actingAdmin(hub: Hub): Promise<Principal> {
  const token = process.env[TOKEN_ENV]?.trim();
  if (!token) {
    throw new CallsightError('UNAUTHENTICATED', `Export requests and decisions are made by a named admin: set ${TOKEN_ENV} to their bearer token (callsight token --tenant <id> --user <id> --role admin)`);
  }
  return hub.tokens.verify(token);
}

/** Opens the hub, resolves the acting admin and runs `action` with the export use-cases; the hub is closed after. */
async function asAdmin(action: (exports: AccessUseCases['exports'], admin: Principal) => Promise<void>): Promise<void> {
  const hub = await openHub(loadConfig());
  try {
    await action(createAccessUseCases(hub).exports, await actingAdmin(hub));
  } finally {
    await hub.close();
  }
}

function print(view: ExportView, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(view)}\n`);
    return;
  }
  const decided = view.decidedBy ? `, ${view.status} by ${view.decidedBy}${view.expiresAt ? ` until ${view.expiresAt}` : ''}` : '';
  process.stdout.write(`${view.id}: ${view.status}, ${view.callCount} calls, requested by ${view.requestedBy} at ${view.createdAt}${decided}\n`);
}

/**
 * `callsight export request|list|show|approve|reject|download|verify`: two-person export approval (R-ACC-3) from
 * the command line, through the same use-cases as the API (same results, same errors), and offline checking of a
 * downloaded bundle against its signed manifest.
 */
export function registerExportCommands(program: Command): void {
  const exportCmd = program.command('export').description(`two-person export approval (acting admin's token in ${TOKEN_ENV}) and bundle verification`);

  exportCmd
    .command('request')
    .description('ask for an export of calls (by id or a filter); another admin must approve it')
    .requiredOption('--reason <text>', 'why the export is needed (shown to the approver)')
    .option('--call <id...>', 'call ids')
    .option('--filter <json>', 'a call filter as JSON, e.g. {"agentId":"a-1","from":"2026-01-01T00:00:00Z"}')
    .option('--json', 'print JSON')
    .action((opts: { reason: string; call?: string[]; filter?: string; json?: boolean }) =>
      asAdmin(async (exports, admin) => {
        let filter: unknown;
        if (opts.filter !== undefined) {
          try {
            filter = JSON.parse(opts.filter) as unknown;
          } catch {
            throw new CallsightError('VALIDATION_FAILED', 'Invalid body: filter: --filter is not valid JSON');
          }
        }
        print(await exports.request(admin, { reason: opts.reason, ...(opts.call ? { callIds: opts.call } : {}), ...(filter !== undefined ? { filter } : {}) }), opts.json);
      }),
    );

  exportCmd
    .command('list')
    .description('list exports, newest first')
    .option('--status <status>', 'pending, approved or rejected')
    .option('--limit <n>', 'at most this many (1..200)', '50')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .option('--json', 'print JSON')
    .action((opts: { status?: string; limit: string; cursor?: string; json?: boolean }) =>
      asAdmin(async (exports, admin) => {
        const page = await exports.list(admin, { ...(opts.status ? { status: opts.status as 'pending' } : {}), limit: opts.limit, ...(opts.cursor ? { cursor: opts.cursor } : {}) });
        if (opts.json) process.stdout.write(`${JSON.stringify(page)}\n`);
        else for (const view of page.items) print(view, false);
      }),
    );

  exportCmd
    .command('show')
    .description('show one export')
    .argument('<id>', 'export id')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) => asAdmin(async (exports, admin) => print(await exports.get(admin, { id }), opts.json)));

  for (const [name, verb] of [
    ['approve', 'approve'],
    ['reject', 'reject'],
  ] as const) {
    exportCmd
      .command(name)
      .description(`${verb} a pending export requested by another admin`)
      .argument('<id>', 'export id')
      .option('--note <text>', 'a note for the requester')
      .option('--json', 'print JSON')
      .action((id: string, opts: { note?: string; json?: boolean }) =>
        asAdmin(async (exports, admin) => print(await exports[name](admin, { id, ...(opts.note !== undefined ? { note: opts.note } : {}) }), opts.json)),
      );
  }

  exportCmd
    .command('download')
    .description('download your approved export as a zip (the requester only, before it expires)')
    .argument('<id>', 'export id')
    .requiredOption('--out <file>', 'write the zip to this new file')
    .option('--json', 'print JSON')
    .action((id: string, opts: { out: string; json?: boolean }) =>
      asAdmin(async (exports, admin) => {
        const download = await exports.download(admin, { id });
        await pipeline(Readable.from(download.content), createWriteStream(opts.out, { flags: 'wx', mode: 0o600 }));
        const summary = { exportId: download.exportId, file: opts.out, calls: download.calls, withAudio: download.withAudio };
        process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `Wrote export ${download.exportId} (${download.calls} calls, ${download.withAudio} with audio) to ${opts.out}\n`);
      }),
    );

  exportCmd
    .command('verify')
    .description('check an export bundle: manifest signature, SHA-256 and size of every file, nothing missing or added; exit code 1 on any problem')
    .argument('<bundle>', 'the downloaded .zip')
    .option('--tenant <id>', 'tenant whose key signed it (default: the tenant named in the manifest)')
    .option('--json', 'print JSON')
    .action(async (bundle: string, opts: { tenant?: string; json?: boolean }) => {
      const hub = await openHub(loadConfig());
      try {
        const result = await verifyExportBundle(hub, bundle, opts.tenant);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ok: result.ok, tenantId: result.tenantId, exportId: result.manifest?.meta?.exportId ?? null, files: result.manifest?.fileCount ?? null, problems: result.problems })}\n`);
        } else if (result.ok) {
          process.stdout.write(`OK: export ${result.manifest!.meta.exportId} of tenant ${result.tenantId}, ${result.manifest!.fileCount} files, requested by ${result.manifest!.meta.requestedBy}, approved by ${result.manifest!.meta.approvedBy}\n`);
        } else {
          process.stdout.write(`FAILED: ${result.problems.length} problem(s)\n`);
          for (const p of result.problems) process.stdout.write(`  ${p.kind}${'path' in p ? ` ${p.path}` : ''}${'detail' in p ? ` (${p.detail})` : ''}\n`);
        }
        if (!result.ok) process.exitCode = 1;
      } finally {
        await hub.close();
      }
    });
}
