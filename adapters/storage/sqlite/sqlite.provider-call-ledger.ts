import type Database from 'better-sqlite3';
import type { BackfillCheckpoint, BackfillCheckpointStore, BackfillKey } from '../../../core/recordings/backfill-checkpoint.port';
import type {
  ProviderCallCounts,
  ProviderCallEntry,
  ProviderCallLedger,
  ReconciledEntry,
} from '../../../core/recordings/provider-call-ledger.port';
import { CallsightError } from '../../../core/shared/errors';

/**
 * The provider call ledger on the hub's SQLite database. Reconciling joins the `calls` table on (tenant, provider,
 * provider call id), the key ingest is idempotent on, so an entry shows its stored call the moment it commits.
 */
export class SqliteProviderCallLedger implements ProviderCallLedger {
  constructor(private readonly db: Database.Database) {}

  record(entries: readonly ProviderCallEntry[], seenAt: string): number {
    const checked = mergeEntries(entries);
    const insert = this.db.prepare(
      `INSERT INTO provider_calls (tenant_id, provider, provider_call_id, started_at, recorded, source, first_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, provider, provider_call_id) DO UPDATE SET recorded = MAX(recorded, excluded.recorded)`,
    );
    const exists = this.db.prepare('SELECT 1 FROM provider_calls WHERE tenant_id = ? AND provider = ? AND provider_call_id = ?');
    return this.db
      .transaction(() => {
        let created = 0;
        for (const e of checked) {
          if (!exists.get(e.tenantId, e.provider, e.providerCallId)) created += 1;
          insert.run(e.tenantId, e.provider, e.providerCallId, e.startedAt, e.recorded ? 1 : 0, e.source, seenAt);
        }
        return created;
      })
      .immediate();
  }

  reconcile(
    tenantId: string,
    range: { from: string; to: string; provider?: string },
    page: { limit: number; after?: string },
  ): { items: ReconciledEntry[]; nextCursor: string | null } {
    const limit = ledgerPageLimit(page.limit);
    const after = page.after === undefined ? null : decodeLedgerCursor(page.after);
    const rows = this.db
      .prepare(
        `SELECT p.*, c.id AS call_id, r.id AS pending_id, r.status AS pending_status, r.last_error AS pending_last_error,
           r.attempts AS pending_attempts, r.deadline_at AS pending_deadline_at
         FROM provider_calls p
         LEFT JOIN calls c ON c.tenant_id = p.tenant_id AND c.provider = p.provider AND c.provider_call_id = p.provider_call_id
         LEFT JOIN pending_recordings r ON r.tenant_id = p.tenant_id AND r.provider = p.provider AND r.provider_call_id = p.provider_call_id
         WHERE p.tenant_id = ? AND p.started_at >= ? AND p.started_at < ? AND (? IS NULL OR p.provider = ?)
           AND (? IS NULL OR (p.started_at, p.provider, p.provider_call_id) > (?, ?, ?))
         ORDER BY p.started_at, p.provider, p.provider_call_id LIMIT ?`,
      )
      .all(
        tenantId, range.from, range.to, range.provider ?? null, range.provider ?? null,
        after ? 1 : null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit + 1,
      ) as LedgerRow[];
    return ledgerPage(rows, limit);
  }

  count(tenantId: string, range: { from: string; to: string; provider?: string }): ProviderCallCounts {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS entries,
           COALESCE(SUM(p.recorded), 0) AS recorded,
           COALESCE(SUM(CASE WHEN p.recorded = 1 AND c.id IS NOT NULL THEN 1 ELSE 0 END), 0) AS recorded_stored
         FROM provider_calls p
         LEFT JOIN calls c ON c.tenant_id = p.tenant_id AND c.provider = p.provider AND c.provider_call_id = p.provider_call_id
         WHERE p.tenant_id = ? AND p.started_at >= ? AND p.started_at < ? AND (? IS NULL OR p.provider = ?)`,
      )
      .get(tenantId, range.from, range.to, range.provider ?? null, range.provider ?? null) as { entries: number; recorded: number; recorded_stored: number };
    const providers = this.db
      .prepare(
        `SELECT DISTINCT provider FROM provider_calls
         WHERE tenant_id = ? AND started_at >= ? AND started_at < ? AND (? IS NULL OR provider = ?) ORDER BY provider`,
      )
      .all(tenantId, range.from, range.to, range.provider ?? null, range.provider ?? null) as { provider: string }[];
    return {
      entries: Number(row.entries),
      recorded: Number(row.recorded),
      recordedStored: Number(row.recorded_stored),
      providers: providers.map((p) => p.provider),
    };
  }

  accountsOf(tenantId: string, provider: string): string[] {
    const rows = this.db
      .prepare('SELECT account_id FROM provider_accounts WHERE tenant_id = ? AND provider = ? ORDER BY created_at, account_id')
      .all(tenantId, provider) as { account_id: string }[];
    return rows.map((r) => r.account_id);
  }
}

/** Backfill checkpoints on the hub's SQLite database. */
export class SqliteBackfillCheckpoints implements BackfillCheckpointStore {
  constructor(private readonly db: Database.Database) {}

  get(key: BackfillKey): BackfillCheckpoint | null {
    const row = this.db
      .prepare('SELECT * FROM backfill_checkpoints WHERE tenant_id = ? AND source = ? AND window_from = ? AND window_to = ?')
      .get(key.tenantId, key.source, key.windowFrom, key.windowTo) as CheckpointRow | undefined;
    return row ? rowToCheckpoint(row) : null;
  }

  save(checkpoint: Omit<BackfillCheckpoint, 'updatedAt'>, at: string): void {
    this.db
      .prepare(
        `INSERT INTO backfill_checkpoints (tenant_id, source, window_from, window_to, cursor_json, done, total, completed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, source, window_from, window_to) DO UPDATE SET cursor_json = excluded.cursor_json,
           done = excluded.done, total = excluded.total, completed_at = excluded.completed_at, updated_at = excluded.updated_at`,
      )
      .run(...checkpointParams(checkpoint, at));
  }
}

/**
 * The entries checked (checkEntry) with repeats of one key merged into the first (recorded if any says so), so that
 * one batch writes each key once.
 */
export function mergeEntries(entries: readonly ProviderCallEntry[]): ProviderCallEntry[] {
  const byKey = new Map<string, ProviderCallEntry>();
  for (const entry of entries.map(checkEntry)) {
    const key = JSON.stringify([entry.tenantId, entry.provider, entry.providerCallId]);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, recorded: seen.recorded || entry.recorded } : entry);
  }
  return [...byKey.values()];
}

/** A provider_calls row joined with its call's id, as both engines return it. */
export interface LedgerRow {
  tenant_id: string;
  provider: string;
  provider_call_id: string;
  started_at: string;
  recorded: number | boolean;
  source: string;
  first_seen_at: string;
  call_id: string | null;
  pending_id: string | null;
  pending_status: 'waiting' | 'stored' | 'missing' | null;
  pending_last_error: string | null;
  pending_attempts: number | null;
  pending_deadline_at: string | null;
}

/** A backfill_checkpoints row, as both engines return it. */
export interface CheckpointRow {
  tenant_id: string;
  source: string;
  window_from: string;
  window_to: string;
  cursor_json: string | null;
  done: number;
  total: number | null;
  completed_at: string | null;
  updated_at: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The entry with its start normalised to `toISOString` form (text order is time order); VALIDATION_FAILED otherwise. */
export function checkEntry(entry: ProviderCallEntry): ProviderCallEntry {
  if (!entry.tenantId || !entry.provider || !entry.providerCallId || !entry.source) {
    throw new CallsightError('VALIDATION_FAILED', 'A provider call entry needs a tenant, provider, provider call id and source');
  }
  if (!ISO_UTC.test(entry.startedAt) || Number.isNaN(Date.parse(entry.startedAt))) {
    throw new CallsightError('VALIDATION_FAILED', 'A provider call entry needs startedAt as an ISO-8601 UTC instant (…Z)');
  }
  return { ...entry, startedAt: new Date(entry.startedAt).toISOString() };
}

export function ledgerPage(rows: readonly LedgerRow[], limit: number): { items: ReconciledEntry[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map((row) => ({
    entry: {
      tenantId: row.tenant_id,
      provider: row.provider,
      providerCallId: row.provider_call_id,
      startedAt: row.started_at,
      recorded: row.recorded === true || row.recorded === 1,
      source: row.source,
      firstSeenAt: row.first_seen_at,
    },
    callId: row.call_id,
    pending:
      row.pending_id && row.pending_status && row.pending_deadline_at
        ? {
            id: row.pending_id,
            status: row.pending_status,
            lastError: row.pending_last_error,
            attempts: Number(row.pending_attempts ?? 0),
            deadlineAt: row.pending_deadline_at,
          }
        : null,
  }));
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([last.entry.startedAt, last.entry.provider, last.entry.providerCallId]), 'utf8').toString('base64url')
      : null;
  return { items, nextCursor };
}

/** The page size of a ledger listing; VALIDATION_FAILED outside 1..1000. */
export function ledgerPageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CallsightError('VALIDATION_FAILED', 'A provider call page needs limit to be an integer from 1 to 1000');
  }
  return limit;
}

/** VALIDATION_FAILED for a cursor this store did not issue. */
export function decodeLedgerCursor(cursor: string): [string, string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) return value as [string, string, string];
  } catch {
    // Falls through to the error below: the cursor is not one this store issued.
  }
  throw new CallsightError('VALIDATION_FAILED', 'The cursor is not valid; start again without it');
}

export function rowToCheckpoint(row: CheckpointRow): BackfillCheckpoint {
  return {
    tenantId: row.tenant_id,
    source: row.source,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    cursor: row.cursor_json === null ? null : (JSON.parse(row.cursor_json) as unknown),
    done: Number(row.done),
    total: row.total === null ? null : Number(row.total),
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
  };
}

export function checkpointParams(c: Omit<BackfillCheckpoint, 'updatedAt'>, at: string): unknown[] {
  return [
    c.tenantId, c.source, c.windowFrom, c.windowTo, c.cursor === null || c.cursor === undefined ? null : JSON.stringify(c.cursor),
    c.done, c.total, c.completedAt, at,
  ];
}
