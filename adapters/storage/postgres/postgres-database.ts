import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { migratePostgres } from './postgres.migrations';
import { translatePgError } from './postgres.errors';

/**
 * One PostgreSQL database shared by every store of the hub. `transaction(work)` runs `work` on one pooled
 * connection inside BEGIN/COMMIT, and every `query` made while it runs (by any store, however deep in the call
 * chain) joins that transaction through AsyncLocalStorage. Stores therefore compose atomically the way the SQLite
 * stores do on their shared connection: a retention deletion and its audit certificate commit together or not at all.
 */
export class PostgresDatabase {
  private readonly current = new AsyncLocalStorage<pg.PoolClient>();

  constructor(readonly pool: pg.Pool) {}

  /** Runs one statement, inside the caller's transaction when there is one. Errors become CallsightErrors. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    const client = this.current.getStore();
    try {
      return client ? await client.query<R>(sql, params as unknown[]) : await this.pool.query<R>(sql, params as unknown[]);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  /** True while running inside `transaction`. */
  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  /**
   * Runs `work` in one transaction and returns its result; rolls back when it throws. A transaction begun inside
   * another joins the outer one (there is one commit, the outermost). `work` also gets the connection, for
   * statements that must share it explicitly (SET LOCAL). `serializable` asks for SERIALIZABLE isolation, for
   * read-then-write decisions that must not interleave; `readOnly` for one snapshot across several reads.
   */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, options: { serializable?: boolean; readOnly?: boolean } = {}): Promise<T> {
    const outer = this.current.getStore();
    if (outer) return work(outer);
    const client = await this.pool.connect().catch((error: unknown) => {
      throw translatePgError(error);
    });
    try {
      await client.query(options.serializable ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await this.current.run(client, () => work(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translatePgError(error);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Connects to `url` (postgres://...) and brings the schema to the newest migration. Throws CallsightError
 * UPSTREAM_FAILED when the server cannot be reached.
 */
export async function openPostgresDatabase(url: string, options: { maxConnections?: number } = {}): Promise<PostgresDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle pooled connection that the server closes (restart, failover, DROP DATABASE) is dropped by the pool; the
  // next query opens a new one. Without a listener that event would end the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw translatePgError(error);
  }
  return new PostgresDatabase(pool);
}
