import pg from 'pg';

/** The channel tenant-settings changes are announced on; the payload is the tenant id. */
export const SETTINGS_CHANNEL = 'callsight_settings';

/** Advisory-lock key (pg_try_advisory_lock, one bigint) of the worker that runs once-per-hub periodic work. */
export const PERIODIC_LEADER_LOCK = 0x63616c6c736967; // "callsig"

/**
 * A process's LISTEN connection for tenant-settings changes (docs/decisions/processes-and-roles.md). One dedicated
 * connection per process, outside the pool (a pooled connection would lose its LISTEN when returned). Writers call
 * `pg_notify` inside the transaction of the change, so a notice is delivered only once the change is committed and
 * visible to the reader it prompts.
 *
 * While connected and listening `live` is true and each notice reaches every subscriber with its tenant id. When the
 * connection drops (server restart, failover, network) `live` turns false at once and subscribers get `null`
 * (notices may be missed from now on): caches then go back to checking the store's revision on every read. The
 * connection is reopened with backoff (0.25 s doubling to `maxBackoffMs`); once LISTEN runs again subscribers get
 * `null` once more (anything changed while away is unknown) and `live` turns true.
 */
export class PostgresSettingsNotifications {
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 250;
  private readonly listeners = new Set<(tenantId: string | null) => void>();
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly options: { readonly maxBackoffMs?: number; readonly onState?: (live: boolean) => void } = {},
  ) {}

  /** True while the LISTEN connection is up: every committed change since `live` turned true has been or will be announced. */
  get live(): boolean {
    return this.listening;
  }

  subscribe(listener: (tenantId: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the connection; resolves after the first attempt (a failed one is retried in the background). */
  async start(): Promise<void> {
    if (this.closed || this.client !== null) return;
    await this.connect();
  }

  /** Waits until the listener is live (tests); rejects after `timeoutMs`. */
  async whenLive(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.listening) {
      if (Date.now() > until) throw new Error('The settings listener did not connect to PostgreSQL in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    this.setListening(false);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.setListening(false);
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== SETTINGS_CHANNEL || !message.payload) return;
      this.emit(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SETTINGS_CHANNEL}`);
    } catch {
      lost();
      return;
    }
    if (this.closed || this.client !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.backoffMs = 250;
    this.setListening(true);
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 10_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private setListening(live: boolean): void {
    const was = this.listening;
    this.listening = live;
    // Either way what a cache holds may be stale: on loss notices stop, on (re)connect some may have been missed.
    if (was || live) this.emit(null);
    if (was !== live) this.options.onState?.(live);
  }

  private emit(tenantId: string | null): void {
    for (const listener of this.listeners) listener(tenantId);
  }
}

/**
 * Leadership among the worker processes of one database for periodic work that must run once per hub, not once per
 * process (the daily retention sweep and audit prune of every tenant): held as a session-level advisory lock on a
 * dedicated connection, so a leader that dies (kill -9 included) loses it the moment its connection closes and
 * another worker takes it at its next try. `onChange(true)` starts the work, `onChange(false)` stops it (also when
 * this process's connection drops, since the lock went with it).
 */
export class PostgresLeaderLock {
  private client: pg.Client | null = null;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private trying: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly onChange: (leader: boolean) => void | Promise<void>,
    private readonly options: { readonly retryMs?: number; readonly lockKey?: number } = {},
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Tries at once, then every `retryMs` (default 5 s) until it leads. */
  start(): Promise<void> {
    return this.tryOnce();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.trying?.catch(() => undefined);
    await this.setLeader(false);
    const client = this.client;
    this.client = null;
    // Ending the session releases the advisory lock.
    await client?.end().catch(() => undefined);
  }

  private tryOnce(): Promise<void> {
    this.trying ??= this.attempt().finally(() => {
      this.trying = null;
      if (!this.closed && !this.leader) {
        this.timer = setTimeout(() => void this.tryOnce(), this.options.retryMs ?? 5_000);
        this.timer.unref();
      }
    });
    return this.trying;
  }

  private async attempt(): Promise<void> {
    try {
      if (this.client === null) {
        const client = new pg.Client({ connectionString: this.url });
        const lost = () => {
          if (this.client !== client) return;
          this.client = null;
          void client.end().catch(() => undefined);
          void this.setLeader(false).then(() => {
            if (!this.closed && this.trying === null) void this.tryOnce();
          });
        };
        client.on('error', lost);
        client.on('end', lost);
        this.client = client;
        await client.connect();
      }
      const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.options.lockKey ?? PERIODIC_LEADER_LOCK]);
      if (rows[0]?.locked && !this.closed) await this.setLeader(true);
    } catch {
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => undefined);
    }
  }

  private async setLeader(leader: boolean): Promise<void> {
    if (this.leader === leader) return;
    this.leader = leader;
    await this.onChange(leader);
  }
}
