import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import type { Call, CallStatus } from '../../../core/recordings/call';
import type { LegalHold } from '../../../core/retention/legal-hold';
import type {
  Awaitable,
  HoldListQuery,
  RetentionStore,
  StoredRetentionPolicy,
  SweepRecord,
  Tombstone,
} from '../../../core/retention/retention-store.port';
import type { PostgresDatabase } from './postgres-database';
import { rowToCall, rowToHold, rowToSweep, type CallRow, type HoldRow, type SweepRow } from '../rows';

/** Opaque keyset cursor over (created_at DESC, id DESC), in the SQLite store's format. */
function encodeHoldCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeHoldCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through to the error below
  }
  throw new CallsightError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API');
}

/** The unique constraint behind a CONFLICT that translatePgError made of a unique violation. */
function violatedConstraint(error: unknown): string | undefined {
  return isCallsightError(error) && error.code === 'CONFLICT' ? (error.cause as { constraint?: string } | undefined)?.constraint : undefined;
}

/**
 * Retention state on PostgreSQL, with the behaviour of SqliteRetentionStore (test/contracts/retention-store.contract.ts
 * runs on both). Deletions and status moves run in `db.transaction` and await their callback inside it, so the audit
 * event the callback appends through another store commits or rolls back with them. Concurrent callers stay correct
 * without a single writer: the tombstone's primary key lets exactly one deletion of a call through, a status move
 * re-checks the status under the row lock, and a partial unique index allows one running sweep per tenant.
 */
export class PostgresRetentionStore implements RetentionStore {
  constructor(private readonly db: PostgresDatabase) {}

  // ---- policies ----

  async getPolicy(tenantId: string): Promise<StoredRetentionPolicy | null> {
    const { rows } = await this.db.query<{ tenant_id: string; policy_json: string; version: number; updated_by: string; updated_at: string }>(
      'SELECT * FROM retention_policies WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row
      ? { tenantId: row.tenant_id, policy: JSON.parse(row.policy_json) as unknown, version: row.version, updatedBy: row.updated_by, updatedAt: row.updated_at }
      : null;
  }

  /** Saves the tenant's policy and returns its new version; concurrent saves queue on the row and each gets its own. */
  async putPolicy(tenantId: string, policy: unknown, updatedBy: string, updatedAt: string): Promise<number> {
    const { rows } = await this.db.query<{ version: number }>(
      `INSERT INTO retention_policies (tenant_id, policy_json, version, updated_by, updated_at) VALUES ($1, $2, 1, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET policy_json = excluded.policy_json, version = retention_policies.version + 1,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at
       RETURNING version`,
      [tenantId, JSON.stringify(policy), updatedBy, updatedAt],
    );
    return rows[0]!.version;
  }

  // ---- legal holds ----

  async insertHold(hold: LegalHold): Promise<void> {
    const { rowCount } = await this.db.query(
      `INSERT INTO legal_holds (tenant_id, id, selector_json, reason, author, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, id) DO NOTHING`,
      [hold.tenantId, hold.id, JSON.stringify(hold.by), hold.reason, hold.author, hold.createdAt, hold.expiresAt ?? null],
    );
    if (rowCount === 0) throw new CallsightError('CONFLICT', 'A legal hold with this id already exists');
  }

  async getHold(tenantId: string, holdId: string): Promise<LegalHold | null> {
    const { rows } = await this.db.query<HoldRow>('SELECT * FROM legal_holds WHERE tenant_id = $1 AND id = $2', [tenantId, holdId]);
    return rows[0] ? rowToHold(rows[0]) : null;
  }

  /** Marks the hold released; false when it is absent or was already released (of two concurrent releases, one wins). */
  async releaseHold(tenantId: string, holdId: string, releasedBy: string, releasedAt: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE legal_holds SET released_at = $1, released_by = $2 WHERE tenant_id = $3 AND id = $4 AND released_at IS NULL',
      [releasedAt, releasedBy, tenantId, holdId],
    );
    return rowCount === 1;
  }

  async unreleasedHolds(tenantId: string): Promise<LegalHold[]> {
    const { rows } = await this.db.query<HoldRow>('SELECT * FROM legal_holds WHERE tenant_id = $1 AND released_at IS NULL ORDER BY created_at, id', [tenantId]);
    return rows.map(rowToHold);
  }

  async listHolds(tenantId: string, q: HoldListQuery): Promise<{ items: LegalHold[]; nextCursor: string | null }> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (q.activeAt !== undefined) {
      params.push(q.activeAt);
      where.push(`released_at IS NULL AND (expires_at IS NULL OR expires_at > $${params.length})`);
    }
    if (q.cursor !== undefined) {
      const [createdAt, id] = decodeHoldCursor(q.cursor);
      params.push(createdAt, id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit + 1);
    const { rows } = await this.db.query<HoldRow>(
      `SELECT * FROM legal_holds WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, q.limit).map(rowToHold);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeHoldCursor(last.createdAt, last.id) : null };
  }

  // ---- calls, in id order ----

  async callsAfter(tenantId: string, afterId: string | null, limit: number): Promise<Call[]> {
    const { rows } =
      afterId === null
        ? await this.db.query<CallRow>('SELECT * FROM calls WHERE tenant_id = $1 ORDER BY id LIMIT $2', [tenantId, limit])
        : await this.db.query<CallRow>('SELECT * FROM calls WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3', [tenantId, afterId, limit]);
    return rows.map(rowToCall);
  }

  async *iterateCalls(tenantId: string, pageSize = 1000): AsyncGenerator<Call> {
    let after: string | null = null;
    for (;;) {
      const page = await this.callsAfter(tenantId, after, pageSize);
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  async countCalls(tenantId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM calls WHERE tenant_id = $1', [tenantId]);
    return rows[0]?.n ?? 0;
  }

  // ---- deletion ----

  async getTombstone(tenantId: string, callId: string): Promise<Tombstone | null> {
    const { rows } = await this.db.query<{
      tenant_id: string;
      call_id: string;
      deleted_at: string;
      rule_id: string | null;
      basis: 'policy' | 'admin';
      actor: string;
      audio_sha256: string | null;
    }>('SELECT * FROM retention_tombstones WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
    const row = rows[0];
    return row
      ? { tenantId: row.tenant_id, callId: row.call_id, deletedAt: row.deleted_at, ruleId: row.rule_id, basis: row.basis, actor: row.actor, audioSha256: row.audio_sha256 }
      : null;
  }

  /**
   * The tombstone insert decides: a concurrent deletion of the same call waits on its primary key until this
   * transaction ends, then inserts nothing and returns false (or takes over if this one rolled back).
   */
  async finalizeDeletion(tombstone: Tombstone, certify: () => Awaitable<unknown>): Promise<boolean> {
    return this.db.transaction(async () => {
      const { rowCount } = await this.db.query(
        `INSERT INTO retention_tombstones (tenant_id, call_id, deleted_at, rule_id, basis, actor, audio_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, call_id) DO NOTHING`,
        [tombstone.tenantId, tombstone.callId, tombstone.deletedAt, tombstone.ruleId, tombstone.basis, tombstone.actor, tombstone.audioSha256],
      );
      if (rowCount === 0) return false;
      await this.db.query(
        `UPDATE calls SET status = 'deleted', rec_format = NULL, rec_bytes = NULL, rec_channels = NULL, rec_duration_s = NULL,
           rec_key_id = NULL WHERE tenant_id = $1 AND id = $2`,
        [tombstone.tenantId, tombstone.callId],
      );
      await this.db.query('DELETE FROM retention_thaws WHERE tenant_id = $1 AND call_id = $2', [tombstone.tenantId, tombstone.callId]);
      await certify();
      return true;
    });
  }

  /** The conditional UPDATE takes the row lock; a concurrent move waits, re-reads the status and changes nothing. */
  async transitionStatus(tenantId: string, callId: string, from: readonly CallStatus[], to: CallStatus, after: () => Awaitable<unknown>): Promise<boolean> {
    return this.db.transaction(async () => {
      const { rowCount } = await this.db.query('UPDATE calls SET status = $1 WHERE tenant_id = $2 AND id = $3 AND status = ANY($4::text[])', [
        to,
        tenantId,
        callId,
        [...from],
      ]);
      if (rowCount === 0) return false;
      await after();
      return true;
    });
  }

  // ---- sweeps ----

  async openSweep(tenantId: string): Promise<SweepRecord | null> {
    const { rows } = await this.db.query<SweepRow>(`SELECT * FROM retention_sweeps WHERE tenant_id = $1 AND status = 'running'`, [tenantId]);
    return rows[0] ? rowToSweep(rows[0]) : null;
  }

  async startSweep(tenantId: string, id: string, decidedAt: string, startedAt: string): Promise<SweepRecord> {
    try {
      const { rows } = await this.db.query<SweepRow>(
        `INSERT INTO retention_sweeps (tenant_id, id, status, decided_at, started_at) VALUES ($1, $2, 'running', $3, $4) RETURNING *`,
        [tenantId, id, decidedAt, startedAt],
      );
      return rowToSweep(rows[0]!);
    } catch (error) {
      const constraint = violatedConstraint(error);
      if (constraint === 'retention_sweeps_one_running') {
        throw new CallsightError('CONFLICT', 'A retention sweep is already running for this tenant', { cause: (error as Error).cause });
      }
      if (constraint === 'retention_sweeps_pkey') {
        throw new CallsightError('CONFLICT', 'A retention sweep with this id already exists', { cause: (error as Error).cause });
      }
      throw error;
    }
  }

  async checkpointSweep(tenantId: string, id: string, cursorId: string, processed: number, counts: Record<string, number>): Promise<void> {
    await this.db.query(
      `UPDATE retention_sweeps SET cursor_id = $1, processed = $2, counts_json = $3 WHERE tenant_id = $4 AND id = $5 AND status = 'running'`,
      [cursorId, processed, JSON.stringify(counts), tenantId, id],
    );
  }

  async finishSweep(tenantId: string, id: string, finishedAt: string, processed: number, counts: Record<string, number>): Promise<void> {
    await this.db.query(
      `UPDATE retention_sweeps SET status = 'done', finished_at = $1, processed = $2, counts_json = $3 WHERE tenant_id = $4 AND id = $5`,
      [finishedAt, processed, JSON.stringify(counts), tenantId, id],
    );
  }

  // ---- thaws (archived calls brought back for playback) ----

  async recordThaw(tenantId: string, callId: string, thawedBy: string, thawedAt: string): Promise<void> {
    await this.db.query(
      `INSERT INTO retention_thaws (tenant_id, call_id, thawed_at, thawed_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, call_id) DO UPDATE SET thawed_at = excluded.thawed_at, thawed_by = excluded.thawed_by`,
      [tenantId, callId, thawedAt, thawedBy],
    );
  }

  async thawedSince(tenantId: string, sinceIso: string): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ call_id: string; thawed_at: string }>(
      'SELECT call_id, thawed_at FROM retention_thaws WHERE tenant_id = $1 AND thawed_at >= $2',
      [tenantId, sinceIso],
    );
    return new Map(rows.map((r) => [r.call_id, r.thawed_at]));
  }
}
