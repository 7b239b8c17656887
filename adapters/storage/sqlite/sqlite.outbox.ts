import type Database from 'better-sqlite3';
import type { CrmLinkResult } from '../../../core/crm/crm-adapter.port';
import {
  hubCallIdOf,
  linksAfterDelivery,
  type ClaimRequest,
  type EnqueueOutboxMessage,
  type OutboxAdmin,
  type OutboxCounts,
  type OutboxMessage,
  type OutboxStatus,
  type OutboxStore,
  type StoredOutboxMessage,
} from '../../../core/crm/outbox.port';
import type { CrmLink } from '../../../core/recordings/call';
import { CallsightError } from '../../../core/shared/errors';
import { parsePayload, rowToOutboxMessage, rowToStoredOutboxMessage, type OutboxRow } from '../rows';

export type { OutboxCounts, StoredOutboxMessage } from '../../../core/crm/outbox.port';

const COLUMNS =
  'id, tenant_id, kind, payload_json, status, attempts, deferrals, next_attempt_at, lease_until, last_error_code, result_json, created_at';

/**
 * OutboxStore on the `outbox` table that CallRepository.insertCall writes in the call's transaction.
 * Instants are ISO-8601 UTC text (`Date.toISOString`), so text order is time order. Every method is one
 * statement or one immediate transaction, so it is atomic and two processes sharing the file cannot claim
 * the same message while its lease holds.
 *
 * `markDone` also copies the delivered links onto the call (`calls.crm_links_json`) in the same
 * transaction, replacing that CRM's earlier links and keeping other CRMs' links, so that a call never shows
 * a sync the outbox does not record, nor the reverse.
 */
export class SqliteOutboxStore implements OutboxStore, OutboxAdmin {
  constructor(private readonly db: Database.Database) {}

  /** Adds a message outside a call's transaction (re-records, tests); `next_attempt_at` = `now`. */
  async enqueue(message: EnqueueOutboxMessage): Promise<void> {
    const now = message.now.toISOString();
    try {
      this.db
        .prepare(`INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(message.id, message.tenantId, message.kind, JSON.stringify(message.payload), now, now, now);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new CallsightError('CONFLICT', 'An outbox message with this id already exists', { cause: error });
      }
      throw error;
    }
  }

  async read(id: string): Promise<StoredOutboxMessage | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
    return row === undefined ? null : rowToStoredOutboxMessage(row);
  }

  /** Messages of one tenant (optionally of one kind), oldest first. */
  async list(tenantId: string, kind?: string): Promise<StoredOutboxMessage[]> {
    const rows = (
      kind === undefined
        ? this.db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE tenant_id = ? ORDER BY created_at, id`).all(tenantId)
        : this.db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE tenant_id = ? AND kind = ? ORDER BY created_at, id`).all(tenantId, kind)
    ) as OutboxRow[];
    return rows.map(rowToStoredOutboxMessage);
  }

  /** How many messages are pending, done and dead (of `kind` when given). */
  counts(kind?: string): OutboxCounts {
    const rows = (
      kind === undefined
        ? this.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all()
        : this.db.prepare('SELECT status, COUNT(*) AS n FROM outbox WHERE kind = ? GROUP BY status').all(kind)
    ) as { status: OutboxStatus; n: number }[];
    const counts = { pending: 0, done: 0, dead: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** The earliest `next_attempt_at` of a pending message of these kinds, or null when none is pending. */
  nextDueAt(kinds: readonly string[]): Date | null {
    if (kinds.length === 0) return null;
    const row = this.db
      .prepare(`SELECT MIN(next_attempt_at) AS due FROM outbox WHERE status = 'pending' AND kind IN (${kinds.map(() => '?').join(', ')})`)
      .get(...kinds) as { due: string | null };
    return row.due === null ? null : new Date(row.due);
  }

  /** Puts a dead message back in line with fresh counters (after an operator fixed its cause). */
  async requeue(id: string, now: Date): Promise<void> {
    const at = now.toISOString();
    const result = this.db
      .prepare(
        `UPDATE outbox SET status = 'pending', attempts = 0, deferrals = 0, next_attempt_at = ?, lease_until = NULL, updated_at = ?
         WHERE id = ? AND status = 'dead'`,
      )
      .run(at, at, id);
    if (result.changes === 0) throw new CallsightError('NOT_FOUND', 'No dead outbox message with this id');
  }

  async claimDue(request: ClaimRequest): Promise<OutboxMessage[]> {
    if (request.kinds.length === 0 || request.limit < 1) return [];
    const now = request.now.toISOString();
    const leaseUntil = new Date(request.now.getTime() + request.leaseMs).toISOString();
    const claim = this.db.transaction((): OutboxRow[] => {
      const rows = this.db
        .prepare(
          `UPDATE outbox SET lease_until = ?, updated_at = ?
           WHERE id IN (
             SELECT id FROM outbox
             WHERE status = 'pending' AND kind IN (${request.kinds.map(() => '?').join(', ')})
               AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
             ORDER BY next_attempt_at, created_at, id
             LIMIT ?)
           RETURNING ${COLUMNS}`,
        )
        .all(leaseUntil, now, ...request.kinds, now, now, request.limit) as OutboxRow[];
      // RETURNING gives rows in no defined order.
      return rows.sort(
        (a, b) => compare(a.next_attempt_at, b.next_attempt_at) || compare(a.created_at, b.created_at) || compare(a.id, b.id),
      );
    });
    return claim.immediate().map(rowToOutboxMessage);
  }

  async markDone(id: string, outcome: { readonly now: Date; readonly result: CrmLinkResult }): Promise<void> {
    const now = outcome.now.toISOString();
    const done = this.db.transaction(() => {
      const row = this.db
        .prepare(
          `UPDATE outbox SET status = 'done', lease_until = NULL, result_json = ?, updated_at = ? WHERE id = ?
           RETURNING tenant_id, payload_json`,
        )
        .get(JSON.stringify(outcome.result), now, id) as { tenant_id: string; payload_json: string } | undefined;
      if (row === undefined) throw missing(id);
      const callId = hubCallIdOf(parsePayload(row.payload_json));
      if (callId === null) return;
      const call = this.db.prepare('SELECT crm_links_json FROM calls WHERE tenant_id = ? AND id = ?').get(row.tenant_id, callId) as
        | { crm_links_json: string }
        | undefined;
      if (call === undefined) return;
      const links = linksAfterDelivery(JSON.parse(call.crm_links_json) as CrmLink[], outcome.result);
      this.db.prepare('UPDATE calls SET crm_links_json = ? WHERE tenant_id = ? AND id = ?').run(JSON.stringify(links), row.tenant_id, callId);
    });
    done.immediate();
  }

  async markFailed(id: string, failure: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    this.update(
      id,
      `attempts = attempts + 1, next_attempt_at = ?, last_error_code = ?, lease_until = NULL, updated_at = ?`,
      failure.nextAttemptAt.toISOString(),
      failure.code,
      failure.now.toISOString(),
    );
  }

  async markDead(id: string, failure: { readonly code: string; readonly now: Date }): Promise<void> {
    this.update(
      id,
      `status = 'dead', attempts = attempts + 1, last_error_code = ?, lease_until = NULL, updated_at = ?`,
      failure.code,
      failure.now.toISOString(),
    );
  }

  async defer(id: string, deferral: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    this.update(
      id,
      `deferrals = deferrals + 1, next_attempt_at = ?, last_error_code = ?, lease_until = NULL, updated_at = ?`,
      deferral.nextAttemptAt.toISOString(),
      deferral.code,
      deferral.now.toISOString(),
    );
  }

  async release(id: string, release: { readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    this.update(id, `next_attempt_at = ?, lease_until = NULL, updated_at = ?`, release.nextAttemptAt.toISOString(), release.now.toISOString());
  }

  private update(id: string, assignments: string, ...values: unknown[]): void {
    const result = this.db.prepare(`UPDATE outbox SET ${assignments} WHERE id = ?`).run(...values, id);
    if (result.changes === 0) throw missing(id);
  }
}

function missing(id: string): Error {
  return new Error(`outbox message ${id} does not exist; only ids returned by claimDue may be updated`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

