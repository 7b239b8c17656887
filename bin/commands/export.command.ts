import type { Command } from 'commander';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { createAccessServices } from '../wiring/access.wiring';

/** `callsight export verify BUNDLE.zip`: checks an export bundle offline against its signed manifest (R-ACC-3). */
export function registerExportCommands(program: Command): void {
  const exportCmd = program.command('export').description('work with export bundles');

  exportCmd
    .command('verify')
    .description('check an export bundle: manifest signature, SHA-256 and size of every file, nothing missing or added; exit code 1 on any problem')
    .argument('<bundle>', 'the downloaded .zip')
    .option('--tenant <id>', 'tenant whose key signed it (default: the tenant named in the manifest)')
    .option('--json', 'print JSON')
    .action(async (bundle: string, opts: { tenant?: string; json?: boolean }) => {
      const hub = await openHub(loadConfig());
      try {
        const result = await createAccessServices(hub).verifyBundle(bundle, opts.tenant);
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
