import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { CallsightError } from '../../../core/shared/errors';

/**
 * Runs the worker's side: one pg client, one statement at a time; each reply is posted, then the shared flag is
 * raised so the blocked caller wakes (the pattern of the `synckit` package, without the dependency).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { Client } = require(workerData.pgPath);
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
const client = new Client({ connectionString: workerData.url, application_name: 'callsight-key-store-sync' });
const connected = client.connect();
connected.catch(() => undefined);
const asBuffer = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
port.on('message', async (request) => {
  let reply;
  try {
    await connected;
    const result = await client.query(request.sql, request.params.map(asBuffer));
    reply = { rows: result.rows };
  } catch (error) {
    reply = { error: { message: String((error && error.message) || error), code: error && error.code } };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export type SyncRow = Record<string, unknown>;

/**
 * Blocking PostgreSQL statements for the key store's synchronous surface (token checks resolve a tenant's secret
 * synchronously): a worker thread owns one connection and the caller waits on a shared flag (Atomics.wait) for the
 * reply. Used only on a cache miss (a tenant or sealing key this process has not seen), never on the hot paths
 * (data keys), which use the pool asynchronously. See docs/decisions/database-key-store.md.
 */
export class PgSyncChannel {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;

  constructor(
    url: string,
    private readonly timeoutMs = 15_000,
  ) {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pgPath, url, flag: shared, port: port2 }, transferList: [port2] });
    this.worker.unref();
    this.port.unref();
  }

  /** Runs one statement (`$n` placeholders) and returns its rows; blocks the calling thread until it answers. */
  query(sql: string, params: readonly unknown[]): SyncRow[] {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ sql, params: [...params] });
    if (Atomics.wait(this.flag, 0, 0, this.timeoutMs) === 'timed-out') {
      throw new CallsightError('INTERNAL', `The key store's PostgreSQL connection did not answer within ${this.timeoutMs} ms`);
    }
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new CallsightError('INTERNAL', "The key store's PostgreSQL connection answered nothing");
    const reply = received.message as { rows?: SyncRow[]; error?: { message: string; code?: string } };
    if (reply.error) {
      throw new CallsightError(reply.error.code === '23505' ? 'CONFLICT' : 'INTERNAL', `Key store query failed: ${reply.error.message}`, {
        details: { pgCode: reply.error.code ?? null },
      });
    }
    return (reply.rows ?? []).map(fromWorker);
  }

  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }
}

/** bytea values arrive as Uint8Array through structured clone: make them Buffers again. */
function fromWorker(row: SyncRow): SyncRow {
  const out: SyncRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  return out;
}
