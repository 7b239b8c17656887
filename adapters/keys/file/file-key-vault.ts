import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, writeSync, fsyncSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import type { KeyVault } from '../../../core/recordings/key-vault.port';

const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Key store on local disk, kept apart from the metadata database and the audio:
 * - `tenants/<tenant>.key`: the tenant master secret (32 random bytes, hex, mode 0600). The key-encryption
 *   key and the tenant's other secrets are derived from it with HKDF-SHA256.
 * - `data-keys.db`: per-recording data keys, each wrapped with AES-256-GCM under the tenant KEK. The file runs
 *   with `secure_delete` and a rollback journal (no WAL), so a destroyed key's bytes are overwritten on disk.
 */
export class FileKeyVault implements KeyVault {
  private readonly db: Database.Database;
  private readonly masterCache = new Map<string, Buffer>();
  private readonly insertStmt: Database.Statement;
  private readonly selectStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'tenants'), { recursive: true, mode: 0o700 });
    this.db = new Database(join(dir, 'data-keys.db'));
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
      tenant_id TEXT NOT NULL, key_id TEXT NOT NULL, wrapped BLOB NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (tenant_id, key_id)) WITHOUT ROWID`);
    this.insertStmt = this.db.prepare('INSERT INTO data_keys (tenant_id, key_id, wrapped, created_at) VALUES (?, ?, ?, ?)');
    this.selectStmt = this.db.prepare('SELECT wrapped FROM data_keys WHERE tenant_id = ? AND key_id = ?');
    this.deleteStmt = this.db.prepare('DELETE FROM data_keys WHERE tenant_id = ? AND key_id = ?');
  }

  /** Creates the tenant master secret if it does not exist yet; idempotent. */
  ensureTenant(tenantId: string): void {
    this.masterSecret(tenantId, true);
  }

  hasTenant(tenantId: string): boolean {
    return existsSync(this.tenantFile(tenantId));
  }

  /** A 32-byte secret for one purpose (e.g. `jwt`, `playback-url`, `audit-checkpoint`), derived from the master. */
  deriveSecret(tenantId: string, purpose: string): Uint8Array {
    const master = this.masterSecret(tenantId, false);
    return new Uint8Array(hkdfSync('sha256', master, Buffer.from(tenantId), Buffer.from(`callsight:${purpose}`), 32));
  }

  async createDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    const dataKey = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek(tenantId), nonce);
    cipher.setAAD(Buffer.from(`${tenantId}\0${keyId}`));
    const wrapped = Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    this.insertStmt.run(tenantId, keyId, wrapped, new Date().toISOString());
    return new Uint8Array(dataKey);
  }

  async getDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    const row = this.selectStmt.get(tenantId, keyId) as { wrapped: Buffer } | undefined;
    if (!row) throw new CallsightError('RECORDING_GONE', 'The recording key was destroyed; the audio can no longer be read');
    const wrapped = row.wrapped;
    const decipher = createDecipheriv('aes-256-gcm', this.kek(tenantId), wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${tenantId}\0${keyId}`));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    try {
      return new Uint8Array(Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]));
    } catch (cause) {
      throw new CallsightError('RECORDING_INTEGRITY', 'A wrapped data key failed authentication', { cause });
    }
  }

  async destroyDataKey(tenantId: string, keyId: string): Promise<void> {
    this.deleteStmt.run(tenantId, keyId);
  }

  async hasDataKey(tenantId: string, keyId: string): Promise<boolean> {
    return this.selectStmt.get(tenantId, keyId) !== undefined;
  }

  /** Every key id still held for a tenant (used by restore to drop audio whose key was shredded). */
  listKeyIds(tenantId: string): Set<string> {
    const rows = this.db.prepare('SELECT key_id FROM data_keys WHERE tenant_id = ?').all(tenantId) as { key_id: string }[];
    return new Set(rows.map((r) => r.key_id));
  }

  /** Encrypts a small tenant secret (e.g. a provider's auth token) for storage in the database. */
  sealSecret(tenantId: string, purpose: string, plaintext: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek(tenantId), nonce);
    cipher.setAAD(Buffer.from(`${tenantId}\0secret:${purpose}`));
    return Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  }

  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string {
    const decipher = createDecipheriv('aes-256-gcm', this.kek(tenantId), sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${tenantId}\0secret:${purpose}`));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new CallsightError('INTERNAL', 'A stored provider secret failed authentication', { cause });
    }
  }

  close(): void {
    this.db.close();
  }

  private kek(tenantId: string): Buffer {
    return Buffer.from(this.deriveSecret(tenantId, 'kek'));
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
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, randomBytes(32).toString('hex'));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      chmodSync(file, 0o600);
    }
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (secret.length !== 32) throw new CallsightError('INTERNAL', 'A tenant key file is malformed');
    this.masterCache.set(tenantId, secret);
    return secret;
  }
}
