import type { SealedSecretRecord, SealedSecretStore } from '../../../core/recordings/key-vault.port';
import { CallsightError } from '../../../core/shared/errors';

/**
 * The two statements the sealed-secret catalogue needs from a database; `?` placeholders, rewritten to `$n` for
 * PostgreSQL by `postgresRunner`.
 */
export interface SqlRunner {
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** Whether the metadata database has this table (a capability that never ran has not created its tables). */
  hasTable(table: string): Promise<boolean>;
}

/**
 * Where the hub's metadata database keeps secrets sealed with `keys.sealSecret`, and the purpose each was sealed
 * for. It mirrors the sealers: `bin/commands/tenant.command.ts` (provider accounts, purpose = provider),
 * `bin/wiring/zendesk.wiring.ts` (CRM connections, `zendesk-api-token`) and `bin/wiring/analysis.wiring.ts`
 * (`asr-api-key`). A new place that stores a sealed secret must be added here, or a key rotation cannot re-seal it.
 */
const CRM_PURPOSES: Readonly<Record<string, string>> = { zendesk: 'zendesk-api-token', salesforce: 'salesforce-api-token' };

/** The tenant's sealed secrets in the metadata database (SQLite or PostgreSQL), for re-sealing by a key rotation. */
export class SqlSealedSecrets implements SealedSecretStore {
  constructor(private readonly sql: SqlRunner) {}

  async listSealed(tenantId: string): Promise<readonly SealedSecretRecord[]> {
    const out: SealedSecretRecord[] = [];
    if (await this.sql.hasTable('provider_accounts')) {
      for (const r of await this.sql.all('SELECT provider, account_id, sealed_secret FROM provider_accounts WHERE tenant_id = ? ORDER BY provider, account_id', [tenantId])) {
        out.push({ ref: `provider_accounts/${String(r.provider)}/${String(r.account_id)}`, purpose: String(r.provider), sealed: bytes(r.sealed_secret) });
      }
    }
    if (await this.sql.hasTable('crm_connections')) {
      for (const r of await this.sql.all('SELECT crm, sealed_secret FROM crm_connections WHERE tenant_id = ? ORDER BY crm', [tenantId])) {
        const crm = String(r.crm);
        out.push({ ref: `crm_connections/${crm}`, purpose: CRM_PURPOSES[crm] ?? `${crm}-api-token`, sealed: bytes(r.sealed_secret) });
      }
    }
    if (await this.sql.hasTable('analysis_settings')) {
      for (const r of await this.sql.all('SELECT sealed_api_key FROM analysis_settings WHERE tenant_id = ? AND sealed_api_key IS NOT NULL', [tenantId])) {
        out.push({ ref: 'analysis_settings/asr-api-key', purpose: 'asr-api-key', sealed: bytes(r.sealed_api_key) });
      }
    }
    return out;
  }

  async replaceSealed(tenantId: string, ref: string, previous: Uint8Array, resealed: Uint8Array): Promise<boolean> {
    const [table, a, b] = ref.split('/');
    const prev = Buffer.from(previous);
    const next = Buffer.from(resealed);
    switch (table) {
      case 'provider_accounts':
        return (await this.sql.run(
          'UPDATE provider_accounts SET sealed_secret = ? WHERE provider = ? AND account_id = ? AND tenant_id = ? AND sealed_secret = ?',
          [next, a, b, tenantId, prev],
        )) === 1;
      case 'crm_connections':
        return (await this.sql.run('UPDATE crm_connections SET sealed_secret = ? WHERE tenant_id = ? AND crm = ? AND sealed_secret = ?', [next, tenantId, a, prev])) === 1;
      case 'analysis_settings':
        return (await this.sql.run('UPDATE analysis_settings SET sealed_api_key = ? WHERE tenant_id = ? AND sealed_api_key = ?', [next, tenantId, prev])) === 1;
      default:
        throw new CallsightError('VALIDATION_FAILED', `Unknown sealed-secret reference "${ref}"`);
    }
  }
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new CallsightError('INTERNAL', 'A sealed secret column holds no bytes');
}

/** Minimal shape of a better-sqlite3 connection. */
interface SqliteLike {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; run(...params: unknown[]): { changes: number } };
}

/** A runner over the hub's SQLite metadata database (`hub.storage.sqlite`). */
export function sqliteRunner(db: SqliteLike): SqlRunner {
  return {
    all: async (sql, params) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    run: async (sql, params) => db.prepare(sql).run(...params).changes,
    hasTable: async (table) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").all(table).length > 0,
  };
}

/** Minimal shape of a pg pool or client. */
interface PgLike {
  query(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** A runner over the hub's PostgreSQL metadata database (a `pg.Pool` on DATABASE_URL). */
export function postgresRunner(pg: PgLike): SqlRunner {
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async (sql, params) => (await pg.query(numbered(sql), [...params])).rows,
    run: async (sql, params) => (await pg.query(numbered(sql), [...params])).rowCount ?? 0,
    hasTable: async (table) => (await pg.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])).rows[0]?.present === true,
  };
}
