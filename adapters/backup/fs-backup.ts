import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { CallsightError } from '../../core/shared/errors';

/**
 * File-level backup and restore of a hub data folder. A backup has two halves that are written, checked and
 * stored apart: the data (SQLite snapshot, encrypted audio, archive, deletion journal) and the keys (wrapped
 * data keys, tenant master secrets). Each half carries a manifest of every file's size and SHA-256.
 */
export const MANIFEST_FILE = 'manifest.json';

export type BackupPart = 'data' | 'keys';

export interface ManifestFile {
  /** Relative to the half's folder, with "/" separators. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: 'callsight-backup';
  readonly version: 1;
  readonly part: BackupPart;
  /** Shared by both halves of one backup, so a data half is never restored with another backup's keys. */
  readonly backupId: string;
  readonly createdAt: string;
  readonly files: readonly ManifestFile[];
}

/** Fails with CONFLICT unless `dir` is absent or empty; then creates it (mode 0700). */
export async function prepareEmptyDir(dir: string, what: string): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CallsightError('CONFLICT', `The ${what} folder ${dir} is not empty; back up into a new folder.`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * A consistent copy of a SQLite database through the online backup API: readers and writers may continue while
 * it runs and the copy is one point in time. `source` is an open connection or a database file (opened read-only).
 */
export async function snapshotSqlite(source: Database.Database | string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  if (typeof source !== 'string') {
    await source.backup(to);
  } else {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await db.backup(to);
    } finally {
      db.close();
    }
  }
  await chmod(to, 0o600);
  await fsyncFile(to);
}

/**
 * Copies every regular file under `from` to the same relative path under `to` (mode 0600, fsynced), skipping
 * temp files and those `skip` names. Returns the relative paths copied. A missing `from` copies nothing.
 */
export async function copyTree(from: string, to: string, skip: (relativePath: string) => boolean = () => false): Promise<string[]> {
  const copied: string[] = [];
  for (const rel of await listFiles(from)) {
    if (rel.endsWith('.tmp') || skip(rel)) continue;
    const target = join(to, ...rel.split('/'));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(join(from, ...rel.split('/')), target);
    await chmod(target, 0o600);
    await fsyncFile(target);
    copied.push(rel);
  }
  return copied;
}

/** Relative paths ("/"-separated, sorted) of every regular file under `root`; empty when it does not exist. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Hashes every file of the half and writes its manifest (last, so a half without one is known incomplete). */
export async function writeManifest(
  dir: string,
  part: BackupPart,
  backupId: string,
  createdAt: string,
  exclude: (relativePath: string) => boolean = () => false,
): Promise<BackupManifest> {
  const files: ManifestFile[] = [];
  for (const rel of await listFiles(dir)) {
    if (rel === MANIFEST_FILE || exclude(rel)) continue;
    const path = join(dir, ...rel.split('/'));
    files.push({ path: rel, bytes: (await stat(path)).size, sha256: await sha256File(path) });
  }
  const manifest: BackupManifest = { format: 'callsight-backup', version: 1, part, backupId, createdAt, files };
  const file = join(dir, MANIFEST_FILE);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await fsyncFile(file);
  await fsyncDir(dir);
  return manifest;
}

/**
 * Reads a half's manifest and checks every listed file's size and SHA-256, and that no file is missing.
 * Throws VALIDATION_FAILED naming the first problem; nothing is changed.
 */
export async function verifyManifest(dir: string, part: BackupPart): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch (cause) {
    throw new CallsightError('VALIDATION_FAILED', `${dir} holds no readable backup manifest (${MANIFEST_FILE}); is it a finished Callsight backup?`, { cause });
  }
  if (manifest.format !== 'callsight-backup' || manifest.version !== 1 || manifest.part !== part || !Array.isArray(manifest.files)) {
    throw new CallsightError('VALIDATION_FAILED', `${dir} is not the ${part} half of a Callsight backup (format, version or part differ).`);
  }
  for (const f of manifest.files) {
    if (typeof f.path !== 'string' || f.path.split('/').some((s: string) => s === '..' || s === '')) {
      throw new CallsightError('VALIDATION_FAILED', `The ${part} manifest lists an unsafe path.`);
    }
    const path = join(dir, ...f.path.split('/'));
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (cause) {
      throw new CallsightError('VALIDATION_FAILED', `Backup file ${f.path} is missing from the ${part} half.`, { cause });
    }
    if (size !== f.bytes || (await sha256File(path)) !== f.sha256) {
      throw new CallsightError('VALIDATION_FAILED', `Backup file ${f.path} in the ${part} half does not match its manifest (damaged or altered).`);
    }
  }
  return manifest;
}

/**
 * Removes wrapped data keys from a copy of the key database (`secure_delete`, then VACUUM so freed pages hold no
 * key bytes). Returns how many rows were removed.
 */
export function dropDataKeys(dataKeysFile: string, keys: Iterable<{ readonly tenantId: string; readonly keyId: string }>): number {
  const db = new Database(dataKeysFile, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('secure_delete = ON');
    const del = db.prepare('DELETE FROM data_keys WHERE tenant_id = ? AND key_id = ?');
    const removed = db.transaction(() => {
      let n = 0;
      for (const k of keys) n += del.run(k.tenantId, k.keyId).changes;
      return n;
    })();
    db.exec('VACUUM');
    return removed;
  } finally {
    db.close();
  }
}

/**
 * Puts `replacement` (a file) in place of `target`, removing the target's SQLite side files (-wal, -shm,
 * -journal) first so that no stale journal is replayed onto the new file.
 */
export async function replaceSqliteFile(target: string, replacement: string): Promise<void> {
  for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${target}${suffix}`, { force: true });
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await rename(replacement, target);
  await fsyncDir(dirname(target));
}

/**
 * Replaces the folder `target` with a copy of `source` (files `skip` names left out): the copy is built beside
 * the target, swapped in by rename, and the old folder removed. Returns the relative paths restored.
 */
export async function replaceTree(target: string, source: string, skip: (relativePath: string) => boolean): Promise<string[]> {
  const staging = `${target}.restoring-${randomUUID().slice(0, 8)}`;
  const old = `${target}.old-${randomUUID().slice(0, 8)}`;
  const copied = await copyTree(source, staging, skip);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  const hadTarget = existsSync(target);
  if (hadTarget) await rename(target, old);
  await rename(staging, target);
  await fsyncDir(dirname(target));
  if (hadTarget) await rm(old, { recursive: true, force: true });
  return copied;
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
