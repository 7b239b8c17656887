import { createCipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import type { DataKeyEntry, KeyGenerationStatus } from '../../../core/recordings/key-vault.port';
import type { HubKeyStore } from '../key-store';
import {
  NONCE_BYTES,
  SEALED_V1_MAGIC,
  SEALING_KEY_PREFIX,
  TAG_BYTES,
  TENANT_ID_PATTERN,
  deriveFromMaster,
  openAesGcm,
  sealedAad,
  unwrapKey,
  wrapKey,
  type GenerationState,
} from '../key-wrapping';

interface Generation {
  readonly generation: number;
  /** Random tag in the key file's name (null for generation 0, which is derived from the master secret). */
  readonly fileTag: string | null;
  readonly state: GenerationState;
}

interface GenerationRow {
  generation: number;
  file_tag: string | null;
  state: GenerationState;
}

/** Generation 0 of a tenant that never rotated: the KEK derived from the master secret, as before rotation existed. */
const LEGACY_GENERATION: Generation = { generation: 0, fileTag: null, state: 'active' };

/**
 * Key store on local disk, kept apart from the metadata database and the audio:
 * - `tenants/<tenant>.key`: the tenant master secret (32 random bytes, hex, mode 0600). It is the *derivation root*
 *   of the tenant's other secrets (`deriveSecret`: JWT, playback URLs, export manifests, audit checkpoints) and is
 *   never rotated. Before a tenant's first key rotation it also derives the KEK (generation 0).
 * - `tenants/<tenant>.g<N>-<tag>.key`: the key-encryption key of generation N >= 1 (32 random bytes, hex, 0600),
 *   created by a rotation and deleted when a later rotation destroys that generation. The random tag makes every
 *   generation's file name unique for ever, so restoring an older backup can never meet a different key by that name.
 * - `data-keys.db`: per-recording data keys, each wrapped with AES-256-GCM under the KEK of the generation its row
 *   names, and `kek_generations`, which generation is active, retiring or destroyed. The file runs with
 *   `secure_delete` and a rollback journal (no WAL), so a destroyed key's bytes are overwritten on disk.
 *
 * Provider credentials (`sealSecret`) are sealed under a per-purpose sealing key that is itself a wrapped data key
 * (`secret:<purpose>`), so a rotation re-wraps it with the others and the sealed bytes in the database never change.
 * See docs/decisions/key-rotation.md.
 */
export class FileKeyVault implements HubKeyStore {
  readonly kind = 'file' as const;
  private readonly db: Database.Database;
  private readonly masterCache = new Map<string, Buffer>();
  private readonly kekCache = new Map<string, Buffer>();
  private readonly insertStmt: Database.Statement;
  private readonly selectStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly generationsStmt: Database.Statement;

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'tenants'), { recursive: true, mode: 0o700 });
    this.db = new Database(join(dir, 'data-keys.db'), { timeout: 10_000 });
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    this.db
      .transaction(() => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
          tenant_id TEXT NOT NULL, key_id TEXT NOT NULL, wrapped BLOB NOT NULL, created_at TEXT NOT NULL,
          PRIMARY KEY (tenant_id, key_id)) WITHOUT ROWID`);
        const columns = this.db.prepare('PRAGMA table_info(data_keys)').all() as { name: string }[];
        if (!columns.some((c) => c.name === 'generation')) {
          this.db.exec('ALTER TABLE data_keys ADD COLUMN generation INTEGER NOT NULL DEFAULT 0');
        }
        this.db.exec(`CREATE INDEX IF NOT EXISTS data_keys_by_generation ON data_keys (tenant_id, generation);
          CREATE TABLE IF NOT EXISTS kek_generations (
            tenant_id TEXT NOT NULL, generation INTEGER NOT NULL, file_tag TEXT,
            state TEXT NOT NULL CHECK (state IN ('active', 'retiring', 'destroyed')),
            created_at TEXT NOT NULL, destroyed_at TEXT,
            PRIMARY KEY (tenant_id, generation)) WITHOUT ROWID`);
      })
      .immediate();
    this.insertStmt = this.db.prepare('INSERT INTO data_keys (tenant_id, key_id, wrapped, created_at, generation) VALUES (?, ?, ?, ?, ?)');
    this.selectStmt = this.db.prepare('SELECT wrapped, generation FROM data_keys WHERE tenant_id = ? AND key_id = ?');
    this.deleteStmt = this.db.prepare('DELETE FROM data_keys WHERE tenant_id = ? AND key_id = ?');
    this.generationsStmt = this.db.prepare('SELECT generation, file_tag, state FROM kek_generations WHERE tenant_id = ? ORDER BY generation');
  }

  /** Creates the tenant master secret if it does not exist yet; idempotent. */
  ensureTenant(tenantId: string): void {
    this.masterSecret(tenantId, true);
  }

  hasTenant(tenantId: string): boolean {
    return existsSync(this.tenantFile(tenantId));
  }

  /**
   * A 32-byte secret for one purpose (e.g. `jwt`, `playback-url`, `audit-checkpoint`), derived from the master
   * secret, which key rotation leaves alone: the same purpose gives the same secret before and after a rotation.
   */
  deriveSecret(tenantId: string, purpose: string): Uint8Array {
    return new Uint8Array(deriveFromMaster(this.masterSecret(tenantId, false), tenantId, purpose));
  }

  async createDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    const dataKey = randomBytes(32);
    this.storeDataKey(tenantId, keyId, dataKey);
    return new Uint8Array(dataKey);
  }

  async getDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    const key = this.readDataKey(tenantId, keyId);
    if (!key) throw new CallsightError('RECORDING_GONE', 'The recording key was destroyed; the audio can no longer be read');
    return new Uint8Array(key);
  }

  async destroyDataKey(tenantId: string, keyId: string): Promise<void> {
    this.deleteStmt.run(tenantId, keyId);
  }

  async hasDataKey(tenantId: string, keyId: string): Promise<boolean> {
    return this.selectStmt.get(tenantId, keyId) !== undefined;
  }

  /** The tenant's recording data keys created before `createdBefore` (never the `secret:*` sealing keys). */
  async *listDataKeys(tenantId: string, createdBefore: Date): AsyncIterable<DataKeyEntry> {
    const rows = this.db
      .prepare('SELECT key_id, created_at FROM data_keys WHERE tenant_id = ? AND created_at < ? AND substr(key_id, 1, 7) <> ?')
      .all(tenantId, createdBefore.toISOString(), SEALING_KEY_PREFIX) as { key_id: string; created_at: string }[];
    for (const row of rows) yield { keyId: row.key_id, createdAt: new Date(row.created_at) };
  }

  /** Every key id still held for a tenant (used by restore to drop audio whose key was shredded). */
  listKeyIds(tenantId: string): Set<string> {
    const rows = this.db.prepare('SELECT key_id FROM data_keys WHERE tenant_id = ?').all(tenantId) as { key_id: string }[];
    return new Set(rows.map((r) => r.key_id));
  }

  /**
   * Encrypts a small tenant secret (e.g. a provider's auth token) for storage in the database, under the tenant's
   * sealing key for `purpose` (a wrapped data key, created on first use). Key rotation re-wraps that key, so the
   * sealed bytes stay valid across rotations.
   */
  sealSecret(tenantId: string, purpose: string, plaintext: string): Buffer {
    const key = this.sealingKey(tenantId, purpose);
    try {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(sealedAad(tenantId, purpose, 1));
      return Buffer.concat([SEALED_V1_MAGIC, nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    } finally {
      key.fill(0);
    }
  }

  /** Opens a secret from `sealSecret`, or one sealed before rotation existed (directly under generation 0). */
  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string {
    const opened = this.openSealed(tenantId, purpose, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
    return opened.plaintext;
  }

  // ---- key rotation (docs/decisions/key-rotation.md) ----

  async beginRotation(tenantId: string): Promise<KeyGenerationStatus & { readonly started: boolean }> {
    this.masterSecret(tenantId, false);
    this.removeDestroyedKeyFiles(tenantId);
    const before = this.statusNow(tenantId);
    if (before.retiring.length > 0) return { ...before, started: false };

    // The new KEK is durable on disk before any row names it; a crash in between leaves an unused file, never a
    // row whose key is missing.
    const next = Math.max(0, ...this.generations(tenantId).map((g) => g.generation)) + 1;
    const tag = randomBytes(4).toString('hex');
    const file = this.kekFile(tenantId, next, tag);
    writeKeyFile(file, randomBytes(32));
    const started = this.db
      .transaction(() => {
        const now = this.generations(tenantId);
        if (now.some((g) => g.state === 'retiring' || g.generation >= next)) return false;
        const at = new Date().toISOString();
        if (now.length === 0) {
          this.db.prepare("INSERT INTO kek_generations (tenant_id, generation, file_tag, state, created_at) VALUES (?, 0, NULL, 'retiring', ?)").run(tenantId, at);
        } else {
          this.db.prepare("UPDATE kek_generations SET state = 'retiring' WHERE tenant_id = ? AND state = 'active'").run(tenantId);
        }
        this.db.prepare("INSERT INTO kek_generations (tenant_id, generation, file_tag, state, created_at) VALUES (?, ?, ?, 'active', ?)").run(tenantId, next, tag, at);
        return true;
      })
      .immediate();
    if (!started) rmSync(file, { force: true }); // another process started a rotation meanwhile; this file wraps nothing
    return { ...this.statusNow(tenantId), started };
  }

  async rewrapBatch(tenantId: string, limit: number): Promise<{ readonly rewrapped: number; readonly remaining: number }> {
    if (!Number.isInteger(limit) || limit < 1) throw new CallsightError('VALIDATION_FAILED', 'The batch size must be a positive integer');
    return this.db
      .transaction(() => {
        const generations = this.generations(tenantId);
        const current = currentOf(generations);
        const rows = this.db
          .prepare('SELECT key_id, wrapped, generation FROM data_keys WHERE tenant_id = ? AND generation < ? LIMIT ?')
          .all(tenantId, current.generation, limit) as { key_id: string; wrapped: Buffer; generation: number }[];
        const update = this.db.prepare('UPDATE data_keys SET wrapped = ?, generation = ? WHERE tenant_id = ? AND key_id = ? AND generation = ?');
        const newKek = this.kekFor(tenantId, current);
        for (const row of rows) {
          const from = generationOf(generations, row.generation);
          const plain = unwrapKey(this.kekFor(tenantId, from), tenantId, row.key_id, row.generation, row.wrapped);
          try {
            update.run(wrapKey(newKek, tenantId, row.key_id, current.generation, plain), current.generation, tenantId, row.key_id, row.generation);
          } finally {
            plain.fill(0);
          }
        }
        return { rewrapped: rows.length, remaining: this.countUnder(tenantId, current.generation) };
      })
      .immediate();
  }

  async resealSecret(tenantId: string, purpose: string, sealed: Uint8Array): Promise<Uint8Array | null> {
    const opened = this.openSealed(tenantId, purpose, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
    return opened.format === 1 ? null : this.sealSecret(tenantId, purpose, opened.plaintext);
  }

  async destroyRetired(tenantId: string): Promise<readonly number[]> {
    const destroyed = this.db
      .transaction(() => {
        const generations = this.generations(tenantId);
        const retiring = generations.filter((g) => g.state === 'retiring');
        if (retiring.length === 0) return [];
        const left = this.countUnder(tenantId, currentOf(generations).generation);
        if (left > 0) {
          throw new CallsightError(
            'CONFLICT',
            `${left} data keys of tenant ${tenantId} are still wrapped under generation ${retiring.map((g) => g.generation).join(', ')}; ` +
              'run the rotation again to re-wrap them before the old generation is destroyed',
          );
        }
        this.db
          .prepare("UPDATE kek_generations SET state = 'destroyed', destroyed_at = ? WHERE tenant_id = ? AND state = 'retiring'")
          .run(new Date().toISOString(), tenantId);
        return retiring.map((g) => g.generation);
      })
      .immediate();
    this.removeDestroyedKeyFiles(tenantId);
    return destroyed;
  }

  async keyStatus(tenantId: string): Promise<KeyGenerationStatus> {
    this.masterSecret(tenantId, false);
    return this.statusNow(tenantId);
  }

  close(): void {
    for (const key of this.kekCache.values()) key.fill(0);
    this.kekCache.clear();
    this.db.close();
  }

  // ---- internals ----

  private storeDataKey(tenantId: string, keyId: string, dataKey: Buffer): void {
    // Read the current generation and insert in one write transaction, so that a rotation finishing in another
    // process can never see "nothing left under the old generation" and then miss a key wrapped under it.
    this.db
      .transaction(() => {
        const current = currentOf(this.generations(tenantId));
        const wrapped = wrapKey(this.kekFor(tenantId, current), tenantId, keyId, current.generation, dataKey);
        this.insertStmt.run(tenantId, keyId, wrapped, new Date().toISOString(), current.generation);
      })
      .immediate();
  }

  /** The unwrapped key, or null when there is none. Row, generation and KEK are read in one read transaction. */
  private readDataKey(tenantId: string, keyId: string): Buffer | null {
    // In rollback-journal mode the read transaction holds a shared lock until it ends, so a rotation cannot
    // re-wrap this row, destroy its generation and delete the key file between the reads below.
    const found = this.db.transaction(() => {
      const row = this.selectStmt.get(tenantId, keyId) as { wrapped: Buffer; generation: number } | undefined;
      if (!row) return null;
      const generation = generationOf(this.generations(tenantId), row.generation);
      return { row, kek: this.kekFor(tenantId, generation) };
    })();
    if (!found) return null;
    return unwrapKey(found.kek, tenantId, keyId, found.row.generation, found.row.wrapped);
  }

  private sealingKey(tenantId: string, purpose: string): Buffer {
    const keyId = `secret:${purpose}`;
    const existing = this.readDataKey(tenantId, keyId);
    if (existing) return existing;
    const fresh = randomBytes(32);
    try {
      this.storeDataKey(tenantId, keyId, fresh);
      return fresh;
    } catch (error) {
      // Another process created it first (primary key): use theirs.
      const theirs = this.readDataKey(tenantId, keyId);
      if (theirs) return theirs;
      throw error;
    }
  }

  private openSealed(tenantId: string, purpose: string, sealed: Buffer): { plaintext: string; format: 0 | 1 } {
    if (sealed.length >= SEALED_V1_MAGIC.length + NONCE_BYTES + TAG_BYTES && sealed.subarray(0, SEALED_V1_MAGIC.length).equals(SEALED_V1_MAGIC)) {
      const key = this.readDataKey(tenantId, `secret:${purpose}`);
      if (key) {
        try {
          return { plaintext: openAesGcm(key, sealedAad(tenantId, purpose, 1), sealed.subarray(SEALED_V1_MAGIC.length)), format: 1 };
        } catch {
          // 1 in 2^32 legacy secrets start with the magic by chance: try the legacy format below.
        } finally {
          key.fill(0);
        }
      }
    }
    const legacy = this.generations(tenantId).find((g) => g.generation === 0) ?? LEGACY_GENERATION;
    if (legacy.state === 'destroyed') {
      throw new CallsightError('INTERNAL', `A stored ${purpose} secret is sealed under a destroyed tenant key generation; enter the credential again`);
    }
    try {
      return { plaintext: openAesGcm(this.kekFor(tenantId, legacy), sealedAad(tenantId, purpose, 0), sealed), format: 0 };
    } catch (cause) {
      throw new CallsightError('INTERNAL', 'A stored provider secret failed authentication', { cause });
    }
  }

  private generations(tenantId: string): Generation[] {
    return (this.generationsStmt.all(tenantId) as GenerationRow[]).map((r) => ({ generation: r.generation, fileTag: r.file_tag, state: r.state }));
  }

  private countUnder(tenantId: string, generation: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM data_keys WHERE tenant_id = ? AND generation < ?').get(tenantId, generation) as { n: number }).n;
  }

  private statusNow(tenantId: string): KeyGenerationStatus {
    return this.db.transaction(() => {
      const generations = this.generations(tenantId);
      const current = currentOf(generations).generation;
      const total = (this.db.prepare('SELECT count(*) AS n FROM data_keys WHERE tenant_id = ?').get(tenantId) as { n: number }).n;
      return {
        tenantId,
        current,
        retiring: generations.filter((g) => g.state === 'retiring').map((g) => g.generation),
        destroyed: generations.filter((g) => g.state === 'destroyed').map((g) => g.generation),
        remaining: this.countUnder(tenantId, current),
        total,
      };
    })();
  }

  /** The KEK of a generation: derived from the master secret for 0, read from its key file otherwise. */
  private kekFor(tenantId: string, generation: Generation): Buffer {
    if (generation.state === 'destroyed') {
      throw new CallsightError('RECORDING_INTEGRITY', `Tenant key generation ${generation.generation} was destroyed by a key rotation`);
    }
    if (generation.generation === 0) return Buffer.from(this.deriveSecret(tenantId, 'kek'));
    const cacheKey = `${tenantId}\0${generation.generation}\0${generation.fileTag}`;
    const cached = this.kekCache.get(cacheKey);
    if (cached) return cached;
    let hex: string;
    try {
      hex = readFileSync(this.kekFile(tenantId, generation.generation, generation.fileTag!), 'utf8').trim();
    } catch (cause) {
      throw new CallsightError('INTERNAL', `The key file of tenant key generation ${generation.generation} is missing; restore it from the key backup`, { cause });
    }
    const kek = Buffer.from(hex, 'hex');
    if (kek.length !== 32) throw new CallsightError('INTERNAL', `The key file of tenant key generation ${generation.generation} is malformed`);
    this.kekCache.set(cacheKey, kek);
    return kek;
  }

  /** Deletes the key files of destroyed generations (also those a crash after destruction left behind). */
  private removeDestroyedKeyFiles(tenantId: string): void {
    let removed = false;
    for (const g of this.generations(tenantId)) {
      if (g.state !== 'destroyed' || g.fileTag === null) continue;
      const cacheKey = `${tenantId}\0${g.generation}\0${g.fileTag}`;
      this.kekCache.get(cacheKey)?.fill(0);
      this.kekCache.delete(cacheKey);
      const file = this.kekFile(tenantId, g.generation, g.fileTag);
      if (existsSync(file)) {
        overwriteAndRemove(file);
        removed = true;
      }
    }
    if (removed) fsyncDirectory(join(this.dir, 'tenants'));
  }

  private kekFile(tenantId: string, generation: number, tag: string): string {
    this.tenantFile(tenantId);
    if (!/^[0-9a-f]{8}$/.test(tag)) throw new CallsightError('INTERNAL', 'A key generation has a malformed file tag');
    return join(this.dir, 'tenants', `${tenantId}.g${generation}-${tag}.key`);
  }

  private tenantFile(tenantId: string): string {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new CallsightError('VALIDATION_FAILED', 'Tenant ids use lower-case letters, digits, "-" and "_" (max 63)');
    }
    return join(this.dir, 'tenants', `${tenantId}.key`);
  }

  private masterSecret(tenantId: string, create: boolean): Buffer {
    const cached = this.masterCache.get(tenantId);
    if (cached) return cached;
    const file = this.tenantFile(tenantId);
    if (!existsSync(file)) {
      if (!create) throw new CallsightError('NOT_FOUND', 'Tenant has no key on this hub');
      writeKeyFile(file, randomBytes(32));
    }
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (secret.length !== 32) throw new CallsightError('INTERNAL', 'A tenant key file is malformed');
    this.masterCache.set(tenantId, secret);
    return secret;
  }
}

function currentOf(generations: readonly Generation[]): Generation {
  if (generations.length === 0) return LEGACY_GENERATION;
  const active = generations.find((g) => g.state === 'active');
  if (!active) throw new CallsightError('INTERNAL', 'The key store names no active tenant key generation');
  return active;
}

function generationOf(generations: readonly Generation[], generation: number): Generation {
  if (generations.length === 0 && generation === 0) return LEGACY_GENERATION;
  const found = generations.find((g) => g.generation === generation);
  if (!found) throw new CallsightError('RECORDING_INTEGRITY', `A data key names tenant key generation ${generation}, which this key store does not know`);
  return found;
}






/** Writes a 32-byte key as hex: temp file (0600), fsync, rename, fsync of the folder. */
function writeKeyFile(file: string, key: Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, key.toString('hex'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    key.fill(0);
  }
  renameSync(tmp, file);
  chmodSync(file, 0o600);
  fsyncDirectory(join(file, '..'));
}

/** Overwrites a key file with zeros (fsynced) before unlinking it, so its blocks do not keep the key. */
function overwriteAndRemove(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, '0'.repeat(64), 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(file, { force: true });
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
