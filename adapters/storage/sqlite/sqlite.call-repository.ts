import type Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import type { Agent, Call, CallStatus, CrmLink, CrmName, Tenant } from '../../../core/recordings/call';
import { mergeCrmTags, type OutboxEffects } from '../../../core/recordings/call-repository.port';
import type {
  CallFilter,
  CallRepository,
  CallScope,
  CallSearch,
  CallSearchHit,
  InsertCallOutcome,
  NewJob,
  NewOutboxMessage,
  Page,
  PageRequest,
  RecordedCall,
} from '../../../core/recordings/call-repository.port';
import type { Transcript } from '../../../core/analysis/transcript.types';
import type { Tokenizer } from '../../../core/search/tokenizer.port';
import { parseSearchQuery } from '../../../core/search/search-query';
import { findSegmentHits } from '../../../core/search/highlight';
import { BM25_SQL, ftsQueryOf, metaToken, SqliteSearchIndex, timeKeyOf } from './sqlite.search';
import { rowToAgent, rowToCall, type AgentRow, type CallRow } from '../rows';
import { prepared } from './sqlite-statements';

/** Opaque keyset cursor over (started_at DESC, id DESC). */
export function encodeCursor(startedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([startedAt, id]), 'utf8').toString('base64url');
}

/** Opaque keyset cursor of a keyword search: ['k', docId] (time), ['c', startedAt, id] (time, driven by calls) or ['r', score, docId] (relevance). */
function encodeSearchCursor(value: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeSearchCursor(cursor: string, sort: 'time' | 'relevance' | 'calls'): { score: number; docId: number; startedAt?: string; id?: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value)) {
      if (sort === 'calls' && value.length === 3 && value[0] === 'c' && typeof value[1] === 'string' && typeof value[2] === 'string') {
        return { score: 0, docId: 0, startedAt: value[1], id: value[2] };
      }
      if (sort === 'time' && value.length === 2 && value[0] === 'k' && Number.isSafeInteger(value[1])) return { score: 0, docId: value[1] as number };
      if (sort === 'relevance' && value.length === 3 && value[0] === 'r' && Number.isFinite(value[1]) && Number.isSafeInteger(value[2])) {
        return { score: value[1] as number, docId: value[2] as number };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new CallsightError('VALIDATION_FAILED', 'cursor: not a cursor returned by this search');
}

/** WHERE parts of a CallFilter on calls aliased `alias` (tag and flag as EXISTS, so any driving table works). */
function filterSql(filter: CallFilter, alias: string, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.from !== undefined) add(`${alias}.started_at >= ?`, filter.from);
  if (filter.to !== undefined) add(`${alias}.started_at < ?`, filter.to);
  if (filter.agentId !== undefined) add(`${alias}.agent_id = ?`, filter.agentId);
  if (filter.customerPhone !== undefined) add(`${alias}.customer_phone = ?`, filter.customerPhone);
  if (filter.direction !== undefined) add(`${alias}.direction = ?`, filter.direction);
  if (filter.channel !== undefined) add(`${alias}.channel = ?`, filter.channel);
  if (filter.inquiryType !== undefined) add(`${alias}.inquiry_type = ?`, filter.inquiryType);
  if (filter.status !== undefined) add(`${alias}.status = ?`, filter.status);
  if (filter.tag !== undefined) {
    add(`EXISTS (SELECT 1 FROM call_tags tg WHERE tg.tenant_id = ${alias}.tenant_id AND tg.tag = ? AND tg.started_at = ${alias}.started_at AND tg.call_id = ${alias}.id)`, filter.tag);
  }
  if (filter.flag !== undefined) {
    add(`EXISTS (SELECT 1 FROM call_flags fl WHERE fl.tenant_id = ${alias}.tenant_id AND fl.flag = ? AND fl.started_at = ${alias}.started_at AND fl.call_id = ${alias}.id)`, filter.flag);
  }
  if (filter.scoreMin !== undefined || filter.scoreMax !== undefined) {
    const bounds: string[] = [];
    if (filter.scoreMin !== undefined) {
      bounds.push('sc.score >= ?');
      params.push(filter.scoreMin);
    }
    if (filter.scoreMax !== undefined) {
      bounds.push('sc.score <= ?');
      params.push(filter.scoreMax);
    }
    where.push(`EXISTS (SELECT 1 FROM call_scores sc WHERE sc.tenant_id = ${alias}.tenant_id AND sc.call_id = ${alias}.id AND ${bounds.join(' AND ')})`);
  }
  return where;
}

/** Margin around from/to when they bound doc ids: the exact bound is the started_at predicate beside it. */
const TIME_KEY_MARGIN = 86_400_000 * 1024;

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new CallsightError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API');
}

/** Appends the scope as SQL so that unreachable calls never enter counting or paging. */
export function scopeSql(scope: CallScope, alias: string, params: unknown[]): string {
  if (scope.kind === 'all') return '1 = 1';
  if (scope.kind === 'none') return '1 = 0';
  const parts: string[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    parts.push(`${alias}.${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('agent_id', scope.agentIds);
  inList('team', scope.teams);
  inList('queue', scope.queues);
  if (scope.reviewerId) {
    parts.push(
      `EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.tenant_id = ${alias}.tenant_id AND ra.call_id = ${alias}.id AND ra.reviewer_id = ?)`,
    );
    params.push(scope.reviewerId);
  }
  return parts.length === 0 ? '1 = 0' : `(${parts.join(' OR ')})`;
}

/**
 * Writes outbox messages (due at `effects.at`) on `db`; call it inside the transaction of the change they follow, so
 * both are stored or neither (the stores' transactional outbox argument).
 */
export function writeSqliteOutbox(db: Database.Database, effects: OutboxEffects): void {
  if (effects.outbox.length === 0) return;
  const insert = db.prepare('INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const m of effects.outbox) insert.run(m.id, m.tenantId, m.kind, JSON.stringify(m.payload), effects.at, effects.at, effects.at);
}

/**
 * Each tenant's agents as last read on one connection, valid while `PRAGMA data_version` (which changes when
 * another connection commits) is unchanged and no repository on this connection wrote an agent (upsertAgent drops
 * the tenant's entry). Nearly every API read names agents, and reading the whole table each time was a fifth of
 * the hub's CPU under load (docs/performance.md). One per connection, so every repository on it sees its writes.
 */
interface AgentsCache {
  dataVersion: number | null;
  readonly tenants: Map<string, readonly Agent[]>;
}
const agentsCaches = new WeakMap<Database.Database, AgentsCache>();
function agentsCacheOf(db: Database.Database): AgentsCache {
  let cache = agentsCaches.get(db);
  if (!cache) agentsCaches.set(db, (cache = { dataVersion: null, tenants: new Map() }));
  return cache;
}

/** CallRepository on SQLite (better-sqlite3): synchronous statements behind the async port. */
export class SqliteCallRepository implements CallRepository {
  private tokenizer: Tokenizer | undefined;
  private readonly searchIndex: SqliteSearchIndex;
  private readonly agentsCache: AgentsCache;
  private readonly dataVersionStmt: Database.Statement;
  private readonly listAgentsStmt: Database.Statement;

  /** `tokenizer` is needed for keyword search and indexing; it may also be given later with useTokenizer. */
  constructor(
    private readonly db: Database.Database,
    options: { tokenizer?: Tokenizer } = {},
  ) {
    this.tokenizer = options.tokenizer;
    this.searchIndex = new SqliteSearchIndex(db, () => this.requireTokenizer());
    this.agentsCache = agentsCacheOf(db);
    this.dataVersionStmt = db.prepare('PRAGMA data_version').pluck();
    this.listAgentsStmt = db.prepare('SELECT * FROM agents WHERE tenant_id = ? ORDER BY id');
  }

  /** Sets the tokenizer of keyword search (bin/wiring/search.wiring.ts passes the jieba one). */
  useTokenizer(tokenizer: Tokenizer): void {
    this.tokenizer = tokenizer;
  }

  private requireTokenizer(): Tokenizer {
    if (!this.tokenizer) {
      throw new Error('Keyword search needs a Tokenizer: construct SqliteCallRepository with { tokenizer } or call useTokenizer().');
    }
    return this.tokenizer;
  }

  async upsertTenant(tenant: Tenant): Promise<void> {
    prepared(
      this.db,
        `INSERT INTO tenants (id, name, default_region, industry, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, default_region = excluded.default_region, industry = excluded.industry`,
      )
      .run(tenant.id, tenant.name, tenant.defaultRegion, tenant.industry, tenant.createdAt);
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const row = prepared(this.db, 'SELECT * FROM tenants WHERE id = ?').get(tenantId) as
      | { id: string; name: string; default_region: string; industry: Tenant['industry']; created_at: string }
      | undefined;
    return row
      ? { id: row.id, name: row.name, defaultRegion: row.default_region, industry: row.industry, createdAt: row.created_at }
      : null;
  }

  async listTenants(): Promise<readonly Tenant[]> {
    const rows = prepared(this.db, 'SELECT id FROM tenants ORDER BY id').all() as { id: string }[];
    const tenants: Tenant[] = [];
    for (const row of rows) {
      const tenant = await this.getTenant(row.id);
      if (tenant) tenants.push(tenant);
    }
    return tenants;
  }

  async upsertAgent(agent: Agent): Promise<void> {
    prepared(
      this.db,
        `INSERT INTO agents (tenant_id, id, name, team, seniority, hired_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, team = excluded.team,
           seniority = excluded.seniority, hired_at = excluded.hired_at`,
      )
      .run(agent.tenantId, agent.id, agent.name, agent.team, agent.seniority, agent.hiredAt);
    this.agentsCache.tenants.delete(agent.tenantId);
  }

  async listAgents(tenantId: string): Promise<readonly Agent[]> {
    const cache = this.agentsCache;
    const version = this.dataVersionStmt.get() as number;
    if (version !== cache.dataVersion) {
      cache.tenants.clear();
      cache.dataVersion = version;
    }
    const cached = cache.tenants.get(tenantId);
    if (cached) return cached;
    const agents = Object.freeze((this.listAgentsStmt.all(tenantId) as AgentRow[]).map(rowToAgent));
    // What a transaction reads may still be rolled back: only committed state is kept.
    if (!this.db.inTransaction) cache.tenants.set(tenantId, agents);
    return agents;
  }

  async getAgent(tenantId: string, agentId: string): Promise<Agent | null> {
    const row = prepared(this.db, 'SELECT * FROM agents WHERE tenant_id = ? AND id = ?').get(tenantId, agentId) as AgentRow | undefined;
    return row ? rowToAgent(row) : null;
  }

  async findByProviderCallId(tenantId: string, provider: string, providerCallId: string): Promise<Call | null> {
    const row = prepared(this.db, 'SELECT * FROM calls WHERE tenant_id = ? AND provider = ? AND provider_call_id = ?')
      .get(tenantId, provider, providerCallId) as CallRow | undefined;
    return row ? rowToCall(row) : null;
  }

  async insertCall(
    call: Call,
    effects?: { outbox?: readonly NewOutboxMessage[]; jobs?: readonly NewJob[] },
  ): Promise<InsertCallOutcome> {
    const insert = this.db.transaction((): InsertCallOutcome => {
      const rec = call.recording;
      const result = prepared(
      this.db,
          `INSERT INTO calls (tenant_id, id, provider, provider_call_id, channel, direction, started_at, ended_at, duration_s,
             agent_id, team, queue, customer_phone, inquiry_type, tags_json, csat, crm_links_json, status,
             rec_format, rec_bytes, rec_sha256, rec_channels, rec_duration_s, rec_key_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, (SELECT team FROM agents WHERE tenant_id = ? AND id = ?)),
             ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, provider, provider_call_id) DO NOTHING`,
        )
        .run(
          call.tenantId, call.id, call.provider, call.providerCallId, call.channel, call.direction, call.startedAt,
          call.endedAt, call.durationS, call.agentId, call.team ?? null, call.tenantId, call.agentId, call.queue,
          call.customerPhone, call.inquiryType, JSON.stringify(call.tags), call.csat, JSON.stringify(call.crmLinks),
          call.status, rec?.format ?? null, rec?.bytes ?? null, rec?.sha256 ?? null, rec?.channels ?? null,
          rec?.durationS ?? null, rec?.keyId ?? null, call.createdAt,
        );
      if (result.changes === 0) {
        const existing = prepared(this.db, 'SELECT * FROM calls WHERE tenant_id = ? AND provider = ? AND provider_call_id = ?')
          .get(call.tenantId, call.provider, call.providerCallId) as CallRow;
        return { inserted: false, call: rowToCall(existing) };
      }
      const tagStmt = prepared(this.db, 'INSERT OR IGNORE INTO call_tags (tenant_id, call_id, tag, started_at) VALUES (?, ?, ?, ?)');
      for (const tag of call.tags) tagStmt.run(call.tenantId, call.id, tag, call.startedAt);
      const now = call.createdAt;
      const outboxStmt = prepared(
      this.db,
        `INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const m of effects?.outbox ?? []) outboxStmt.run(m.id, m.tenantId, m.kind, JSON.stringify(m.payload), now, now, now);
      const jobStmt = prepared(
      this.db,
        `INSERT INTO jobs (id, tenant_id, kind, payload_json, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const j of effects?.jobs ?? []) jobStmt.run(j.id, j.tenantId, j.kind, JSON.stringify(j.payload), now, now, now);
      const stored = prepared(this.db, 'SELECT * FROM calls WHERE tenant_id = ? AND id = ?').get(call.tenantId, call.id) as CallRow;
      return { inserted: true, call: rowToCall(stored) };
    });
    return insert.immediate();
  }

  async getCall(tenantId: string, callId: string, scope: CallScope): Promise<Call | null> {
    const params: unknown[] = [tenantId, callId];
    const where = scopeSql(scope, 'c', params);
    const row = prepared(this.db, `SELECT c.* FROM calls c WHERE c.tenant_id = ? AND c.id = ? AND ${where}`).get(...params) as
      | CallRow
      | undefined;
    return row ? rowToCall(row) : null;
  }

  async listCalls(tenantId: string, filter: CallFilter, scope: CallScope, page: PageRequest): Promise<Page<Call>> {
    const params: unknown[] = [];
    const where: string[] = [];
    let from = 'calls c';
    let rest = filter;
    // A flag or tag index drives the query when one is asked for (flags first: they are rarer).
    if (filter.flag !== undefined) {
      from = 'call_flags t JOIN calls c ON c.tenant_id = t.tenant_id AND c.id = t.call_id';
      where.push('t.tenant_id = ? AND t.flag = ?');
      params.push(tenantId, filter.flag);
      const { flag: _flag, ...others } = filter;
      rest = others;
    } else if (filter.tag !== undefined) {
      from = 'call_tags t JOIN calls c ON c.tenant_id = t.tenant_id AND c.id = t.call_id';
      where.push('t.tenant_id = ? AND t.tag = ?');
      params.push(tenantId, filter.tag);
      const { tag: _tag, ...others } = filter;
      rest = others;
    }
    const driven = from !== 'calls c';
    where.push('c.tenant_id = ?');
    params.push(tenantId);
    where.push(...filterSql(rest, 'c', params));
    // Order by the driving table's own columns (equal to the call's) so that its index gives the order.
    const order = driven ? ['t.started_at', 't.call_id'] : ['c.started_at', 'c.id'];
    if (page.cursor !== undefined) {
      const [startedAt, id] = decodeCursor(page.cursor);
      where.push(`(${order[0]} < ? OR (${order[0]} = ? AND ${order[1]} < ?))`);
      params.push(startedAt, startedAt, id);
    }
    where.push(scopeSql(scope, 'c', params));
    const sql = `SELECT c.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order[0]} DESC, ${order[1]} DESC LIMIT ?`;
    params.push(page.limit + 1);
    const rows = prepared(this.db, sql).all(...params) as CallRow[];
    const items = rows.slice(0, page.limit).map(rowToCall);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last.startedAt, last.id) : null };
  }

  async countCalls(tenantId: string): Promise<number> {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM calls WHERE tenant_id = ?').get(tenantId) as { n: number }).n;
  }

  async existingCallIds(tenantId: string, callIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (callIds.length === 0) return new Set();
    const rows = prepared(this.db, "SELECT id FROM calls WHERE tenant_id = ? AND status <> 'deleted' AND id IN (SELECT value FROM json_each(?))")
      .all(tenantId, JSON.stringify(callIds)) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async usedKeyIds(tenantId: string, keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (keyIds.length === 0) return new Set();
    const rows = prepared(this.db, 'SELECT DISTINCT rec_key_id AS k FROM calls WHERE tenant_id = ? AND rec_key_id IN (SELECT value FROM json_each(?))')
      .all(tenantId, JSON.stringify(keyIds)) as { k: string }[];
    return new Set(rows.map((r) => r.k));
  }

  async listRecordedCalls(tenantId: string, afterCallId: string | null, limit: number): Promise<readonly RecordedCall[]> {
    const rows = prepared(this.db, 'SELECT id, status, rec_key_id, rec_bytes FROM calls WHERE tenant_id = ? AND id > ? AND rec_key_id IS NOT NULL ORDER BY id LIMIT ?')
      .all(tenantId, afterCallId ?? '', limit) as { id: string; status: CallStatus; rec_key_id: string; rec_bytes: number | null }[];
    return rows.map((r) => ({ callId: r.id, status: r.status, keyId: r.rec_key_id, bytes: r.rec_bytes ?? 0 }));
  }

  async updateCallStatus(tenantId: string, callId: string, status: CallStatus): Promise<void> {
    prepared(this.db, 'UPDATE calls SET status = ? WHERE tenant_id = ? AND id = ?').run(status, tenantId, callId);
  }

  async setCrmLinks(tenantId: string, callId: string, links: readonly CrmLink[]): Promise<void> {
    prepared(this.db, 'UPDATE calls SET crm_links_json = ? WHERE tenant_id = ? AND id = ?').run(JSON.stringify(links), tenantId, callId);
  }

  async replaceCrmTags(tenantId: string, callId: string, crm: CrmName, tags: readonly string[]): Promise<readonly string[] | null> {
    const replace = this.db.transaction((): string[] | null => {
      const row = prepared(this.db, 'SELECT tags_json, started_at FROM calls WHERE tenant_id = ? AND id = ?').get(tenantId, callId) as
        | { tags_json: string; started_at: string }
        | undefined;
      if (!row) return null;
      const before = JSON.parse(row.tags_json) as string[];
      const after = mergeCrmTags(before, crm, tags);
      const kept = new Set(after);
      const remove = prepared(this.db, 'DELETE FROM call_tags WHERE tenant_id = ? AND tag = ? AND started_at = ? AND call_id = ?');
      for (const tag of before) if (!kept.has(tag)) remove.run(tenantId, tag, row.started_at, callId);
      const add = prepared(this.db, 'INSERT OR IGNORE INTO call_tags (tenant_id, call_id, tag, started_at) VALUES (?, ?, ?, ?)');
      for (const tag of after) add.run(tenantId, callId, tag, row.started_at);
      prepared(this.db, 'UPDATE calls SET tags_json = ? WHERE tenant_id = ? AND id = ?').run(JSON.stringify(after), tenantId, callId);
      return after;
    });
    return replace.immediate();
  }

  async searchCalls(tenantId: string, search: CallSearch, scope: CallScope, page: PageRequest): Promise<Page<CallSearchHit>> {
    const sort = search.sort ?? 'time';
    if (search.q === undefined || search.q.trim() === '') {
      if (sort === 'relevance') throw new CallsightError('VALIDATION_FAILED', 'Invalid query: sort=relevance needs q');
      if (search.speaker !== undefined) throw new CallsightError('VALIDATION_FAILED', 'Invalid query: speaker needs q');
      const listed = await this.listCalls(tenantId, search.filter, scope, page);
      return { items: listed.items.map((call) => ({ call, hits: [] })), nextCursor: listed.nextCursor };
    }
    const tokenizer = this.requireTokenizer();
    const query = parseSearchQuery(search.q, tokenizer);
    const filter = search.filter;
    // One phone has few calls: walking them newest first and probing the index per call beats walking the matches
    // of a common word. Otherwise FTS5 drives in doc_id (time) order, with the agent, team, queue and inquiry
    // type intersected inside it through meta tokens, and stops after one page. The exact SQL predicates stay.
    const callsDrive = sort === 'time' && filter.customerPhone !== undefined;
    const meta: string[][] = [];
    if (filter.agentId !== undefined) meta.push([metaToken('ag', filter.agentId)]);
    if (filter.inquiryType !== undefined) meta.push([metaToken('iq', filter.inquiryType)]);
    if (scope.kind === 'restricted' && scope.reviewerId === undefined) {
      const anyOf = [
        ...(scope.agentIds ?? []).map((v) => metaToken('ag', v)),
        ...(scope.teams ?? []).map((v) => metaToken('tm', v)),
        ...(scope.queues ?? []).map((v) => metaToken('qu', v)),
      ];
      if (anyOf.length > 0 && anyOf.length <= 64) meta.push(anyOf);
    }
    const cursor = page.cursor !== undefined ? decodeSearchCursor(page.cursor, callsDrive ? 'calls' : sort) : undefined;
    const params: unknown[] = [];
    const where: string[] = [];
    if (callsDrive) {
      where.push('c.tenant_id = ?', 's.tenant_id = c.tenant_id', 's.call_id = c.id');
      params.push(tenantId);
      where.push('EXISTS (SELECT 1 FROM call_search_fts WHERE call_search_fts MATCH ? AND call_search_fts.rowid = s.doc_id)');
      params.push(ftsQueryOf(query, search.speaker));
    } else {
      where.push('call_search_fts MATCH ?', 's.tenant_id = ?', 'c.tenant_id = s.tenant_id');
      params.push(ftsQueryOf(query, search.speaker, meta), tenantId);
      // The rowid bounds let FTS5 skip whole time ranges; the started_at predicates in filterSql are the exact ones.
      if (filter.from !== undefined) {
        where.push('call_search_fts.rowid >= ?');
        params.push(timeKeyOf(filter.from) - TIME_KEY_MARGIN);
      }
      if (filter.to !== undefined) {
        where.push('call_search_fts.rowid < ?');
        params.push(timeKeyOf(filter.to) + TIME_KEY_MARGIN);
      }
    }
    if (cursor && callsDrive) {
      where.push('(c.started_at < ? OR (c.started_at = ? AND c.id < ?))');
      params.push(cursor.startedAt, cursor.startedAt, cursor.id);
    } else if (cursor && sort === 'time') {
      where.push('call_search_fts.rowid < ?');
      params.push(cursor.docId);
    }
    const callConditions = [...filterSql(filter, 'c', params), scopeSql(scope, 'c', params)].filter((w) => w !== '1 = 1');
    where.push(...callConditions);
    let sql: string;
    if (callsDrive) {
      sql = `SELECT c.*, s.doc_id AS doc_id, s.segments_json AS segments_json, 0 AS score FROM calls c JOIN call_search s
        WHERE ${where.join(' AND ')} ORDER BY c.started_at DESC, c.id DESC LIMIT ?`;
    } else {
      const base = `SELECT c.*, s.doc_id AS doc_id, s.segments_json AS segments_json, ${sort === 'relevance' ? BM25_SQL : '0'} AS score
        FROM call_search_fts JOIN call_search s ON s.doc_id = call_search_fts.rowid
        JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id
        WHERE ${where.join(' AND ')}`;
      if (sort === 'time') {
        sql = `${base} ORDER BY call_search_fts.rowid DESC LIMIT ?`;
      } else {
        // Rank on (doc_id, score) alone and fetch the page's rows afterwards: the sorter then carries two numbers
        // per match instead of the call row and its whole transcript. Calls are joined while ranking only when a
        // filter or the scope needs their columns.
        const needsCalls = callConditions.length > 0;
        const ranked = `SELECT s.doc_id AS doc_id, ${BM25_SQL} AS score
          FROM call_search_fts JOIN call_search s ON s.doc_id = call_search_fts.rowid
          ${needsCalls ? 'JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id' : ''}
          WHERE ${(needsCalls ? where : where.filter((w) => w !== 'c.tenant_id = s.tenant_id')).join(' AND ')}`;
        sql = `WITH top AS (SELECT doc_id, score FROM (${ranked}) ${cursor ? 'WHERE score > ? OR (score = ? AND doc_id < ?)' : ''}
            ORDER BY score ASC, doc_id DESC LIMIT ?)
          SELECT c.*, s.doc_id AS doc_id, s.segments_json AS segments_json, top.score AS score
          FROM top JOIN call_search s ON s.doc_id = top.doc_id JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id
          ORDER BY top.score ASC, top.doc_id DESC`;
        if (cursor) params.push(cursor.score, cursor.score, cursor.docId);
      }
    }
    params.push(page.limit + 1);
    const rows = prepared(this.db, sql).all(...params) as (CallRow & { doc_id: number; segments_json: string; score: number })[];
    const pageRows = rows.slice(0, page.limit);
    const items = pageRows.map((row) => ({
      call: rowToCall(row),
      hits: findSegmentHits(query, JSON.parse(row.segments_json) as Transcript['segments'], tokenizer, {
        ...(search.speaker ? { speaker: search.speaker } : {}),
        maxHits: search.maxHitsPerCall ?? 3,
      }),
    }));
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > page.limit && last
        ? encodeSearchCursor(callsDrive ? ['c', last.started_at, last.id] : sort === 'time' ? ['k', last.doc_id] : ['r', last.score, last.doc_id])
        : null;
    return { items, nextCursor };
  }

  async indexTranscript(tenantId: string, callId: string, transcript: Transcript): Promise<void> {
    this.searchIndex.index(tenantId, callId, transcript, new Date().toISOString());
  }

  async removeFromIndex(tenantId: string, callId: string): Promise<void> {
    this.searchIndex.remove(tenantId, callId);
  }

  async recordCallScore(tenantId: string, callId: string, score: number | null, at: string, effects?: OutboxEffects): Promise<void> {
    if (score !== null && !Number.isFinite(score)) throw new CallsightError('VALIDATION_FAILED', 'score: must be a finite number');
    this.db.transaction(() => {
      if (score === null) {
        prepared(this.db, 'DELETE FROM call_scores WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      } else {
        prepared(
      this.db,
            `INSERT INTO call_scores (tenant_id, call_id, score, evaluated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (tenant_id, call_id) DO UPDATE SET score = excluded.score, evaluated_at = excluded.evaluated_at
             WHERE excluded.evaluated_at >= call_scores.evaluated_at`,
          )
          .run(tenantId, callId, score, at);
      }
      if (effects !== undefined) writeSqliteOutbox(this.db, effects);
    }).immediate();
  }

  async replaceCallFlags(tenantId: string, callId: string, flags: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      const call = prepared(this.db, 'SELECT started_at FROM calls WHERE tenant_id = ? AND id = ?').get(tenantId, callId) as
        | { started_at: string }
        | undefined;
      if (!call) throw new CallsightError('CALL_NOT_FOUND', 'No call with this id');
      prepared(this.db, 'DELETE FROM call_flags WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      const insert = prepared(this.db, 'INSERT OR IGNORE INTO call_flags (tenant_id, flag, started_at, call_id) VALUES (?, ?, ?, ?)');
      for (const flag of new Set(flags)) insert.run(tenantId, flag, call.started_at, callId);
    })();
  }
}
