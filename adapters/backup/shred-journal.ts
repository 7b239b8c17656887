import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** One deletion as journalled: written before the data key is destroyed, completed once the tombstone exists. */
export interface ShredEntry {
  readonly tenantId: string;
  readonly callId: string;
  /** The recording's data key id; null when the call had no recording left. */
  readonly keyId: string | null;
  readonly audioSha256: string | null;
  readonly ruleId: string | null;
  readonly basis: 'policy' | 'admin';
  /** Who decided: a user id, or `retention-sweep`. */
  readonly actor: string;
  /** The actor's role (admin deletions), null for the sweep. */
  readonly role: string | null;
  /** ISO-8601 UTC: when the deletion was decided; the tombstone's deletedAt. */
  readonly requestedAt: string;
  readonly completedAt: string | null;
}

interface EntryRow {
  tenant_id: string;
  call_id: string;
  key_id: string | null;
  audio_sha256: string | null;
  rule_id: string | null;
  basis: 'policy' | 'admin';
  actor: string;
  role: string | null;
  requested_at: string;
  completed_at: string | null;
}

const rowToEntry = (r: EntryRow): ShredEntry => ({
  tenantId: r.tenant_id,
  callId: r.call_id,
  keyId: r.key_id,
  audioSha256: r.audio_sha256,
  ruleId: r.rule_id,
  basis: r.basis,
  actor: r.actor,
  role: r.role,
  requestedAt: r.requested_at,
  completedAt: r.completed_at,
});

/**
 * The deletion journal (shred log): every call ever deleted, by tenant, call id and data key id. It lives beside
 * the key store, outside the metadata database, so restoring an older database cannot erase it; restore reads it
 * to delete again what was deleted after the backup and to never bring back a destroyed data key. Entries are
 * never removed. Durable on return (`synchronous = FULL`, rollback journal); holds no secrets and no personal data.
 */
export class ShredJournal {
  private readonly db: Database.Database;

  constructor(readonly file: string, options: { readonly readonly?: boolean } = {}) {
    if (!options.readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    if (options.readonly) return;
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS shredded (
      tenant_id TEXT NOT NULL, call_id TEXT NOT NULL, key_id TEXT, audio_sha256 TEXT, rule_id TEXT,
      basis TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, requested_at TEXT NOT NULL, completed_at TEXT,
      PRIMARY KEY (tenant_id, call_id)) WITHOUT ROWID`);
  }

  /** Journals a deletion; when the call is already journalled the first entry is kept and returned. */
  record(entry: Omit<ShredEntry, 'completedAt'>): ShredEntry {
    this.db
      .prepare(
        `INSERT INTO shredded (tenant_id, call_id, key_id, audio_sha256, rule_id, basis, actor, role, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, call_id) DO NOTHING`,
      )
      .run(entry.tenantId, entry.callId, entry.keyId, entry.audioSha256, entry.ruleId, entry.basis, entry.actor, entry.role, entry.requestedAt);
    return this.get(entry.tenantId, entry.callId)!;
  }

  get(tenantId: string, callId: string): ShredEntry | null {
    const row = this.db.prepare('SELECT * FROM shredded WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as EntryRow | undefined;
    return row ? rowToEntry(row) : null;
  }

  complete(tenantId: string, callId: string, completedAt: string): void {
    this.db.prepare('UPDATE shredded SET completed_at = ? WHERE tenant_id = ? AND call_id = ? AND completed_at IS NULL').run(completedAt, tenantId, callId);
  }

  /** Deletions started but not finished (a crash between destroying the key and writing the tombstone). */
  pending(tenantId?: string): ShredEntry[] {
    const rows = (
      tenantId === undefined
        ? this.db.prepare('SELECT * FROM shredded WHERE completed_at IS NULL ORDER BY requested_at, call_id').all()
        : this.db.prepare('SELECT * FROM shredded WHERE tenant_id = ? AND completed_at IS NULL ORDER BY requested_at, call_id').all(tenantId)
    ) as EntryRow[];
    return rows.map(rowToEntry);
  }

  /** Every journalled deletion, oldest first. */
  *entries(): IterableIterator<ShredEntry> {
    for (const row of this.db.prepare('SELECT * FROM shredded ORDER BY requested_at, tenant_id, call_id').iterate() as IterableIterator<EntryRow>) {
      yield rowToEntry(row);
    }
  }

  /** Adds the entries this journal lacks (e.g. from a backup's copy); returns how many were new. */
  merge(entries: Iterable<ShredEntry>): number {
    const insert = this.db.prepare(
      `INSERT INTO shredded (tenant_id, call_id, key_id, audio_sha256, rule_id, basis, actor, role, requested_at, completed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, call_id) DO NOTHING`,
    );
    return this.db.transaction((list: Iterable<ShredEntry>) => {
      let added = 0;
      for (const e of list) {
        added += insert.run(e.tenantId, e.callId, e.keyId, e.audioSha256, e.ruleId, e.basis, e.actor, e.role, e.requestedAt, e.completedAt).changes;
      }
      return added;
    })(entries);
  }

  /** A consistent copy of the journal at `file` (SQLite online backup). */
  async snapshotTo(file: string): Promise<void> {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    await this.db.backup(file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
