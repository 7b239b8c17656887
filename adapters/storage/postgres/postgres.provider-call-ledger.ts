import type { BackfillCheckpoint, BackfillCheckpointStore, BackfillKey } from '../../../core/recordings/backfill-checkpoint.port';
import type {
  ProviderCallCounts,
  ProviderCallEntry,
  ProviderCallLedger,
  ReconciledEntry,
} from '../../../core/recordings/provider-call-ledger.port';
import {
  checkpointParams,
  decodeLedgerCursor,
  ledgerPage,
  ledgerPageLimit,
  mergeEntries,
  rowToCheckpoint,
  type CheckpointRow,
  type LedgerRow,
} from '../sqlite/sqlite.provider-call-ledger';
import type { PostgresDatabase } from './postgres-database';

/**
 * The provider call ledger on PostgreSQL, with SQLite's rules: entries keyed on (tenant, provider, provider call id),
 * `recorded` only ever set, and the stored call found by joining `calls` on the same key.
 */
export class PostgresProviderCallLedger implements ProviderCallLedger {
  constructor(private readonly db: PostgresDatabase) {}

  async record(entries: readonly ProviderCallEntry[], seenAt: string): Promise<number> {
    const checked = mergeEntries(entries);
    if (checked.length === 0) return 0;
    return this.db.transaction(async () => {
      let created = 0;
      // One statement per 500 entries; `xmax = 0` tells an inserted row from an updated one.
      for (let i = 0; i < checked.length; i += 500) {
        const chunk = checked.slice(i, i + 500);
        const values: unknown[] = [];
        const tuples = chunk.map((e, j) => {
          values.push(e.tenantId, e.provider, e.providerCallId, e.startedAt, e.recorded, e.source, seenAt);
          const b = j * 7;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
        });
        const { rows } = await this.db.query<{ inserted: boolean }>(
          `INSERT INTO provider_calls (tenant_id, provider, provider_call_id, started_at, recorded, source, first_seen_at)
           VALUES ${tuples.join(', ')}
           ON CONFLICT (tenant_id, provider, provider_call_id) DO UPDATE SET recorded = provider_calls.recorded OR excluded.recorded
           RETURNING (xmax = 0) AS inserted`,
          values,
        );
        created += rows.filter((r) => r.inserted).length;
      }
      return created;
    });
  }

  async reconcile(
    tenantId: string,
    range: { from: string; to: string; provider?: string },
    page: { limit: number; after?: string },
  ): Promise<{ items: ReconciledEntry[]; nextCursor: string | null }> {
    const limit = ledgerPageLimit(page.limit);
    const after = page.after === undefined ? null : decodeLedgerCursor(page.after);
    const { rows } = await this.db.query<LedgerRow>(
      `SELECT p.*, c.id AS call_id, r.id AS pending_id, r.status AS pending_status, r.last_error AS pending_last_error,
         r.attempts AS pending_attempts, r.deadline_at AS pending_deadline_at
       FROM provider_calls p
       LEFT JOIN calls c ON c.tenant_id = p.tenant_id AND c.provider = p.provider AND c.provider_call_id = p.provider_call_id
       LEFT JOIN pending_recordings r ON r.tenant_id = p.tenant_id AND r.provider = p.provider AND r.provider_call_id = p.provider_call_id
       WHERE p.tenant_id = $1 AND p.started_at >= $2 AND p.started_at < $3 AND ($4::text IS NULL OR p.provider = $4)
         AND ($5::text IS NULL OR (p.started_at, p.provider, p.provider_call_id) > ($5::text, $6::text, $7::text))
       ORDER BY p.started_at, p.provider, p.provider_call_id LIMIT $8`,
      [tenantId, range.from, range.to, range.provider ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit + 1],
    );
    return ledgerPage(rows, limit);
  }

  async count(tenantId: string, range: { from: string; to: string; provider?: string }): Promise<ProviderCallCounts> {
    const { rows } = await this.db.query<{ entries: string; recorded: string; recorded_stored: string; providers: string[] | null }>(
      `SELECT COUNT(*) AS entries, array_agg(DISTINCT p.provider ORDER BY p.provider) AS providers,
         COUNT(*) FILTER (WHERE p.recorded) AS recorded,
         COUNT(*) FILTER (WHERE p.recorded AND c.id IS NOT NULL) AS recorded_stored
       FROM provider_calls p
       LEFT JOIN calls c ON c.tenant_id = p.tenant_id AND c.provider = p.provider AND c.provider_call_id = p.provider_call_id
       WHERE p.tenant_id = $1 AND p.started_at >= $2 AND p.started_at < $3 AND ($4::text IS NULL OR p.provider = $4)`,
      [tenantId, range.from, range.to, range.provider ?? null],
    );
    const row = rows[0]!;
    return {
      entries: Number(row.entries),
      recorded: Number(row.recorded),
      recordedStored: Number(row.recorded_stored),
      providers: row.providers ?? [],
    };
  }

  async accountsOf(tenantId: string, provider: string): Promise<string[]> {
    const { rows } = await this.db.query<{ account_id: string }>(
      'SELECT account_id FROM provider_accounts WHERE tenant_id = $1 AND provider = $2 ORDER BY created_at, account_id',
      [tenantId, provider],
    );
    return rows.map((r) => r.account_id);
  }
}

/** Backfill checkpoints on PostgreSQL. */
export class PostgresBackfillCheckpoints implements BackfillCheckpointStore {
  constructor(private readonly db: PostgresDatabase) {}

  async get(key: BackfillKey): Promise<BackfillCheckpoint | null> {
    const { rows } = await this.db.query<CheckpointRow>(
      'SELECT * FROM backfill_checkpoints WHERE tenant_id = $1 AND source = $2 AND window_from = $3 AND window_to = $4',
      [key.tenantId, key.source, key.windowFrom, key.windowTo],
    );
    return rows[0] ? rowToCheckpoint(rows[0]) : null;
  }

  async save(checkpoint: Omit<BackfillCheckpoint, 'updatedAt'>, at: string): Promise<void> {
    await this.db.query(
      `INSERT INTO backfill_checkpoints (tenant_id, source, window_from, window_to, cursor_json, done, total, completed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, source, window_from, window_to) DO UPDATE SET cursor_json = excluded.cursor_json,
         done = excluded.done, total = excluded.total, completed_at = excluded.completed_at, updated_at = excluded.updated_at`,
      checkpointParams(checkpoint, at),
    );
  }
}
