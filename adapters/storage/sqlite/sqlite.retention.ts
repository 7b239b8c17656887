import type Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
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
import { decodeCursor, encodeCursor } from './sqlite.call-repository';
import { rowToCall, rowToHold, rowToSweep, type HoldRow, type SweepRow } from '../rows';

export type { HoldListQuery, StoredRetentionPolicy, SweepRecord, Tombstone };

/**
 * Runs a callback of finalizeDeletion or transitionStatus inside the open SQLite transaction. better-sqlite3
 * commits when the transaction function returns, so work left for after an await would run outside it: a promise
 * is refused, and the throw rolls the transaction back.
 */
function runInTransaction(callback: () => Awaitable<unknown>, method: string): void {
  const result = callback();
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw new Error(
      `SqliteRetentionStore.${method}: the callback returned a promise, but a SQLite transaction cannot span an await, so nothing was written. ` +
        'Pass a callback that finishes synchronously (the SQLite stores return their results directly).',
    );
  }
}

function isConstraint(error: unknown, code: 'SQLITE_CONSTRAINT_UNIQUE' | 'SQLITE_CONSTRAINT_PRIMARYKEY'): boolean {
  return (error as { code?: string }).code === code;
}

/**
 * Retention state on SQLite: policies, legal holds, tombstones, sweep checkpoints and thaws (versions 30-39).
 * Reads calls straight from the calls table in id order, so a sweep can page through millions of calls with a
 * keyset cursor and resume after the last id it finished. Synchronous: callers of the port await its results.
 */
export class SqliteRetentionStore implements RetentionStore {
  constructor(private readonly db: Database.Database) {}

  // ---- policies ----

  getPolicy(tenantId: string): StoredRetentionPolicy | null {
    const row = this.db.prepare('SELECT * FROM retention_policies WHERE tenant_id = ?').get(tenantId) as
      | { tenant_id: string; policy_json: string; version: number; updated_by: string; updated_at: string }
      | undefined;
    return row
      ? { tenantId: row.tenant_id, policy: JSON.parse(row.policy_json) as unknown, version: row.version, updatedBy: row.updated_by, updatedAt: row.updated_at }
      : null;
  }

  /** Saves the tenant's policy and returns its new version. */
  putPolicy(tenantId: string, policy: unknown, updatedBy: string, updatedAt: string): number {
    const row = this.db
      .prepare(
        `INSERT INTO retention_policies (tenant_id, policy_json, version, updated_by, updated_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET policy_json = excluded.policy_json, version = version + 1,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at
         RETURNING version`,
      )
      .get(tenantId, JSON.stringify(policy), updatedBy, updatedAt) as { version: number };
    return row.version;
  }

  // ---- legal holds ----

  /** Stores a new, unreleased hold; CONFLICT when the tenant already has a hold with this id. */
  insertHold(hold: LegalHold): void {
    try {
      this.db
        .prepare(
          `INSERT INTO legal_holds (tenant_id, id, selector_json, reason, author, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(hold.tenantId, hold.id, JSON.stringify(hold.by), hold.reason, hold.author, hold.createdAt, hold.expiresAt ?? null);
    } catch (cause) {
      if (isConstraint(cause, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new CallsightError('CONFLICT', 'A legal hold with this id already exists', { cause });
      throw cause;
    }
  }

  getHold(tenantId: string, holdId: string): LegalHold | null {
    const row = this.db.prepare('SELECT * FROM legal_holds WHERE tenant_id = ? AND id = ?').get(tenantId, holdId) as HoldRow | undefined;
    return row ? rowToHold(row) : null;
  }

  /** Marks the hold released; false when it is absent or was already released (nothing changes then). */
  releaseHold(tenantId: string, holdId: string, releasedBy: string, releasedAt: string): boolean {
    const result = this.db
      .prepare('UPDATE legal_holds SET released_at = ?, released_by = ? WHERE tenant_id = ? AND id = ? AND released_at IS NULL')
      .run(releasedAt, releasedBy, tenantId, holdId);
    return result.changes === 1;
  }

  /** Every hold of the tenant not yet released, oldest first (expiry is checked by the caller at its own instant). */
  unreleasedHolds(tenantId: string): LegalHold[] {
    const rows = this.db
      .prepare('SELECT * FROM legal_holds WHERE tenant_id = ? AND released_at IS NULL ORDER BY created_at, id')
      .all(tenantId) as HoldRow[];
    return rows.map(rowToHold);
  }

  /** Holds newest first, keyset-paged. */
  listHolds(tenantId: string, q: HoldListQuery): { items: LegalHold[]; nextCursor: string | null } {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (q.activeAt !== undefined) {
      where.push('released_at IS NULL AND (expires_at IS NULL OR expires_at > ?)');
      params.push(q.activeAt);
    }
    if (q.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(q.cursor);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(createdAt, createdAt, id);
    }
    params.push(q.limit + 1);
    const rows = this.db
      .prepare(`SELECT * FROM legal_holds WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params) as HoldRow[];
    const items = rows.slice(0, q.limit).map(rowToHold);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  // ---- calls, in id order ----

  /** Up to `limit` calls of the tenant with id > afterId, in id order (all statuses, tombstones included). */
  callsAfter(tenantId: string, afterId: string | null, limit: number): Call[] {
    const rows =
      afterId === null
        ? this.db.prepare('SELECT * FROM calls WHERE tenant_id = ? ORDER BY id LIMIT ?').all(tenantId, limit)
        : this.db.prepare('SELECT * FROM calls WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?').all(tenantId, afterId, limit);
    return (rows as Parameters<typeof rowToCall>[0][]).map(rowToCall);
  }

  /** Every call of the tenant, streamed in id order in pages of `pageSize`. */
  async *iterateCalls(tenantId: string, pageSize = 1000): AsyncGenerator<Call> {
    let after: string | null = null;
    for (;;) {
      const page = this.callsAfter(tenantId, after, pageSize);
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  countCalls(tenantId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM calls WHERE tenant_id = ?').get(tenantId) as { n: number }).n;
  }

  // ---- deletion ----

  getTombstone(tenantId: string, callId: string): Tombstone | null {
    const row = this.db.prepare('SELECT * FROM retention_tombstones WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
      | { tenant_id: string; call_id: string; deleted_at: string; rule_id: string | null; basis: 'policy' | 'admin'; actor: string; audio_sha256: string | null }
      | undefined;
    return row
      ? { tenantId: row.tenant_id, callId: row.call_id, deletedAt: row.deleted_at, ruleId: row.rule_id, basis: row.basis, actor: row.actor, audioSha256: row.audio_sha256 }
      : null;
  }

  /**
   * In one transaction: writes the tombstone, turns the call row into a tombstone row (status `deleted`, recording
   * metadata cleared except its SHA-256), forgets the call's thaw and runs `certify` (the deletion certificate in
   * the audit chain, on the same database). Idempotent: when the tombstone exists nothing is written and `certify`
   * does not run. Returns true when this call wrote it. `certify` must finish synchronously (see runInTransaction).
   */
  finalizeDeletion(tombstone: Tombstone, certify: () => Awaitable<unknown>): boolean {
    return this.db
      .transaction(() => {
        const inserted = this.db
          .prepare(
            `INSERT INTO retention_tombstones (tenant_id, call_id, deleted_at, rule_id, basis, actor, audio_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, call_id) DO NOTHING`,
          )
          .run(tombstone.tenantId, tombstone.callId, tombstone.deletedAt, tombstone.ruleId, tombstone.basis, tombstone.actor, tombstone.audioSha256);
        if (inserted.changes === 0) return false;
        this.db
          .prepare(
            `UPDATE calls SET status = 'deleted', rec_format = NULL, rec_bytes = NULL, rec_channels = NULL, rec_duration_s = NULL,
               rec_key_id = NULL WHERE tenant_id = ? AND id = ?`,
          )
          .run(tombstone.tenantId, tombstone.callId);
        this.db.prepare('DELETE FROM retention_thaws WHERE tenant_id = ? AND call_id = ?').run(tombstone.tenantId, tombstone.callId);
        runInTransaction(certify, 'finalizeDeletion');
        return true;
      })
      .immediate();
  }

  /**
   * Moves a call from one of `from` to `to` and runs `after` (its audit event) in one transaction. Idempotent:
   * when the call is not in one of `from` nothing is written, `after` does not run, and it returns false. `after`
   * must finish synchronously (see runInTransaction).
   */
  transitionStatus(tenantId: string, callId: string, from: readonly CallStatus[], to: CallStatus, after: () => Awaitable<unknown>): boolean {
    return this.db
      .transaction(() => {
        const changed = this.db
          .prepare(`UPDATE calls SET status = ? WHERE tenant_id = ? AND id = ? AND status IN (${from.map(() => '?').join(', ')})`)
          .run(to, tenantId, callId, ...from).changes;
        if (changed === 0) return false;
        runInTransaction(after, 'transitionStatus');
        return true;
      })
      .immediate();
  }

  // ---- sweeps ----

  openSweep(tenantId: string): SweepRecord | null {
    const row = this.db.prepare(`SELECT * FROM retention_sweeps WHERE tenant_id = ? AND status = 'running'`).get(tenantId) as SweepRow | undefined;
    return row ? rowToSweep(row) : null;
  }

  /** Starts a sweep; fails with CONFLICT when one is already running for the tenant or the id is taken. */
  startSweep(tenantId: string, id: string, decidedAt: string, startedAt: string): SweepRecord {
    try {
      this.db
        .prepare(`INSERT INTO retention_sweeps (tenant_id, id, status, decided_at, started_at) VALUES (?, ?, 'running', ?, ?)`)
        .run(tenantId, id, decidedAt, startedAt);
    } catch (cause) {
      if (isConstraint(cause, 'SQLITE_CONSTRAINT_UNIQUE')) {
        throw new CallsightError('CONFLICT', 'A retention sweep is already running for this tenant', { cause });
      }
      if (isConstraint(cause, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new CallsightError('CONFLICT', 'A retention sweep with this id already exists', { cause });
      throw cause;
    }
    return this.openSweep(tenantId)!;
  }

  checkpointSweep(tenantId: string, id: string, cursorId: string, processed: number, counts: Record<string, number>): void {
    this.db
      .prepare(`UPDATE retention_sweeps SET cursor_id = ?, processed = ?, counts_json = ? WHERE tenant_id = ? AND id = ? AND status = 'running'`)
      .run(cursorId, processed, JSON.stringify(counts), tenantId, id);
  }

  finishSweep(tenantId: string, id: string, finishedAt: string, processed: number, counts: Record<string, number>): void {
    this.db
      .prepare(`UPDATE retention_sweeps SET status = 'done', finished_at = ?, processed = ?, counts_json = ? WHERE tenant_id = ? AND id = ?`)
      .run(finishedAt, processed, JSON.stringify(counts), tenantId, id);
  }

  // ---- thaws (archived calls brought back for playback) ----

  recordThaw(tenantId: string, callId: string, thawedBy: string, thawedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO retention_thaws (tenant_id, call_id, thawed_at, thawed_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET thawed_at = excluded.thawed_at, thawed_by = excluded.thawed_by`,
      )
      .run(tenantId, callId, thawedAt, thawedBy);
  }

  /** Call id -> thawedAt of the tenant's calls brought back at or after `sinceIso`. */
  thawedSince(tenantId: string, sinceIso: string): Map<string, string> {
    const rows = this.db
      .prepare('SELECT call_id, thawed_at FROM retention_thaws WHERE tenant_id = ? AND thawed_at >= ?')
      .all(tenantId, sinceIso) as { call_id: string; thawed_at: string }[];
    return new Map(rows.map((r) => [r.call_id, r.thawed_at]));
  }
}
