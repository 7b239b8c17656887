import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { CallsightError } from '../../core/shared/errors';
import {
  ShredJournal,
  copyTree,
  dropDataKeys,
  prepareEmptyDir,
  replaceSqliteFile,
  replaceTree,
  snapshotSqlite,
  verifyManifest,
  writeManifest,
  type ShredEntry,
} from '../../adapters/backup';
import { cliActor } from '../../app/shared/actor';
import { createBackupUseCases } from '../../app/backup';
import { loadConfig, type HubConfig } from '../config';
import { retentionOptionsFromEnv } from '../wiring/retention.wiring';
import { openRetentionHub } from './retention.command';

/** Where a hub keeps what a backup holds. */
export interface HubLayout {
  readonly dataDir: string;
  readonly dbFile: string;
  readonly audioDir: string;
  readonly archiveDir: string;
  readonly keysDir: string;
  readonly journalFile: string;
}

export function hubLayout(config: HubConfig, env: NodeJS.ProcessEnv = process.env): HubLayout {
  const keysDir = join(config.dataDir, 'keys');
  return {
    dataDir: config.dataDir,
    dbFile: join(config.dataDir, 'callsight.db'),
    audioDir: join(config.dataDir, 'audio'),
    archiveDir: resolve(retentionOptionsFromEnv(env).archiveDir ?? join(config.dataDir, 'archive')),
    keysDir,
    journalFile: join(keysDir, 'shred-journal.db'),
  };
}

export interface BackupSummary {
  readonly backupId: string;
  readonly createdAt: string;
  readonly dir: string;
  readonly keysDir: string;
  readonly calls: number;
  readonly audioFiles: number;
  readonly archiveFiles: number;
  readonly dataBytes: number;
}

const audioPath = (tenantId: string, recordingId: string) => `${tenantId}/${recordingId.slice(-2)}/${recordingId}.csa`;

/**
 * Backs the hub up into `dir` while it may keep running: a consistent SQLite snapshot (online backup API) in
 * DIR/db, the deletion journal in DIR/journal, the encrypted audio in DIR/audio and DIR/archive, and the key store
 * (wrapped data keys and tenant secrets) APART in `keysDir` (default DIR/keys; put it on other media). The snapshot
 * is taken first, so every call in it has its key and audio in the copy, unless it was deleted meanwhile, which
 * the journal records and restore re-applies.
 */
/**
 * Backups copy the SQLite file with the rest of DATA_DIR; a PostgreSQL database is backed up with the server's
 * own tools, which this command cannot coordinate with the key store's crypto-shredding journal.
 */
function requireSqlite(config: HubConfig, what: 'backup' | 'restore'): void {
  if (config.databaseUrl) {
    throw new CallsightError(
      'VALIDATION_FAILED',
      `callsight ${what} covers the SQLite store only: with DATABASE_URL set, ${what} the PostgreSQL database with pg_dump/pg_restore ` +
        'and DATA_DIR (keys, audio) with your file backups, keys on separate media.',
    );
  }
}

export async function runBackup(config: HubConfig, dir: string, keysDirOption?: string): Promise<BackupSummary> {
  requireSqlite(config, 'backup');
  const outDir = resolve(dir);
  const keysOut = resolve(keysDirOption ?? join(outDir, 'keys'));
  await prepareEmptyDir(outDir, 'backup');
  if (keysDirOption !== undefined) await prepareEmptyDir(keysOut, 'key backup');
  const layout = hubLayout(config);
  const { hub, retention, close } = await openRetentionHub(config);
  try {
    const backupId = randomUUID();
    const createdAt = hub.clock.now().toISOString();
    const snapshot = join(outDir, 'db', 'callsight.db');
    await snapshotSqlite(hub.storage.sqlite!, snapshot);
    await retention.journal.snapshotTo(join(outDir, 'journal', 'shred-journal.db'));
    await snapshotSqlite(join(layout.keysDir, 'data-keys.db'), join(keysOut, 'data-keys.db'));
    await copyTree(join(layout.keysDir, 'tenants'), join(keysOut, 'tenants'));
    const audioFiles = await copyTree(layout.audioDir, join(outDir, 'audio'));
    const archiveFiles = await copyTree(layout.archiveDir, join(outDir, 'archive'));

    // A call moved between tiers while the folders were copied may be in neither copy: fetch it from where it is now.
    const Database = (await import('better-sqlite3')).default;
    const snap = new Database(snapshot, { readonly: true });
    let calls = 0;
    try {
      const rows = snap.prepare('SELECT tenant_id, id, rec_key_id FROM calls').iterate() as IterableIterator<{ tenant_id: string; id: string; rec_key_id: string | null }>;
      for (const row of rows) {
        calls++;
        if (row.rec_key_id === null) continue;
        const rel = audioPath(row.tenant_id, row.id).split('/');
        if (existsSync(join(outDir, 'audio', ...rel)) || existsSync(join(outDir, 'archive', ...rel))) continue;
        for (const [from, to] of [[layout.audioDir, 'audio'], [layout.archiveDir, 'archive']] as const) {
          if (!existsSync(join(from, ...rel))) continue;
          await mkdir(join(outDir, to, ...rel.slice(0, -1)), { recursive: true, mode: 0o700 });
          await copyFile(join(from, ...rel), join(outDir, to, ...rel));
          break;
        }
      }
    } finally {
      snap.close();
    }

    const nestedKeys = relative(outDir, keysOut);
    const keysInside = !nestedKeys.startsWith('..') && nestedKeys !== '' ? `${nestedKeys.split(sep).join('/')}/` : null;
    await writeManifest(keysOut, 'keys', backupId, createdAt);
    const manifest = await writeManifest(outDir, 'data', backupId, createdAt, (rel) => keysInside !== null && rel.startsWith(keysInside));
    const dataBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const { recordBackup } = createBackupUseCases({ audit: (entry) => hub.audit(entry) });
    for (const tenant of await hub.calls.listTenants()) {
      await recordBackup(cliActor(tenant.id), { backupId, createdAt, files: manifest.files.length, bytes: dataBytes });
    }
    return { backupId, createdAt, dir: outDir, keysDir: keysOut, calls, audioFiles: audioFiles.length, archiveFiles: archiveFiles.length, dataBytes };
  } finally {
    await close();
  }
}

export interface RestoreSummary {
  readonly backupId: string;
  readonly createdAt: string;
  /** Deletions in the journal (the live one merged with the backup's). */
  readonly journalled: number;
  /** Calls in the restored database deleted again because the journal says they were deleted. */
  readonly redeleted: number;
  readonly keysDropped: number;
  readonly audioFiles: number;
}

/**
 * Restores a backup into the hub's data folder; the hub must be stopped. Both halves are checked against their
 * manifests first (nothing is touched when one fails). The deletion journal is the union of the live one and the
 * backup's, and it wins over the backup: deleted calls' audio is not copied back, their data keys are dropped from
 * the restored key store, and they are tombstoned again with a certificate, so nothing deleted comes back.
 */
export async function runRestore(config: HubConfig, dir: string, keysDirOption?: string): Promise<RestoreSummary> {
  requireSqlite(config, 'restore');
  const inDir = resolve(dir);
  const keysIn = resolve(keysDirOption ?? join(inDir, 'keys'));
  const data = await verifyManifest(inDir, 'data');
  const keys = await verifyManifest(keysIn, 'keys');
  if (data.backupId !== keys.backupId) {
    throw new CallsightError('VALIDATION_FAILED', 'The key half belongs to another backup than the data half; restore them from the same backup.');
  }
  const layout = hubLayout(config);
  await mkdir(join(layout.keysDir, 'tenants'), { recursive: true, mode: 0o700 });
  const tenantKeys = (await readdir(join(keysIn, 'tenants')).catch(() => [] as string[])).filter((n) => n.endsWith('.key'));
  for (const name of tenantKeys) {
    const live = join(layout.keysDir, 'tenants', name);
    if (existsSync(live) && !(await readFile(live)).equals(await readFile(join(keysIn, 'tenants', name)))) {
      throw new CallsightError('CONFLICT', `The live tenant key ${name} differs from the backup's; this backup belongs to another hub. Nothing was changed.`);
    }
  }

  // 1. The journal: union of live and backup, written before anything else so a crash mid-restore loses no deletion.
  const journal = new ShredJournal(layout.journalFile);
  let entries: ShredEntry[];
  try {
    const backupJournal = join(inDir, 'journal', 'shred-journal.db');
    if (existsSync(backupJournal)) {
      const copy = new ShredJournal(backupJournal, { readonly: true });
      try {
        journal.merge(copy.entries());
      } finally {
        copy.close();
      }
    }
    entries = [...journal.entries()];
  } finally {
    journal.close();
  }
  const deletedPaths = new Set(entries.map((e) => audioPath(e.tenantId, e.callId)));
  const skip = (rel: string) => deletedPaths.has(rel);

  // 2. Database, keys (minus every destroyed data key), audio and archive (minus deleted calls).
  const dbCopy = `${layout.dbFile}.restoring-${randomUUID().slice(0, 8)}`;
  await copyFile(join(inDir, 'db', 'callsight.db'), dbCopy);
  await replaceSqliteFile(layout.dbFile, dbCopy);
  const keysFile = join(layout.keysDir, 'data-keys.db');
  const keysCopy = `${keysFile}.restoring-${randomUUID().slice(0, 8)}`;
  await copyFile(join(keysIn, 'data-keys.db'), keysCopy);
  const keysDropped = dropDataKeys(keysCopy, entries.filter((e) => e.keyId !== null).map((e) => ({ tenantId: e.tenantId, keyId: e.keyId! })));
  await replaceSqliteFile(keysFile, keysCopy);
  for (const name of tenantKeys) {
    const live = join(layout.keysDir, 'tenants', name);
    if (!existsSync(live)) await copyTree(join(keysIn, 'tenants'), join(layout.keysDir, 'tenants'), (rel) => rel !== name);
  }
  const audioFiles = await replaceTree(layout.audioDir, join(inDir, 'audio'), skip);
  await replaceTree(layout.archiveDir, join(inDir, 'archive'), skip);

  // 3. Re-apply every journalled deletion to the restored data (tombstones, certificates, derived data).
  const { hub, retention, close } = await openRetentionHub(config);
  try {
    let redeleted = 0;
    for (const tenant of await hub.calls.listTenants()) {
      const reapplied = await retention.useCases.reapplyDeletions(cliActor(tenant.id), { backupId: data.backupId, backupCreatedAt: data.createdAt });
      redeleted += reapplied.redeleted;
    }
    return { backupId: data.backupId, createdAt: data.createdAt, journalled: entries.length, redeleted, keysDropped, audioFiles: audioFiles.length };
  } finally {
    await close();
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup <dir>')
    .description('back up the hub into a new folder: database snapshot, encrypted audio and journal; keys kept apart (--keys-dir)')
    .option('--keys-dir <dir>', 'where the key store copy goes (default DIR/keys); keep it on other media than DIR')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keysDir?: string; json?: boolean }) => {
      const summary = await runBackup(loadConfig(), dir, opts.keysDir);
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          `backup ${summary.backupId} written to ${summary.dir} (keys in ${summary.keysDir}): ${summary.calls} calls, ${summary.audioFiles} audio and ${summary.archiveFiles} archived files, ${(summary.dataBytes / 1_048_576).toFixed(1)} MiB\n`,
        );
      }
    });

  program
    .command('restore <dir>')
    .description('restore a backup into DATA_DIR (stop the hub first); deletions made since the backup stay deleted')
    .option('--keys-dir <dir>', 'the key store copy of this backup (default DIR/keys)')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keysDir?: string; json?: boolean }) => {
      if (!existsSync(dir) || !(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
      const summary = await runRestore(loadConfig(), dir, opts.keysDir);
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          `restored backup ${summary.backupId} of ${summary.createdAt}: ${summary.audioFiles} audio files; ${summary.journalled} journalled deletions kept (${summary.redeleted} calls deleted again, ${summary.keysDropped} destroyed keys left out)\n`,
        );
      }
    });
}
