import Database from 'better-sqlite3';
import pg from 'pg';
import { CallsightError } from '../../../core/shared/errors';
import { PgSyncChannel } from './pg-sync-channel';

export type Row = Record<string, unknown>;

/** One statement of a key-store program, with `?` placeholders (numbered for PostgreSQL by the driver). */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * A key-store operation written once as a generator that yields its statements and receives their rows, so that the
 * same code runs blocking (SQLite; PostgreSQL through PgSyncChannel) or asynchronously (the PostgreSQL pool).
 */
export type Program<T> = Generator<Statement, T, Row[]>;

export function sql(text: string, ...params: unknown[]): Statement {
  return { sql: text, params };
}

/**
 * `write`: one transaction that serialises with other writers of the same tenant (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: the program's own `FOR UPDATE`/`FOR SHARE` row locks). `single`: each statement on its own (autocommit).
 */
export type RunMode = 'write' | 'single';

/** The database under the key store: SQLite (the hub's file) or PostgreSQL (DATABASE_URL). */
export interface KeyDb {
  readonly dialect: 'sqlite' | 'postgres';
  run<T>(mode: RunMode, program: () => Program<T>): Promise<T>;
  runSync<T>(mode: RunMode, program: () => Program<T>): T;
  close(): Promise<void>;
}

/** ` FOR UPDATE` / ` FOR SHARE` on PostgreSQL; nothing on SQLite, where a write transaction already excludes others. */
export function lockClause(db: Pick<KeyDb, 'dialect'>, kind: 'update' | 'share'): string {
  if (db.dialect === 'sqlite') return '';
  return kind === 'update' ? ' FOR UPDATE' : ' FOR SHARE';
}

function drive<T>(program: Program<T>, exec: (s: Statement) => Row[]): T {
  let step = program.next();
  while (!step.done) step = program.next(exec(step.value));
  return step.value;
}

async function driveAsync<T>(program: Program<T>, exec: (s: Statement) => Promise<Row[]>): Promise<T> {
  let step = program.next();
  while (!step.done) step = program.next(await exec(step.value));
  return step.value;
}

function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

function asParam(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

/**
 * The key store's own connection to the hub's SQLite file, with `secure_delete` on so that a shredded key's bytes are
 * overwritten in the database pages (docs/decisions/database-key-store.md says what WAL mode keeps meanwhile).
 */
export class SqliteKeyDb implements KeyDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.db = new Database(file, { fileMustExist: true });
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    const ready = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'key_data_keys'").get();
    if (!ready) {
      this.db.close();
      throw new CallsightError('INTERNAL', `The database ${file} has no key store tables: open it with the hub once (its migrations create them)`);
    }
  }

  async run<T>(mode: RunMode, program: () => Program<T>): Promise<T> {
    return this.runSync(mode, program);
  }

  runSync<T>(mode: RunMode, program: () => Program<T>): T {
    const exec = () => drive(program(), (s) => this.exec(s));
    return mode === 'write' ? this.db.transaction(exec).immediate() : exec();
  }

  /** Moves committed pages out of the WAL, so overwritten key bytes leave it too (best effort, never waits). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private exec(s: Statement): Row[] {
    let stmt = this.statements.get(s.sql);
    if (!stmt) {
      stmt = this.db.prepare(s.sql);
      this.statements.set(s.sql, stmt);
    }
    const params = s.params.map(asParam);
    if (stmt.reader) return stmt.all(...params) as Row[];
    stmt.run(...params);
    return [];
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/**
 * PostgreSQL: a small pool for the asynchronous operations and a PgSyncChannel (one connection in a worker thread) for
 * the synchronous ones.
 */
export class PostgresKeyDb implements KeyDb {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private sync: PgSyncChannel | null = null;

  constructor(private readonly url: string, maxConnections = 4) {
    this.pool = new pg.Pool({ connectionString: url, max: maxConnections, application_name: 'callsight-key-store' });
    this.pool.on('error', () => undefined); // an idle client's lost connection: the next checkout reconnects
  }

  async run<T>(mode: RunMode, program: () => Program<T>): Promise<T> {
    if (mode === 'single') return driveAsync(program(), async (s) => (await this.pool.query(numbered(s.sql), s.params.map(asParam))).rows);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await driveAsync(program(), async (s) => (await client.query(numbered(s.sql), s.params.map(asParam))).rows);
      await client.query('COMMIT');
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translatePg(error);
    } finally {
      client.release();
    }
  }

  runSync<T>(mode: RunMode, program: () => Program<T>): T {
    this.sync ??= new PgSyncChannel(this.url);
    const channel = this.sync;
    const exec = (s: Statement) => channel.query(numbered(s.sql), s.params.map(asParam));
    if (mode === 'single') return drive(program(), exec);
    channel.query('BEGIN', []);
    try {
      const out = drive(program(), exec);
      channel.query('COMMIT', []);
      return out;
    } catch (error) {
      try {
        channel.query('ROLLBACK', []);
      } catch {
        // the connection is gone; the server rolls the transaction back itself
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.sync?.close();
    await this.pool.end();
  }
}

function translatePg(error: unknown): unknown {
  if (error instanceof CallsightError) return error;
  const code = (error as { code?: string }).code;
  if (code === '23505') return new CallsightError('CONFLICT', 'The key already exists', { cause: error });
  if (code === '42P01') {
    return new CallsightError('INTERNAL', 'The database has no key store tables: start the hub once on it (its migrations create them)', { cause: error });
  }
  return error;
}
