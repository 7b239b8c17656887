import { randomBytes } from 'node:crypto';
import { CallsightError } from '../../../core/shared/errors';
import type { DataKeyEntry, KeyGenerationStatus } from '../../../core/recordings/key-vault.port';
import type { HubKeyStore } from '../key-store';
import {
  SEALING_KEY_PREFIX,
  TENANT_ID_PATTERN,
  assertTenantId,
  deriveFromMaster,
  openAesGcmBytes,
  openSealedSecret,
  sealAesGcm,
  sealV1,
  sealingKeyId,
  unwrapKey,
  wrapKey,
  type GenerationState,
} from '../key-wrapping';
import { lockClause, PostgresKeyDb, sql, SqliteKeyDb, type KeyDb, type Program, type Row } from './key-db';

const MASTER_CHECK_PLAIN = Buffer.from('callsight key store v1');
const INVENTORY_PAGE = 500;
/** How long an unknown tenant is answered "unknown" from memory before the database is asked again. */
const UNKNOWN_TENANT_RECHECK_MS = 1_000;

interface GenerationRow {
  readonly generation: number;
  readonly state: GenerationState;
  readonly wrappedKek: Buffer | null;
}

const LEGACY: GenerationRow = { generation: 0, state: 'active', wrappedKek: null };

function masterAad(kind: 'check' | 'tenant' | 'kek', tenantId = '', generation = 0): Buffer {
  if (kind === 'check') return Buffer.from('callsight-key-store\0check');
  if (kind === 'tenant') return Buffer.from(`callsight-key-store\0tenant\0${tenantId}`);
  return Buffer.from(`callsight-key-store\0kek\0${tenantId}\0g${generation}`);
}

function bytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new CallsightError('INTERNAL', 'A key store column holds no bytes');
}

function generationRows(rows: Row[]): GenerationRow[] {
  return rows.map((r) => ({
    generation: Number(r.generation),
    state: r.state as GenerationState,
    wrappedKek: r.wrapped_kek == null ? null : bytes(r.wrapped_kek),
  }));
}

function currentOf(generations: readonly GenerationRow[]): GenerationRow {
  if (generations.length === 0) return LEGACY;
  const active = generations.find((g) => g.state === 'active');
  if (!active) throw new CallsightError('INTERNAL', 'The key store names no active tenant key generation');
  return active;
}

/**
 * The hub's keys in its own database (KEY_STORE=database): SQLite or PostgreSQL, shared by every process on it.
 * - `key_tenants`: each tenant's master secret (the derivation root of `deriveSecret` and of generation 0), wrapped
 *   under the master key;
 * - `key_generations`: KEK generations 1.. (random, wrapped under the master key) and their state;
 * - `key_data_keys`: recording data keys and the `secret:<purpose>` sealing keys, wrapped under their generation's
 *   KEK with the same format as the file vault (adapters/keys/key-wrapping.ts).
 * The master key never reaches the database. Destroying a data key deletes its row, for every process at once;
 * nothing unwrapped is cached except what never changes and is never shredded: tenant master secrets, KEKs (by
 * generation, checked against the row's state on every use) and sealing keys. See docs/decisions/database-key-store.md.
 */
export class DatabaseKeyVault implements HubKeyStore {
  readonly kind = 'database' as const;
  private readonly masters = new Map<string, Buffer>();
  private readonly keks = new Map<string, Buffer>();
  private readonly sealing = new Map<string, Buffer>();
  private readonly unknownAt = new Map<string, number>();

  private constructor(
    private readonly db: KeyDb,
    private readonly masterKey: Buffer,
  ) {}

  /** Opens the store in the hub's SQLite file (already migrated by the hub's storage). */
  static async openSqlite(file: string, masterKey: Uint8Array): Promise<DatabaseKeyVault> {
    return DatabaseKeyVault.open(new SqliteKeyDb(file), masterKey);
  }

  /** Opens the store in the hub's PostgreSQL database (already migrated by the hub's storage). */
  static async openPostgres(url: string, masterKey: Uint8Array): Promise<DatabaseKeyVault> {
    return DatabaseKeyVault.open(new PostgresKeyDb(url), masterKey);
  }

  /**
   * Checks the master key against the store (the first process to open it records the check value) and loads every
   * tenant's master secret. Fails with a message saying what to fix when the master key is not the store's.
   */
  static async open(db: KeyDb, masterKey: Uint8Array): Promise<DatabaseKeyVault> {
    if (masterKey.byteLength !== 32) throw new CallsightError('VALIDATION_FAILED', 'The master key must be 32 bytes');
    const vault = new DatabaseKeyVault(db, Buffer.from(masterKey));
    try {
      const check = await db.run('write', function* (): Program<Buffer> {
        const found = yield sql('SELECT master_check FROM key_store_meta WHERE id = 1');
        if (found[0]) return bytes(found[0].master_check);
        const fresh = sealAesGcm(vault.masterKey, masterAad('check'), MASTER_CHECK_PLAIN);
        yield sql('INSERT INTO key_store_meta (id, master_check, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING', fresh, new Date().toISOString());
        const now = yield sql('SELECT master_check FROM key_store_meta WHERE id = 1');
        return bytes(now[0]!.master_check);
      });
      try {
        openAesGcmBytes(vault.masterKey, masterAad('check'), check);
      } catch {
        throw new CallsightError(
          'VALIDATION_FAILED',
          'The master key does not open this key store: MASTER_KEY_FILE or CALLSIGHT_MASTER_KEY must be the key the store was created with',
        );
      }
      const tenants = await db.run('single', function* (): Program<Row[]> {
        return yield sql('SELECT tenant_id, wrapped_secret FROM key_tenants');
      });
      for (const row of tenants) vault.adoptTenant(String(row.tenant_id), bytes(row.wrapped_secret));
      return vault;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  // ---- tenants and derived secrets (synchronous: token checks) ----

  ensureTenant(tenantId: string): void {
    assertTenantId(tenantId);
    if (this.masters.has(tenantId)) return;
    const wrappedFresh = () => {
      const secret = randomBytes(32);
      try {
        return sealAesGcm(this.masterKey, masterAad('tenant', tenantId), secret);
      } finally {
        secret.fill(0);
      }
    };
    const wrapped = this.db.runSync('write', function* (): Program<Buffer> {
      yield sql('INSERT INTO key_tenants (tenant_id, wrapped_secret, created_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO NOTHING', tenantId, wrappedFresh(), new Date().toISOString());
      const rows = yield sql('SELECT wrapped_secret FROM key_tenants WHERE tenant_id = ?', tenantId);
      return bytes(rows[0]!.wrapped_secret);
    });
    this.adoptTenant(tenantId, wrapped);
  }

  hasTenant(tenantId: string): boolean {
    return this.masterSecret(tenantId) !== null;
  }

  deriveSecret(tenantId: string, purpose: string): Uint8Array {
    return new Uint8Array(deriveFromMaster(this.requireMaster(tenantId), tenantId, purpose));
  }

  // ---- recording data keys ----

  async createDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    assertTenantId(tenantId);
    const dataKey = randomBytes(32);
    try {
      await this.db.run('write', () => this.storeProgram(tenantId, keyId, dataKey));
      return new Uint8Array(dataKey);
    } catch (error) {
      dataKey.fill(0);
      throw error;
    }
  }

  async getDataKey(tenantId: string, keyId: string): Promise<Uint8Array> {
    const key = await this.db.run('single', () => this.readProgram(tenantId, keyId));
    if (!key) throw new CallsightError('RECORDING_GONE', 'The recording key was destroyed; the audio can no longer be read');
    return new Uint8Array(key);
  }

  async destroyDataKey(tenantId: string, keyId: string): Promise<void> {
    await this.db.run('single', function* (): Program<void> {
      yield sql('DELETE FROM key_data_keys WHERE tenant_id = ? AND key_id = ?', tenantId, keyId);
    });
    if (this.db instanceof SqliteKeyDb) this.db.checkpoint();
  }

  async hasDataKey(tenantId: string, keyId: string): Promise<boolean> {
    return this.db.run('single', function* (): Program<boolean> {
      return (yield sql('SELECT 1 AS one FROM key_data_keys WHERE tenant_id = ? AND key_id = ?', tenantId, keyId)).length > 0;
    });
  }

  async *listDataKeys(tenantId: string, createdBefore: Date): AsyncIterable<DataKeyEntry> {
    const before = createdBefore.toISOString();
    let after = '';
    for (;;) {
      const from = after;
      const rows = await this.db.run('single', function* (): Program<Row[]> {
        return yield sql(
          'SELECT key_id, created_at FROM key_data_keys WHERE tenant_id = ? AND key_id > ? AND created_at < ? ORDER BY key_id LIMIT ?',
          tenantId,
          from,
          before,
          INVENTORY_PAGE,
        );
      });
      for (const row of rows) {
        const keyId = String(row.key_id);
        if (!keyId.startsWith(SEALING_KEY_PREFIX)) yield { keyId, createdAt: new Date(String(row.created_at)) };
      }
      if (rows.length < INVENTORY_PAGE) return;
      after = String(rows.at(-1)!.key_id);
    }
  }

  // ---- provider secrets (synchronous: called from the sealing use-cases) ----

  sealSecret(tenantId: string, purpose: string, plaintext: string): Uint8Array {
    const key = this.sealingKey(tenantId, purpose, true)!;
    return sealV1(key, tenantId, purpose, plaintext);
  }

  openSecret(tenantId: string, purpose: string, sealed: Uint8Array): string {
    return this.openSealed(tenantId, purpose, sealed).plaintext;
  }

  // ---- key rotation (docs/decisions/key-rotation.md) ----

  async beginRotation(tenantId: string): Promise<KeyGenerationStatus & { readonly started: boolean }> {
    this.requireMaster(tenantId);
    const vault = this;
    const started = await this.db.run('write', function* (): Program<boolean> {
      yield* vault.lockTenant(tenantId, 'update');
      const generations = generationRows(yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ?', tenantId));
      if (generations.some((g) => g.state === 'retiring')) return false;
      const next = Math.max(0, ...generations.map((g) => g.generation)) + 1;
      const kek = randomBytes(32);
      const wrapped = sealAesGcm(vault.masterKey, masterAad('kek', tenantId, next), kek);
      kek.fill(0);
      const at = new Date().toISOString();
      if (generations.length === 0) {
        yield sql("INSERT INTO key_generations (tenant_id, generation, wrapped_kek, state, created_at) VALUES (?, 0, NULL, 'retiring', ?)", tenantId, at);
      } else {
        yield sql("UPDATE key_generations SET state = 'retiring' WHERE tenant_id = ? AND state = 'active'", tenantId);
      }
      yield sql("INSERT INTO key_generations (tenant_id, generation, wrapped_kek, state, created_at) VALUES (?, ?, ?, 'active', ?)", tenantId, next, wrapped, at);
      return true;
    });
    return { ...(await this.keyStatus(tenantId)), started };
  }

  async rewrapBatch(tenantId: string, limit: number): Promise<{ readonly rewrapped: number; readonly remaining: number }> {
    if (!Number.isInteger(limit) || limit < 1) throw new CallsightError('VALIDATION_FAILED', 'The batch size must be a positive integer');
    const vault = this;
    return this.db.run('write', function* (): Program<{ rewrapped: number; remaining: number }> {
      yield* vault.lockTenant(tenantId, 'update');
      const generations = generationRows(yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ?', tenantId));
      const current = currentOf(generations);
      const rows = yield sql('SELECT key_id, wrapped, generation FROM key_data_keys WHERE tenant_id = ? AND generation < ? LIMIT ?', tenantId, current.generation, limit);
      const newKek = vault.kekOf(tenantId, current);
      for (const row of rows) {
        const keyId = String(row.key_id);
        const from = Number(row.generation);
        const fromGeneration = generations.find((g) => g.generation === from) ?? (from === 0 ? LEGACY : null);
        if (!fromGeneration) throw new CallsightError('RECORDING_INTEGRITY', `A data key names tenant key generation ${from}, which this key store does not know`);
        const plain = unwrapKey(vault.kekOf(tenantId, fromGeneration), tenantId, keyId, from, bytes(row.wrapped));
        try {
          yield sql(
            'UPDATE key_data_keys SET wrapped = ?, generation = ? WHERE tenant_id = ? AND key_id = ? AND generation = ?',
            wrapKey(newKek, tenantId, keyId, current.generation, plain),
            current.generation,
            tenantId,
            keyId,
            from,
          );
        } finally {
          plain.fill(0);
        }
      }
      const left = yield sql('SELECT count(*) AS n FROM key_data_keys WHERE tenant_id = ? AND generation < ?', tenantId, current.generation);
      return { rewrapped: rows.length, remaining: Number(left[0]!.n) };
    });
  }

  async resealSecret(tenantId: string, purpose: string, sealed: Uint8Array): Promise<Uint8Array | null> {
    const opened = this.openSealed(tenantId, purpose, sealed);
    return opened.format === 1 ? null : this.sealSecret(tenantId, purpose, opened.plaintext);
  }

  async destroyRetired(tenantId: string): Promise<readonly number[]> {
    const vault = this;
    const destroyed = await this.db.run('write', function* (): Program<number[]> {
      yield* vault.lockTenant(tenantId, 'update');
      const generations = generationRows(yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ?', tenantId));
      const retiring = generations.filter((g) => g.state === 'retiring');
      if (retiring.length === 0) return [];
      const left = Number((yield sql('SELECT count(*) AS n FROM key_data_keys WHERE tenant_id = ? AND generation < ?', tenantId, currentOf(generations).generation))[0]!.n);
      if (left > 0) {
        throw new CallsightError(
          'CONFLICT',
          `${left} data keys of tenant ${tenantId} are still wrapped under generation ${retiring.map((g) => g.generation).join(', ')}; ` +
            'run the rotation again to re-wrap them before the old generation is destroyed',
        );
      }
      yield sql(
        "UPDATE key_generations SET state = 'destroyed', destroyed_at = ?, wrapped_kek = NULL WHERE tenant_id = ? AND state = 'retiring'",
        new Date().toISOString(),
        tenantId,
      );
      return retiring.map((g) => g.generation);
    });
    for (const generation of destroyed) this.forgetKek(tenantId, generation);
    if (destroyed.length > 0 && this.db instanceof SqliteKeyDb) this.db.checkpoint();
    return destroyed;
  }

  async keyStatus(tenantId: string): Promise<KeyGenerationStatus> {
    this.requireMaster(tenantId);
    return this.db.run('write', function* (): Program<KeyGenerationStatus> {
      const generations = generationRows(yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ?', tenantId));
      const current = currentOf(generations).generation;
      const counts = (yield sql(
        'SELECT count(*) AS total, coalesce(sum(CASE WHEN generation < ? THEN 1 ELSE 0 END), 0) AS remaining FROM key_data_keys WHERE tenant_id = ?',
        current,
        tenantId,
      ))[0]!;
      return {
        tenantId,
        current,
        retiring: generations.filter((g) => g.state === 'retiring').map((g) => g.generation).sort((a, b) => a - b),
        destroyed: generations.filter((g) => g.state === 'destroyed').map((g) => g.generation).sort((a, b) => a - b),
        remaining: Number(counts.remaining),
        total: Number(counts.total),
      };
    });
  }

  async close(): Promise<void> {
    for (const map of [this.masters, this.keks, this.sealing]) {
      for (const key of map.values()) key.fill(0);
      map.clear();
    }
    await this.db.close();
  }

  // ---- internals ----

  private adoptTenant(tenantId: string, wrapped: Buffer): void {
    let secret: Buffer;
    try {
      secret = openAesGcmBytes(this.masterKey, masterAad('tenant', tenantId), wrapped);
    } catch (cause) {
      throw new CallsightError('RECORDING_INTEGRITY', `The master secret of tenant ${tenantId} does not open with this master key`, { cause });
    }
    this.masters.set(tenantId, secret);
    this.unknownAt.delete(tenantId);
  }

  /**
   * The tenant's master secret from memory, or from the database when this process has not seen the tenant yet (a
   * tenant added by another process); null when there is none. An unknown tenant is asked again at most once a
   * second, so a flood of tokens naming made-up tenants cannot turn into a flood of queries.
   */
  private masterSecret(tenantId: string): Buffer | null {
    const cached = this.masters.get(tenantId);
    if (cached) return cached;
    if (!TENANT_ID_PATTERN.test(tenantId)) return null;
    const missed = this.unknownAt.get(tenantId);
    if (missed !== undefined && Date.now() - missed < UNKNOWN_TENANT_RECHECK_MS) return null;
    const rows = this.db.runSync('single', function* (): Program<Row[]> {
      return yield sql('SELECT wrapped_secret FROM key_tenants WHERE tenant_id = ?', tenantId);
    });
    if (rows[0]) {
      this.adoptTenant(tenantId, bytes(rows[0].wrapped_secret));
      return this.masters.get(tenantId)!;
    }
    if (this.unknownAt.size > 10_000) this.unknownAt.clear();
    this.unknownAt.set(tenantId, Date.now());
    return null;
  }

  private requireMaster(tenantId: string): Buffer {
    assertTenantId(tenantId);
    const master = this.masterSecret(tenantId);
    if (!master) throw new CallsightError('NOT_FOUND', 'Tenant has no key on this hub');
    return master;
  }

  private *lockTenant(tenantId: string, kind: 'update' | 'share'): Generator<import('./key-db').Statement, void, Row[]> {
    const rows = yield sql(`SELECT wrapped_secret FROM key_tenants WHERE tenant_id = ?${lockClause(this.db, kind)}`, tenantId);
    if (!rows[0]) throw new CallsightError('NOT_FOUND', 'Tenant has no key on this hub');
    if (!this.masters.has(tenantId)) this.adoptTenant(tenantId, bytes(rows[0].wrapped_secret));
  }

  /** The KEK of a generation: derived from the master secret for 0, unwrapped with the master key otherwise. */
  private kekOf(tenantId: string, generation: GenerationRow): Buffer {
    if (generation.state === 'destroyed') {
      this.forgetKek(tenantId, generation.generation);
      throw new CallsightError('RECORDING_INTEGRITY', `Tenant key generation ${generation.generation} was destroyed by a key rotation`);
    }
    if (generation.generation === 0) return deriveFromMaster(this.requireMaster(tenantId), tenantId, 'kek');
    const cacheKey = `${tenantId}\0${generation.generation}`;
    const cached = this.keks.get(cacheKey);
    if (cached) return cached;
    if (!generation.wrappedKek) throw new CallsightError('INTERNAL', `Tenant key generation ${generation.generation} has no key material`);
    let kek: Buffer;
    try {
      kek = openAesGcmBytes(this.masterKey, masterAad('kek', tenantId, generation.generation), generation.wrappedKek);
    } catch (cause) {
      throw new CallsightError('RECORDING_INTEGRITY', `Tenant key generation ${generation.generation} does not open with this master key`, { cause });
    }
    this.keks.set(cacheKey, kek);
    return kek;
  }

  private forgetKek(tenantId: string, generation: number): void {
    const cacheKey = `${tenantId}\0${generation}`;
    this.keks.get(cacheKey)?.fill(0);
    this.keks.delete(cacheKey);
  }

  /**
   * Stores a wrapped data key under the tenant's current generation. The tenant row is locked (shared) first, so a
   * rotation (which locks it exclusively) never counts "nothing left under the old generation" while this key is
   * being wrapped under it.
   */
  private *storeProgram(tenantId: string, keyId: string, dataKey: Buffer): Program<void> {
    yield* this.lockTenant(tenantId, 'share');
    const generations = generationRows(yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ?', tenantId));
    const current = currentOf(generations);
    const wrapped = wrapKey(this.kekOf(tenantId, current), tenantId, keyId, current.generation, dataKey);
    const inserted = yield sql(
      'INSERT INTO key_data_keys (tenant_id, key_id, generation, wrapped, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, key_id) DO NOTHING RETURNING key_id',
      tenantId,
      keyId,
      current.generation,
      wrapped,
      new Date().toISOString(),
    );
    if (inserted.length === 0) throw new CallsightError('CONFLICT', 'A data key with this id already exists');
  }

  /** The unwrapped key, or null when there is none: the row and its generation are read in one statement. */
  private *readProgram(tenantId: string, keyId: string): Program<Buffer | null> {
    const rows = yield sql(
      `SELECT d.wrapped, d.generation, g.state, g.wrapped_kek,
              (SELECT count(*) FROM key_generations a WHERE a.tenant_id = d.tenant_id) AS generations
         FROM key_data_keys d LEFT JOIN key_generations g ON g.tenant_id = d.tenant_id AND g.generation = d.generation
        WHERE d.tenant_id = ? AND d.key_id = ?`,
      tenantId,
      keyId,
    );
    const row = rows[0];
    if (!row) return null;
    const number = Number(row.generation);
    let generation: GenerationRow;
    if (row.state != null) generation = { generation: number, state: row.state as GenerationState, wrappedKek: row.wrapped_kek == null ? null : bytes(row.wrapped_kek) };
    else if (number === 0 && Number(row.generations) === 0) generation = LEGACY;
    else throw new CallsightError('RECORDING_INTEGRITY', `A data key names tenant key generation ${number}, which this key store does not know`);
    return unwrapKey(this.kekOf(tenantId, generation), tenantId, keyId, number, bytes(row.wrapped));
  }

  /** The sealing key of `purpose` (a wrapped data key `secret:<purpose>`), created on first use when `create`. */
  private sealingKey(tenantId: string, purpose: string, create: boolean): Buffer | null {
    const cacheKey = `${tenantId}\0${purpose}`;
    const cached = this.sealing.get(cacheKey);
    if (cached) return cached;
    this.requireMaster(tenantId);
    const keyId = sealingKeyId(purpose);
    let key = this.db.runSync('single', () => this.readProgram(tenantId, keyId));
    if (!key && create) {
      const fresh = randomBytes(32);
      try {
        this.db.runSync('write', () => this.storeProgram(tenantId, keyId, fresh));
        key = Buffer.from(fresh);
      } catch (error) {
        // Another process created it first: use theirs.
        if (!(error instanceof CallsightError && error.code === 'CONFLICT')) throw error;
        key = this.db.runSync('single', () => this.readProgram(tenantId, keyId));
      } finally {
        fresh.fill(0);
      }
    }
    if (key) this.sealing.set(cacheKey, key);
    return key;
  }

  private openSealed(tenantId: string, purpose: string, sealed: Uint8Array): { plaintext: string; format: 0 | 1 } {
    const buffer = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    return openSealedSecret(tenantId, purpose, buffer, this.sealingKey(tenantId, purpose, false), () => {
      const generations = this.db.runSync('single', function* (): Program<Row[]> {
        return yield sql('SELECT generation, state, wrapped_kek FROM key_generations WHERE tenant_id = ? AND generation = 0', tenantId);
      });
      const legacy = generationRows(generations)[0] ?? LEGACY;
      if (legacy.state === 'destroyed') {
        throw new CallsightError('INTERNAL', `A stored ${purpose} secret is sealed under a destroyed tenant key generation; enter the credential again`);
      }
      return this.kekOf(tenantId, legacy);
    });
  }
}
