import type { ExportDecision, ExportListOptions, ExportStore, NewExport, StoredExport } from '../../../core/access/export-store.port';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import type { PostgresDatabase } from './postgres-database';
import { rowToExport, type ExportRow } from '../rows';

/** audio_bytes is bigint, which pg returns as a string. */
/**
 * Export requests on PostgreSQL, with the SQLite store's behaviour (test/contracts/access-stores.contract.ts).
 * A decision is one conditional UPDATE on a still-pending export: when two approvers race, the second waits for
 * the first's row lock, re-checks the condition and changes nothing. The schema's CHECKs keep the two-person rule
 * even against other writers.
 */
export class PostgresExports implements ExportStore {
  constructor(private readonly db: PostgresDatabase) {}

  async create(input: NewExport): Promise<StoredExport> {
    try {
      const { rows } = await this.db.query<ExportRow>(
        `INSERT INTO exports (tenant_id, id, status, requested_by, reason, filter_json, call_ids_json, call_count, audio_bytes, created_at)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          input.tenantId, input.id, input.requestedBy, input.reason, input.filter === null ? null : JSON.stringify(input.filter),
          JSON.stringify(input.callIds), input.callIds.length, input.audioBytes, input.createdAt,
        ],
      );
      return rowToExport(rows[0]!);
    } catch (error) {
      if (isCallsightError(error) && error.code === 'CONFLICT') {
        throw new CallsightError('CONFLICT', `Export ${input.id} already exists; request it again under a new id.`, { cause: error.cause });
      }
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<StoredExport | null> {
    const { rows } = await this.db.query<ExportRow>('SELECT * FROM exports WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? rowToExport(rows[0]) : null;
  }

  async list(tenantId: string, options: ExportListOptions): Promise<StoredExport[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    if (options.before) {
      params.push(options.before.createdAt, options.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(options.limit);
    const { rows } = await this.db.query<ExportRow>(
      `SELECT * FROM exports WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(rowToExport);
  }

  async decide(tenantId: string, id: string, decision: ExportDecision): Promise<StoredExport | null> {
    const { rows } = await this.db.query<ExportRow>(
      `UPDATE exports SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4, expires_at = $5
       WHERE tenant_id = $6 AND id = $7 AND status = 'pending' AND requested_by <> $2
       RETURNING *`,
      [decision.status, decision.by, decision.at, decision.note, decision.expiresAt, tenantId, id],
    );
    return rows[0] ? rowToExport(rows[0]) : null;
  }

  async recordDownload(tenantId: string, id: string, at: string): Promise<void> {
    await this.db.query('UPDATE exports SET downloads = downloads + 1, last_download_at = $1 WHERE tenant_id = $2 AND id = $3', [at, tenantId, id]);
  }
}
