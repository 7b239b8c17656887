import type Database from 'better-sqlite3';
import type { PbxCdr, PbxKind } from './cdr.parsers';
import type { CdrSourceMark, DropFileRow, DropFileState, DropLedger } from './drop-ledger.port';

interface FileRecord {
  tenant_id: string;
  folder: string;
  name: string;
  pbx: PbxKind;
  provider_call_id: string;
  state: DropFileState;
  call_id: string | null;
  reason: string | null;
  cdr_missing: number | boolean;
  first_seen_at: string;
  updated_at: string;
}

function rowOf(r: FileRecord): DropFileRow {
  return {
    tenantId: r.tenant_id,
    folder: r.folder,
    name: r.name,
    pbx: r.pbx,
    providerCallId: r.provider_call_id,
    state: r.state,
    callId: r.call_id,
    reason: r.reason,
    cdrMissing: r.cdr_missing === 1 || r.cdr_missing === true,
    firstSeenAt: r.first_seen_at,
    updatedAt: r.updated_at,
  };
}

/** The drop ledger in the hub's SQLite file (tables of migration 120). */
export class SqliteDropLedger implements DropLedger {
  constructor(private readonly db: Database.Database) {}

  async getFile(tenantId: string, folder: string, name: string): Promise<DropFileRow | null> {
    const r = this.db.prepare('SELECT * FROM pbx_drop_files WHERE tenant_id = ? AND folder = ? AND name = ?').get(tenantId, folder, name) as FileRecord | undefined;
    return r ? rowOf(r) : null;
  }

  async noteFile(row: Pick<DropFileRow, 'tenantId' | 'folder' | 'name' | 'pbx' | 'providerCallId'>, at: string, initial: Parameters<DropLedger['noteFile']>[2] = { state: 'waiting' }): Promise<DropFileRow> {
    this.db
      .prepare(
        `INSERT INTO pbx_drop_files (tenant_id, folder, name, pbx, provider_call_id, state, cdr_missing, first_seen_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, folder, name) DO NOTHING`,
      )
      .run(row.tenantId, row.folder, row.name, row.pbx, row.providerCallId, initial.state, initial.cdrMissing ? 1 : 0, at, at);
    return (await this.getFile(row.tenantId, row.folder, row.name))!;
  }

  async setState(key: Pick<DropFileRow, 'tenantId' | 'folder' | 'name'>, state: DropFileState, at: string, details: Parameters<DropLedger['setState']>[3] = {}): Promise<void> {
    const result = this.db
      .prepare(
        `UPDATE pbx_drop_files SET state = ?, updated_at = ?,
           call_id = CASE WHEN ? THEN ? ELSE call_id END,
           reason = CASE WHEN ? THEN ? ELSE reason END,
           cdr_missing = CASE WHEN ? THEN ? ELSE cdr_missing END,
           provider_call_id = COALESCE(?, provider_call_id)
         WHERE tenant_id = ? AND folder = ? AND name = ?`,
      )
      .run(
        state, at,
        details.callId !== undefined ? 1 : 0, details.callId ?? null,
        details.reason !== undefined ? 1 : 0, details.reason ?? null,
        details.cdrMissing !== undefined ? 1 : 0, details.cdrMissing ? 1 : 0,
        details.providerCallId ?? null,
        key.tenantId, key.folder, key.name,
      );
    if (result.changes !== 1) throw new Error(`The drop ledger has no row for ${key.name}: noteFile must record a file before its state changes`);
  }

  async listFiles(tenantId: string, folder: string): Promise<readonly DropFileRow[]> {
    return (this.db.prepare('SELECT * FROM pbx_drop_files WHERE tenant_id = ? AND folder = ? ORDER BY name').all(tenantId, folder) as FileRecord[]).map(rowOf);
  }

  async saveCdrs(tenantId: string, source: string, cdrs: readonly PbxCdr[], mark: CdrSourceMark, at: string): Promise<void> {
    const upsertCdr = this.db.prepare(
      `INSERT INTO pbx_cdr_rows (tenant_id, pbx, unique_id, cdr_json, read_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, pbx, unique_id) DO UPDATE SET cdr_json = excluded.cdr_json, read_at = excluded.read_at`,
    );
    const upsertMark = this.db.prepare(
      `INSERT INTO pbx_cdr_sources (tenant_id, source, file_id, read_offset, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, source) DO UPDATE SET file_id = excluded.file_id, read_offset = excluded.read_offset, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const cdr of cdrs) upsertCdr.run(tenantId, cdr.pbx, cdr.uniqueId, JSON.stringify(cdr), at);
      upsertMark.run(tenantId, source, mark.fileId, mark.offset, at);
    })();
  }

  async findCdr(tenantId: string, pbx: PbxKind, uniqueId: string): Promise<PbxCdr | null> {
    const r = this.db.prepare('SELECT cdr_json FROM pbx_cdr_rows WHERE tenant_id = ? AND pbx = ? AND unique_id = ?').get(tenantId, pbx, uniqueId) as { cdr_json: string } | undefined;
    return r ? (JSON.parse(r.cdr_json) as PbxCdr) : null;
  }

  async sourceMark(tenantId: string, source: string): Promise<CdrSourceMark | null> {
    const r = this.db.prepare('SELECT file_id, read_offset FROM pbx_cdr_sources WHERE tenant_id = ? AND source = ?').get(tenantId, source) as { file_id: string; read_offset: number } | undefined;
    return r ? { fileId: r.file_id, offset: r.read_offset } : null;
  }
}

/**
 * What the PostgreSQL ledger needs of the hub's database: one statement, and a transaction that statements made
 * inside it join (adapters/storage/postgres PostgresDatabase has this shape).
 */
export interface PgQueryable {
  query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ readonly rows: R[]; readonly rowCount: number | null }>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** The drop ledger in the hub's PostgreSQL database (tables of migration 13). */
export class PostgresDropLedger implements DropLedger {
  constructor(private readonly db: PgQueryable) {}

  async getFile(tenantId: string, folder: string, name: string): Promise<DropFileRow | null> {
    const { rows } = await this.db.query<Record<string, unknown>>('SELECT * FROM pbx_drop_files WHERE tenant_id = $1 AND folder = $2 AND name = $3', [tenantId, folder, name]);
    return rows[0] ? rowOf(rows[0] as unknown as FileRecord) : null;
  }

  async noteFile(row: Pick<DropFileRow, 'tenantId' | 'folder' | 'name' | 'pbx' | 'providerCallId'>, at: string, initial: Parameters<DropLedger['noteFile']>[2] = { state: 'waiting' }): Promise<DropFileRow> {
    await this.db.query(
      `INSERT INTO pbx_drop_files (tenant_id, folder, name, pbx, provider_call_id, state, cdr_missing, first_seen_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (tenant_id, folder, name) DO NOTHING`,
      [row.tenantId, row.folder, row.name, row.pbx, row.providerCallId, initial.state, initial.cdrMissing ?? false, at],
    );
    return (await this.getFile(row.tenantId, row.folder, row.name))!;
  }

  async setState(key: Pick<DropFileRow, 'tenantId' | 'folder' | 'name'>, state: DropFileState, at: string, details: Parameters<DropLedger['setState']>[3] = {}): Promise<void> {
    const result = await this.db.query(
      `UPDATE pbx_drop_files SET state = $1, updated_at = $2,
         call_id = CASE WHEN $3 THEN $4 ELSE call_id END,
         reason = CASE WHEN $5 THEN $6 ELSE reason END,
         cdr_missing = CASE WHEN $7 THEN $8 ELSE cdr_missing END,
         provider_call_id = COALESCE($9, provider_call_id)
       WHERE tenant_id = $10 AND folder = $11 AND name = $12`,
      [
        state, at,
        details.callId !== undefined, details.callId ?? null,
        details.reason !== undefined, details.reason ?? null,
        details.cdrMissing !== undefined, details.cdrMissing ?? false,
        details.providerCallId ?? null,
        key.tenantId, key.folder, key.name,
      ],
    );
    if (result.rowCount !== 1) throw new Error(`The drop ledger has no row for ${key.name}: noteFile must record a file before its state changes`);
  }

  async listFiles(tenantId: string, folder: string): Promise<readonly DropFileRow[]> {
    const { rows } = await this.db.query<Record<string, unknown>>('SELECT * FROM pbx_drop_files WHERE tenant_id = $1 AND folder = $2 ORDER BY name', [tenantId, folder]);
    return rows.map((r) => rowOf(r as unknown as FileRecord));
  }

  async saveCdrs(tenantId: string, source: string, cdrs: readonly PbxCdr[], mark: CdrSourceMark, at: string): Promise<void> {
    await this.db.transaction(async () => {
      for (const cdr of cdrs) {
        await this.db.query(
          `INSERT INTO pbx_cdr_rows (tenant_id, pbx, unique_id, cdr_json, read_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, pbx, unique_id) DO UPDATE SET cdr_json = EXCLUDED.cdr_json, read_at = EXCLUDED.read_at`,
          [tenantId, cdr.pbx, cdr.uniqueId, JSON.stringify(cdr), at],
        );
      }
      await this.db.query(
        `INSERT INTO pbx_cdr_sources (tenant_id, source, file_id, read_offset, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, source) DO UPDATE SET file_id = EXCLUDED.file_id, read_offset = EXCLUDED.read_offset, updated_at = EXCLUDED.updated_at`,
        [tenantId, source, mark.fileId, mark.offset, at],
      );
    });
  }

  async findCdr(tenantId: string, pbx: PbxKind, uniqueId: string): Promise<PbxCdr | null> {
    const { rows } = await this.db.query<{ cdr_json: string }>('SELECT cdr_json FROM pbx_cdr_rows WHERE tenant_id = $1 AND pbx = $2 AND unique_id = $3', [tenantId, pbx, uniqueId]);
    return rows[0] ? (JSON.parse(rows[0].cdr_json) as PbxCdr) : null;
  }

  async sourceMark(tenantId: string, source: string): Promise<CdrSourceMark | null> {
    const { rows } = await this.db.query<{ file_id: string; read_offset: string | number }>('SELECT file_id, read_offset FROM pbx_cdr_sources WHERE tenant_id = $1 AND source = $2', [tenantId, source]);
    return rows[0] ? { fileId: rows[0].file_id, offset: Number(rows[0].read_offset) } : null;
  }
}
