import type { Command } from 'commander';
import type { OrphanReport, StorageVerification } from '../../app/storage';
import { loadConfig, type HubConfig } from '../config';
import { openHub } from '../hub';
import { createStorageCapability, type StorageCapability, type TenantResult } from '../wiring/storage.wiring';

export interface GcRunOptions {
  /** Minutes an unreferenced item must be old before it is removed; default ORPHAN_GRACE_MINUTES. */
  readonly graceMinutes?: number;
  readonly dryRun?: boolean;
}

async function withStorage<T>(config: HubConfig, work: (storage: StorageCapability) => Promise<T>): Promise<T> {
  const hub = await openHub(config);
  try {
    return await work(createStorageCapability({ recoverAtStart: false, intervalMs: 0 })(hub) as StorageCapability);
  } finally {
    await hub.close();
  }
}

/** `callsight storage gc`: one audited garbage-collection pass over every tenant, as the system. */
export function runStorageGc(config: HubConfig, options: GcRunOptions = {}): Promise<readonly TenantResult<OrphanReport>[]> {
  return withStorage(config, (storage) =>
    storage.collectEverywhere({
      trigger: 'cli',
      dryRun: options.dryRun ?? false,
      ...(options.graceMinutes !== undefined ? { graceMinutes: options.graceMinutes } : {}),
    }),
  );
}

/** `callsight storage verify`: every call's container and data key checked, in every tenant (audited). */
export function runStorageVerify(config: HubConfig): Promise<readonly TenantResult<StorageVerification>[]> {
  return withStorage(config, (storage) => storage.verifyEverywhere('cli'));
}

function formatGc(r: TenantResult<OrphanReport>): string {
  if (!r.result) return `tenant ${r.tenantId}: failed (${r.error})\n`;
  const g = r.result;
  const verb = g.dryRun ? 'would remove' : 'removed';
  return (
    `tenant ${r.tenantId}: ${verb} ${g.containersRemoved} unreferenced recordings, ${g.partialsRemoved} partial writes, ` +
    `${g.dryRun ? 'would destroy' : 'destroyed'} ${g.keysDestroyed} unused data keys; ${g.protectedItems} younger than ${g.graceMinutes} min left alone ` +
    `(${g.itemsScanned} items, ${g.keysScanned} keys looked at)\n`
  );
}

function formatVerify(r: TenantResult<StorageVerification>): string {
  if (!r.result) return `tenant ${r.tenantId}: failed (${r.error})\n`;
  const v = r.result;
  const head = `tenant ${r.tenantId}: ${v.checked} recordings checked, ${v.missing.length} missing\n`;
  return head + v.missing.map((m) => `  call ${m.callId} (${m.status}): ${m.missing === 'container' ? 'audio container missing' : 'data key missing'}\n`).join('');
}

export function registerStorageCommands(program: Command): void {
  const storage = program.command('storage').description('stored audio and keys: crash recovery, garbage collection and verification');

  storage
    .command('gc')
    .description(
      'remove what a crash stranded: recordings no call references, partial writes and unused data keys older than the grace period (audited)',
    )
    .option('--grace-minutes <n>', 'leave alone anything younger than this (default ORPHAN_GRACE_MINUTES, 60); 0 only when no ingest is running')
    .option('--dry-run', 'count what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { graceMinutes?: string; dryRun?: boolean; json?: boolean }) => {
      let graceMinutes: number | undefined;
      if (opts.graceMinutes !== undefined) {
        graceMinutes = Number(opts.graceMinutes);
        if (!Number.isInteger(graceMinutes) || graceMinutes < 0 || graceMinutes > 7 * 24 * 60) throw new Error('--grace-minutes must be an integer 0..10080');
      }
      const results = await runStorageGc(loadConfig(), { ...(graceMinutes !== undefined ? { graceMinutes } : {}), dryRun: opts.dryRun === true });
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(formatGc).join(''));
      if (results.some((r) => r.error)) process.exitCode = 1;
    });

  storage
    .command('verify')
    .description('check that every call still has its audio container and data key; lists the calls that do not (exit code 1), changes nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const results = await runStorageVerify(loadConfig());
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(formatVerify).join(''));
      if (results.some((r) => r.error || (r.result?.missing.length ?? 0) > 0)) process.exitCode = 1;
    });
}
