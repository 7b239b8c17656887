import type { ClaimRequest, OutboxMessage, OutboxStore } from '../../../core/crm/outbox.port';
import type { CrmLinkResult } from '../../../core/crm/crm-adapter.port';

/** A row as a SQL table would hold it: payload and result as JSON text. */
interface Row {
  id: string;
  tenantId: string;
  kind: string;
  payloadJson: string;
  status: OutboxMessage['status'];
  attempts: number;
  deferrals: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastErrorCode: string | null;
  resultJson: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewOutboxMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly now: Date;
}

/** Test-only OutboxStore; mirrors what the SQL implementation does, row by row. */
export class InMemoryOutboxStore implements OutboxStore {
  private readonly rows = new Map<string, Row>();

  async enqueue(message: NewOutboxMessage): Promise<void> {
    if (this.rows.has(message.id)) throw new Error(`outbox message ${message.id} already exists`);
    this.rows.set(message.id, {
      id: message.id,
      tenantId: message.tenantId,
      kind: message.kind,
      payloadJson: JSON.stringify(message.payload),
      status: 'pending',
      attempts: 0,
      deferrals: 0,
      nextAttemptAt: message.now,
      leaseUntil: null,
      lastErrorCode: null,
      resultJson: null,
      createdAt: message.now,
      updatedAt: message.now,
    });
  }

  async read(id: string): Promise<(OutboxMessage & { result: CrmLinkResult | null }) | null> {
    const row = this.rows.get(id);
    return row === undefined ? null : { ...toMessage(row), result: row.resultJson === null ? null : JSON.parse(row.resultJson) };
  }

  all(): Array<OutboxMessage & { result: CrmLinkResult | null }> {
    return [...this.rows.values()].map((row) => ({ ...toMessage(row), result: row.resultJson === null ? null : JSON.parse(row.resultJson) }));
  }

  async claimDue(request: ClaimRequest): Promise<OutboxMessage[]> {
    const now = request.now.getTime();
    const due = [...this.rows.values()]
      .filter(
        (row) =>
          row.status === 'pending' &&
          request.kinds.includes(row.kind) &&
          row.nextAttemptAt.getTime() <= now &&
          (row.leaseUntil === null || row.leaseUntil.getTime() <= now),
      )
      .sort(
        (a, b) =>
          a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
          a.createdAt.getTime() - b.createdAt.getTime() ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .slice(0, request.limit);
    for (const row of due) {
      row.leaseUntil = new Date(now + request.leaseMs);
      row.updatedAt = request.now;
    }
    return due.map(toMessage);
  }

  async markDone(id: string, outcome: { now: Date; result: CrmLinkResult }): Promise<void> {
    const row = this.mustGet(id);
    Object.assign(row, { status: 'done', leaseUntil: null, resultJson: JSON.stringify(outcome.result), updatedAt: outcome.now });
  }

  async markFailed(id: string, failure: { code: string; nextAttemptAt: Date; now: Date }): Promise<void> {
    const row = this.mustGet(id);
    Object.assign(row, {
      attempts: row.attempts + 1,
      nextAttemptAt: failure.nextAttemptAt,
      lastErrorCode: failure.code,
      leaseUntil: null,
      updatedAt: failure.now,
    });
  }

  async markDead(id: string, failure: { code: string; now: Date }): Promise<void> {
    const row = this.mustGet(id);
    Object.assign(row, { status: 'dead', attempts: row.attempts + 1, lastErrorCode: failure.code, leaseUntil: null, updatedAt: failure.now });
  }

  async defer(id: string, deferral: { code: string; nextAttemptAt: Date; now: Date }): Promise<void> {
    const row = this.mustGet(id);
    Object.assign(row, {
      deferrals: row.deferrals + 1,
      nextAttemptAt: deferral.nextAttemptAt,
      lastErrorCode: deferral.code,
      leaseUntil: null,
      updatedAt: deferral.now,
    });
  }

  async release(id: string, release: { nextAttemptAt: Date; now: Date }): Promise<void> {
    const row = this.mustGet(id);
    Object.assign(row, { nextAttemptAt: release.nextAttemptAt, leaseUntil: null, updatedAt: release.now });
  }

  private mustGet(id: string): Row {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`outbox message ${id} does not exist`);
    return row;
  }
}

function toMessage(row: Row): OutboxMessage {
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    payload: JSON.parse(row.payloadJson),
    status: row.status,
    attempts: row.attempts,
    deferrals: row.deferrals,
    nextAttemptAt: row.nextAttemptAt,
    leaseUntil: row.leaseUntil,
    lastErrorCode: row.lastErrorCode,
    createdAt: row.createdAt,
  };
}
