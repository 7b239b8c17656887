import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CallsightError } from '../../core/shared/errors';
import type { KeyGenerationStatus, SealedSecretStore } from '../../core/recordings/key-vault.port';
import { cliActor } from '../../app/shared/actor';
import { createKeysUseCases, DEFAULT_ROTATION_BATCH, type RotationStep } from '../../app/keys';
import { SqlSealedSecrets, postgresRunner, sqliteRunner } from '../../adapters/keys/sealed-secrets';
import { loadConfig, type HubConfig } from '../config';
import { openHub } from '../hub';

/** What `callsight keys rotate` did in one run (a run may resume a rotation an earlier run started). */
export interface RotationRun {
  readonly tenantId: string;
  /** The generation every key is wrapped under now. */
  readonly generation: number;
  readonly completed: boolean;
  /** This run resumed a rotation an earlier, interrupted run had started. */
  readonly resumed: boolean;
  readonly steps: number;
  readonly rewrapped: number;
  readonly resealed: number;
  readonly remaining: number;
  readonly total: number;
  /** Generations destroyed by this run. */
  readonly destroyed: readonly number[];
}

export interface RotationRunOptions {
  readonly batchSize?: number;
  /** Stops between two steps (the rotation stays resumable). */
  readonly signal?: AbortSignal;
  onStep?(step: RotationStep): void;
}

/**
 * Runs the tenant's key rotation to its end, one audited step (`app/keys/rotate-tenant-key.ts`) per batch, as the
 * operator of the hub's machine. Safe while the hub serves: every recording stays playable throughout.
 */
export async function runKeyRotation(config: HubConfig, tenantId: string, options: RotationRunOptions = {}): Promise<RotationRun> {
  const hub = await openHub(config);
  const sealed = await openSealedSecrets(config, hub.storage.sqlite);
  try {
    if (!(await hub.calls.getTenant(tenantId))) throw new CallsightError('NOT_FOUND', `No tenant "${tenantId}" on this hub`);
    const keys = createKeysUseCases({ keyRotation: hub.keys, sealedSecrets: sealed.store, audit: (entry) => hub.audit(entry) });
    const actor = cliActor(tenantId);
    let steps = 0;
    let rewrapped = 0;
    let resealed = 0;
    let resumed = false;
    let last: RotationStep | null = null;
    while (!options.signal?.aborted) {
      const step = await keys.rotateTenantKey(actor, { batchSize: options.batchSize ?? DEFAULT_ROTATION_BATCH });
      if (steps === 0) resumed = !step.started;
      steps++;
      rewrapped += step.rewrapped;
      resealed += step.resealed;
      last = step;
      options.onStep?.(step);
      if (step.completed) break;
    }
    const status = await hub.keys.keyStatus(tenantId);
    return {
      tenantId,
      generation: status.current,
      completed: last?.completed ?? false,
      resumed,
      steps,
      rewrapped,
      resealed,
      remaining: status.remaining,
      total: status.total,
      destroyed: last?.destroyed ?? [],
    };
  } finally {
    await sealed.close();
    await hub.close();
  }
}

/** Where the tenant key stands: current generation, a rotation under way, destroyed generations. */
export async function readKeyStatus(config: HubConfig, tenantId: string): Promise<KeyGenerationStatus> {
  const hub = await openHub(config);
  try {
    if (!(await hub.calls.getTenant(tenantId))) throw new CallsightError('NOT_FOUND', `No tenant "${tenantId}" on this hub`);
    return await hub.keys.keyStatus(tenantId);
  } finally {
    await hub.close();
  }
}

async function openSealedSecrets(
  config: HubConfig,
  sqlite: Parameters<typeof sqliteRunner>[0] | null,
): Promise<{ readonly store: SealedSecretStore; close(): Promise<void> }> {
  if (sqlite) return { store: new SqlSealedSecrets(sqliteRunner(sqlite)), close: async () => undefined };
  if (!config.databaseUrl) throw new Error('The hub has neither a SQLite nor a PostgreSQL metadata database');
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  return { store: new SqlSealedSecrets(postgresRunner(pool)), close: () => pool.end() };
}

function formatRun(run: RotationRun): string {
  const state = run.completed
    ? `done: every key is wrapped under generation ${run.generation}${run.destroyed.length > 0 ? `; generation ${run.destroyed.join(', ')} destroyed` : ''}`
    : `interrupted with ${run.remaining} of ${run.total} keys still under the old generation (run again to resume)`;
  return `tenant ${run.tenantId}: key rotation ${state}${run.resumed ? ' (resumed)' : ''}; ${run.rewrapped} keys re-wrapped, ${run.resealed} secrets re-sealed in ${run.steps} steps\n`;
}

function formatStatus(s: KeyGenerationStatus): string {
  const rotation = s.retiring.length > 0 ? `rotation under way: ${s.remaining} of ${s.total} keys still under generation ${s.retiring.join(', ')}` : 'no rotation under way';
  return `tenant ${s.tenantId}: generation ${s.current}, ${s.total} keys; ${rotation}${s.destroyed.length > 0 ? `; destroyed generations ${s.destroyed.join(', ')}` : ''}\n`;
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('tenant keys: rotation of the key that wraps every recording key');

  keys
    .command('rotate')
    .description(
      're-wrap every recording key of a tenant under a new tenant key, then destroy the old one; safe while the hub serves, resumable (run again after an interruption)',
    )
    .requiredOption('--tenant <id>', 'the tenant whose key is rotated')
    .option('--batch-size <n>', 'keys re-wrapped per audited step', String(DEFAULT_ROTATION_BATCH))
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; batchSize: string; json?: boolean }) => {
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch-size must be an integer 1..10000');
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const tty = process.stderr.isTTY === true;
      const bar = new cliProgress.SingleBar(
        { format: 'keys rotate {tenant} [{bar}] {value}/{total} keys re-wrapped under generation {generation}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      try {
        const run = await runKeyRotation(loadConfig(), opts.tenant, {
          batchSize,
          signal: controller.signal,
          onStep(step) {
            const done = step.total - step.remaining;
            if (!tty) {
              process.stderr.write(`keys rotate ${step.tenantId}: ${done}/${step.total} keys under generation ${step.generation}${step.completed ? ', old generation destroyed' : ''}\n`);
            } else if (!started) {
              bar.start(step.total, done, { tenant: step.tenantId, generation: step.generation });
              started = true;
            } else {
              bar.setTotal(step.total);
              bar.update(done, { tenant: step.tenantId, generation: step.generation });
            }
          },
        });
        if (started) bar.stop();
        if (opts.json) process.stdout.write(`${JSON.stringify(run)}\n`);
        else process.stdout.write(formatRun(run));
        if (!run.completed) process.exitCode = 1;
      } catch (error) {
        if (started) bar.stop();
        throw error;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    });

  keys
    .command('status')
    .description("where a tenant's key stands: current generation, a rotation under way, destroyed generations")
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const status = await readKeyStatus(loadConfig(), opts.tenant);
      process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
    });
}
