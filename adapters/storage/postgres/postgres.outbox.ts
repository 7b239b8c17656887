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
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import type { PostgresDatabase } from './postgres-database';
import { parsePayload, rowToOutboxMessage, rowToStoredOutboxMessage, type OutboxRow } from '../rows';

const COLUMNS =
  'id, tenant_id, kind, payload_json, status, attempts, deferrals, next_attempt_at, lease_until, last_error_code, result_json, created_at';

/**
 * OutboxStore on the `outbox` table that CallRepository.insertCall writes in the call's transaction; the same
 * behaviour as SqliteOutboxStore (test/unit/crm/outbox-store.contract.ts), safe with many hub processes on one
 * database. Instants are ISO-8601 UTC text compared in the "C" collation (migration 7), so text order is time
 * order as in SQLite.
 *
 * `claimDue` locks the rows it leases with FOR UPDATE SKIP LOCKED in the statement that leases them, so two
 * concurrent claims never return the same message (a row leased meanwhile is re-checked and dropped).
 * `markDone` copies the delivered links onto the call in the same transaction, holding the call's row lock
 * so that two deliveries for one call (say Zendesk and Salesforce) both keep their links.
 */
export class PostgresOutboxStore implements OutboxStore, OutboxAdmin {
  constructor(private readonly db: PostgresDatabase) {}

  async enqueue(message: EnqueueOutboxMessage): Promise<void> {
    const now = message.now.toISOString();
    try {
      await this.db.query(
        'INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)',
        [message.id, message.tenantId, message.kind, JSON.stringify(message.payload), now],
      );
    } catch (error) {
      if (isCallsightError(error) && error.code === 'CONFLICT') {
        throw new CallsightError('CONFLICT', 'An outbox message with this id already exists', { cause: error });
      }
      throw error;
    }
  }

  async read(id: string): Promise<StoredOutboxMessage | null> {
    const { rows } = await this.db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : rowToStoredOutboxMessage(rows[0]);
  }

  async list(tenantId: string, kind?: string): Promise<StoredOutboxMessage[]> {
    const { rows } =
      kind === undefined
        ? await this.db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId])
        : await this.db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE tenant_id = $1 AND kind = $2 ORDER BY created_at, id`, [tenantId, kind]);
    return rows.map(rowToStoredOutboxMessage);
  }

  async counts(kind?: string): Promise<OutboxCounts> {
    const { rows } =
      kind === undefined
        ? await this.db.query<{ status: OutboxStatus; n: number }>('SELECT status, COUNT(*)::int AS n FROM outbox GROUP BY status')
        : await this.db.query<{ status: OutboxStatus; n: number }>('SELECT status, COUNT(*)::int AS n FROM outbox WHERE kind = $1 GROUP BY status', [kind]);
    const counts = { pending: 0, done: 0, dead: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async nextDueAt(kinds: readonly string[]): Promise<Date | null> {
    if (kinds.length === 0) return null;
    const { rows } = await this.db.query<{ due: string | null }>(
      `SELECT MIN(next_attempt_at) AS due FROM outbox WHERE status = 'pending' AND kind = ANY($1::text[])`,
      [[...kinds]],
    );
    const due = rows[0]?.due ?? null;
    return due === null ? null : new Date(due);
  }

  async requeue(id: string, now: Date): Promise<void> {
    const at = now.toISOString();
    const { rowCount } = await this.db.query(
      `UPDATE outbox SET status = 'pending', attempts = 0, deferrals = 0, next_attempt_at = $1, lease_until = NULL, updated_at = $1
       WHERE id = $2 AND status = 'dead'`,
      [at, id],
    );
    if (rowCount === 0) throw new CallsightError('NOT_FOUND', 'No dead outbox message with this id');
  }

  async claimDue(request: ClaimRequest): Promise<OutboxMessage[]> {
    if (request.kinds.length === 0 || request.limit < 1) return [];
    const now = request.now.toISOString();
    const leaseUntil = new Date(request.now.getTime() + request.leaseMs).toISOString();
    const { rows } = await this.db.query<OutboxRow>(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE status = 'pending' AND kind = ANY($1::text[])
           AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
         ORDER BY next_attempt_at, created_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE outbox o SET lease_until = $4, updated_at = $2 FROM due WHERE o.id = due.id
         RETURNING o.*)
       SELECT ${COLUMNS} FROM claimed ORDER BY next_attempt_at, created_at, id`,
      [[...request.kinds], now, request.limit, leaseUntil],
    );
    return rows.map(rowToOutboxMessage);
  }

  async markDone(id: string, outcome: { readonly now: Date; readonly result: CrmLinkResult }): Promise<void> {
    const found = await this.db.transaction(async () => {
      const { rows } = await this.db.query<{ tenant_id: string; payload_json: string }>(
        `UPDATE outbox SET status = 'done', lease_until = NULL, result_json = $1, updated_at = $2 WHERE id = $3
         RETURNING tenant_id, payload_json`,
        [JSON.stringify(outcome.result), outcome.now.toISOString(), id],
      );
      const row = rows[0];
      if (row === undefined) return false;
      const callId = hubCallIdOf(parsePayload(row.payload_json));
      if (callId === null) return true;
      const call = await this.db.query<{ crm_links_json: string }>('SELECT crm_links_json FROM calls WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
        row.tenant_id,
        callId,
      ]);
      const current = call.rows[0];
      if (current === undefined) return true;
      const links = linksAfterDelivery(JSON.parse(current.crm_links_json) as CrmLink[], outcome.result);
      await this.db.query('UPDATE calls SET crm_links_json = $1 WHERE tenant_id = $2 AND id = $3', [JSON.stringify(links), row.tenant_id, callId]);
      return true;
    });
    // Thrown outside the transaction, which would turn any error that is not a CallsightError into INTERNAL.
    if (!found) throw missing(id);
  }

  async markFailed(id: string, failure: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    await this.update(
      id,
      'attempts = attempts + 1, next_attempt_at = $1, last_error_code = $2, lease_until = NULL, updated_at = $3',
      failure.nextAttemptAt.toISOString(),
      failure.code,
      failure.now.toISOString(),
    );
  }

  async markDead(id: string, failure: { readonly code: string; readonly now: Date }): Promise<void> {
    await this.update(
      id,
      `status = 'dead', attempts = attempts + 1, last_error_code = $1, lease_until = NULL, updated_at = $2`,
      failure.code,
      failure.now.toISOString(),
    );
  }

  async defer(id: string, deferral: { readonly code: string; readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    await this.update(
      id,
      'deferrals = deferrals + 1, next_attempt_at = $1, last_error_code = $2, lease_until = NULL, updated_at = $3',
      deferral.nextAttemptAt.toISOString(),
      deferral.code,
      deferral.now.toISOString(),
    );
  }

  async release(id: string, release: { readonly nextAttemptAt: Date; readonly now: Date }): Promise<void> {
    await this.update(id, 'next_attempt_at = $1, lease_until = NULL, updated_at = $2', release.nextAttemptAt.toISOString(), release.now.toISOString());
  }

  /** One UPDATE of the message; `assignments` use $1..$n for `values`, the id comes last. */
  private async update(id: string, assignments: string, ...values: unknown[]): Promise<void> {
    const { rowCount } = await this.db.query(`UPDATE outbox SET ${assignments} WHERE id = $${values.length + 1}`, [...values, id]);
    if (rowCount === 0) throw missing(id);
  }
}

function missing(id: string): Error {
  return new Error(`outbox message ${id} does not exist; only ids returned by claimDue may be updated`);
}

