import pg from 'pg';
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
import { buildSearchDocument } from '../../../core/search/search-document';
import { parseSearchQuery, type SearchQuery } from '../../../core/search/search-query';
import { findSegmentHits } from '../../../core/search/highlight';
import { openPostgresDatabase, type PostgresDatabase } from './postgres-database';
import { monthConditionOf, monthsBetween, tsConditionOf, tsRankOf, tsvectorLiteral } from './postgres.search';
import { rowToAgent, rowToCall, type AgentRow, type CallRow } from '../rows';

/** Collects bind parameters and hands out their $n placeholders in order. */
class Params {
  readonly values: unknown[] = [];
  bind = (value: unknown): string => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}

function encodeCursor(value: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, shape: 'list' | 'time' | 'relevance'): (string | number)[] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value)) {
      if (shape === 'list' && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return value as string[];
      if (shape === 'time' && value.length === 3 && value[0] === 't' && typeof value[1] === 'string' && typeof value[2] === 'string') {
        return value as string[];
      }
      if (shape === 'relevance' && value.length === 3 && value[0] === 'r' && Number.isFinite(value[1]) && typeof value[2] === 'string') {
        return value as (string | number)[];
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new CallsightError('VALIDATION_FAILED', 'cursor: not a cursor returned by this API');
}

/** The scope as SQL over calls aliased `alias`, same meaning as core/access matchesScope. */
export function pgScopeSql(scope: CallScope, alias: string, bind: (v: unknown) => string): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'none') return 'FALSE';
  const parts: string[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    // One value as equality: the planner then walks (tenant, column, started_at) indexes in time order.
    parts.push(values.length === 1 ? `${alias}.${column} = ${bind(values[0])}` : `${alias}.${column} = ANY(${bind([...values])}::text[])`);
  };
  inList('agent_id', scope.agentIds);
  inList('team', scope.teams);
  inList('queue', scope.queues);
  if (scope.reviewerId) {
    parts.push(
      `EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.tenant_id = ${alias}.tenant_id AND ra.call_id = ${alias}.id AND ra.reviewer_id = ${bind(scope.reviewerId)})`,
    );
  }
  return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
}

/**
 * The filter as SQL over calls aliased `alias`. Tag, flag and score tests are written `(EXISTS ...) IS TRUE`, which
 * the planner keeps as a per-row index probe: a bare EXISTS is turned into a semi-join that reads every tagged,
 * flagged or scored call of the tenant and sorts, where every search here walks a few rows in order.
 */
function filterSql(filter: CallFilter, alias: string, bind: (v: unknown) => string): string[] {
  const where: string[] = [];
  if (filter.from !== undefined) where.push(`${alias}.started_at >= ${bind(filter.from)}`);
  if (filter.to !== undefined) where.push(`${alias}.started_at < ${bind(filter.to)}`);
  if (filter.agentId !== undefined) where.push(`${alias}.agent_id = ${bind(filter.agentId)}`);
  if (filter.customerPhone !== undefined) where.push(`${alias}.customer_phone = ${bind(filter.customerPhone)}`);
  if (filter.direction !== undefined) where.push(`${alias}.direction = ${bind(filter.direction)}`);
  if (filter.channel !== undefined) where.push(`${alias}.channel = ${bind(filter.channel)}`);
  if (filter.inquiryType !== undefined) where.push(`${alias}.inquiry_type = ${bind(filter.inquiryType)}`);
  if (filter.status !== undefined) where.push(`${alias}.status = ${bind(filter.status)}`);
  if (filter.tag !== undefined) {
    where.push(
      `(EXISTS (SELECT 1 FROM call_tags tg WHERE tg.tenant_id = ${alias}.tenant_id AND tg.tag = ${bind(filter.tag)} AND tg.started_at = ${alias}.started_at AND tg.call_id = ${alias}.id)) IS TRUE`,
    );
  }
  if (filter.flag !== undefined) {
    where.push(
      `(EXISTS (SELECT 1 FROM call_flags fl WHERE fl.tenant_id = ${alias}.tenant_id AND fl.flag = ${bind(filter.flag)} AND fl.started_at = ${alias}.started_at AND fl.call_id = ${alias}.id)) IS TRUE`,
    );
  }
  if (filter.scoreMin !== undefined || filter.scoreMax !== undefined) {
    const bounds: string[] = [];
    if (filter.scoreMin !== undefined) bounds.push(`sc.score >= ${bind(filter.scoreMin)}`);
    if (filter.scoreMax !== undefined) bounds.push(`sc.score <= ${bind(filter.scoreMax)}`);
    where.push(`(EXISTS (SELECT 1 FROM call_scores sc WHERE sc.tenant_id = ${alias}.tenant_id AND sc.call_id = ${alias}.id AND ${bounds.join(' AND ')})) IS TRUE`);
  }
  return where;
}

/**
 * The filter as SQL over call_search aliased `s`, for everything its copies of immutable call attributes answer
 * exactly (time, agent, direction, channel, inquiry type; tags, flags and scores keyed by its call id), and the
 * rest (phone, status) over calls aliased `c`. A keyword match reads its call_search row anyway; calls is then
 * read only for the page's rows unless `onCalls` is not empty.
 */
function searchFilterSql(filter: CallFilter, bind: (v: unknown) => string): { onSearch: string[]; onCalls: string[] } {
  const onSearch: string[] = [];
  const onCalls: string[] = [];
  if (filter.from !== undefined) onSearch.push(`s.started_at >= ${bind(filter.from)}`);
  if (filter.to !== undefined) onSearch.push(`s.started_at < ${bind(filter.to)}`);
  if (filter.direction !== undefined) onSearch.push(`s.direction = ${bind(filter.direction)}`);
  if (filter.channel !== undefined) onSearch.push(`s.channel = ${bind(filter.channel)}`);
  if (filter.inquiryType !== undefined) onSearch.push(`s.inquiry_type = ${bind(filter.inquiryType)}`);
  if (filter.tag !== undefined) {
    onSearch.push(
      `(EXISTS (SELECT 1 FROM call_tags tg WHERE tg.tenant_id = s.tenant_id AND tg.tag = ${bind(filter.tag)} AND tg.started_at = s.started_at AND tg.call_id = s.call_id)) IS TRUE`,
    );
  }
  if (filter.flag !== undefined) {
    onSearch.push(
      `(EXISTS (SELECT 1 FROM call_flags fl WHERE fl.tenant_id = s.tenant_id AND fl.flag = ${bind(filter.flag)} AND fl.started_at = s.started_at AND fl.call_id = s.call_id)) IS TRUE`,
    );
  }
  if (filter.scoreMin !== undefined || filter.scoreMax !== undefined) {
    const bounds: string[] = [];
    if (filter.scoreMin !== undefined) bounds.push(`sc.score >= ${bind(filter.scoreMin)}`);
    if (filter.scoreMax !== undefined) bounds.push(`sc.score <= ${bind(filter.scoreMax)}`);
    onSearch.push(`(EXISTS (SELECT 1 FROM call_scores sc WHERE sc.tenant_id = s.tenant_id AND sc.call_id = s.call_id AND ${bounds.join(' AND ')})) IS TRUE`);
  }
  if (filter.customerPhone !== undefined) onCalls.push(`c.customer_phone = ${bind(filter.customerPhone)}`);
  if (filter.status !== undefined) onCalls.push(`c.status = ${bind(filter.status)}`);
  return { onSearch, onCalls };
}

type SearchRow = CallRow & { segments: Transcript['segments']; score?: number };

/** Part of a time-sorted search: started_at >= from (when set) and < before (when set); `to` bounds its months. */
interface TimeSlice {
  readonly from?: string;
  readonly to: string;
  readonly before?: string;
}

/** Calls in the first time window of a time-sorted keyword search, and the sample that estimates its span. */
const DEFAULT_SEARCH_WINDOW: SearchWindow = { calls: 20_000, sample: 2_000, walk: 500 };

/** Sizes of the time windows of a time-sorted keyword search (see searchWindows). */
export interface SearchWindow {
  /** Calls in the first window (the second holds ten times as many). */
  readonly calls: number;
  /** Newest calls whose time span estimates the windows' spans; fewer calls than this: no windows. */
  readonly sample: number;
  /** Newest calls of a phone or a few agents walked before building bitmaps (default 500). */
  readonly walk?: number;
}

/**
 * Narrowing columns of call_search (copies of the call's immutable attributes, written with the row from the
 * calls row and never changed since calls never change them) for the filter and scope: each entry is ANDed as
 * column = ANY(values). A restricted scope is one such entry when it is one kind of list (agents, teams or queues)
 * with no reviewer part: then the entry is the whole scope (`scopeCovered`) and calls need not be read to apply
 * it; any other scope is tested on calls. `selective` when it names agents only: a few agents' calls are few
 * enough to rank or sort whole, without time windows.
 */
function prefilterOf(filter: CallFilter, scope: CallScope): { columns: [string, string[]][]; selective: boolean; scopeCovered: boolean } {
  const columns: [string, string[]][] = [];
  if (filter.agentId !== undefined) columns.push(['agent_id', [filter.agentId]]);
  let scopeCovered = scope.kind === 'all';
  if (scope.kind === 'restricted' && scope.reviewerId === undefined) {
    const lists = ([['agent_id', scope.agentIds], ['team', scope.teams], ['queue', scope.queues]] as const).filter(([, v]) => v && v.length > 0);
    if (lists.length === 1) {
      columns.push([lists[0]![0], [...lists[0]![1]!]]);
      scopeCovered = true;
    }
  }
  const selective = columns.some(([column, values]) => column === 'agent_id' && values.length <= SELECTIVE_AGENTS);
  return { columns, selective, scopeCovered };
}

/** Up to this many agents, an agent prefilter is selective enough to skip time windows. */
const SELECTIVE_AGENTS = 3;
/** A from-to range of at most this many months is searched through the month term index. */
const MAX_RANGE_MONTHS = 6;

export interface PostgresCallRepositoryOptions {
  /** Needed for keyword search and indexing (bin/ passes the jieba tokenizer). */
  readonly tokenizer?: Tokenizer;
  /** Most pooled connections (default 10). */
  readonly maxConnections?: number;
  /** Time windows of time-sorted keyword search (default 20,000 calls estimated from the newest 2,000). */
  readonly searchWindow?: SearchWindow;
}

/**
 * Writes outbox messages (due at `effects.at`) through `db`; call it inside the transaction of the change they follow
 * (PostgresDatabase.transaction), so both are stored or neither (the stores' transactional outbox argument).
 */
export async function writePostgresOutbox(db: Pick<PostgresDatabase, 'query'>, effects: OutboxEffects): Promise<void> {
  for (const m of effects.outbox) {
    await db.query('INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)', [
      m.id,
      m.tenantId,
      m.kind,
      JSON.stringify(m.payload),
      effects.at,
    ]);
  }
}

/**
 * CallRepository on PostgreSQL (pg): the same behaviour as the SQLite store, checked by the contract suites in
 * test/contracts/. Ingest is idempotent through ON CONFLICT; the call, its tags, outbox messages and jobs are
 * written in one transaction; the scope is part of every query.
 */
export class PostgresCallRepository implements CallRepository {
  private tokenizer: Tokenizer | undefined;
  private readonly window: SearchWindow;

  constructor(
    private readonly db: PostgresDatabase,
    options: { tokenizer?: Tokenizer; searchWindow?: SearchWindow } = {},
  ) {
    this.tokenizer = options.tokenizer;
    this.window = options.searchWindow ?? DEFAULT_SEARCH_WINDOW;
  }

  /** The database's pool, for tools that run their own SQL beside the repository (benchmarks, tests). */
  get pool(): pg.Pool {
    return this.db.pool;
  }

  useTokenizer(tokenizer: Tokenizer): void {
    this.tokenizer = tokenizer;
  }

  private requireTokenizer(): Tokenizer {
    if (!this.tokenizer) {
      throw new Error('Keyword search needs a Tokenizer: pass { tokenizer } to openPostgresCallRepository or call useTokenizer().');
    }
    return this.tokenizer;
  }

  private query<R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.db.query<R>(sql, params);
  }

  /** One transaction, joined by the other stores' queries made meanwhile (see PostgresDatabase). */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async upsertTenant(tenant: Tenant): Promise<void> {
    await this.query(
      `INSERT INTO tenants (id, name, default_region, industry, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, default_region = excluded.default_region, industry = excluded.industry`,
      [tenant.id, tenant.name, tenant.defaultRegion, tenant.industry, tenant.createdAt],
    );
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const { rows } = await this.query<{ id: string; name: string; default_region: string; industry: Tenant['industry']; created_at: string }>(
      'SELECT * FROM tenants WHERE id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row ? { id: row.id, name: row.name, defaultRegion: row.default_region, industry: row.industry, createdAt: row.created_at } : null;
  }

  async listTenants(): Promise<readonly Tenant[]> {
    const { rows } = await this.query<{ id: string; name: string; default_region: string; industry: Tenant['industry']; created_at: string }>(
      'SELECT * FROM tenants ORDER BY id',
    );
    return rows.map((row) => ({ id: row.id, name: row.name, defaultRegion: row.default_region, industry: row.industry, createdAt: row.created_at }));
  }

  async upsertAgent(agent: Agent): Promise<void> {
    await this.query(
      `INSERT INTO agents (tenant_id, id, name, team, seniority, hired_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, team = excluded.team,
         seniority = excluded.seniority, hired_at = excluded.hired_at`,
      [agent.tenantId, agent.id, agent.name, agent.team, agent.seniority, agent.hiredAt],
    );
  }

  async listAgents(tenantId: string): Promise<readonly Agent[]> {
    return (await this.query<AgentRow>('SELECT * FROM agents WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map(rowToAgent);
  }

  async getAgent(tenantId: string, agentId: string): Promise<Agent | null> {
    const row = (await this.query<AgentRow>('SELECT * FROM agents WHERE tenant_id = $1 AND id = $2', [tenantId, agentId])).rows[0];
    return row ? rowToAgent(row) : null;
  }

  async findByProviderCallId(tenantId: string, provider: string, providerCallId: string): Promise<Call | null> {
    const { rows } = await this.query<CallRow>('SELECT * FROM calls WHERE tenant_id = $1 AND provider = $2 AND provider_call_id = $3', [
      tenantId,
      provider,
      providerCallId,
    ]);
    return rows[0] ? rowToCall(rows[0]) : null;
  }

  async insertCall(call: Call, effects?: { outbox?: readonly NewOutboxMessage[]; jobs?: readonly NewJob[] }): Promise<InsertCallOutcome> {
    return this.transaction(async (client) => {
      const rec = call.recording;
      const inserted = await client.query<CallRow>(
        `INSERT INTO calls (tenant_id, id, provider, provider_call_id, channel, direction, started_at, ended_at, duration_s,
           agent_id, team, queue, customer_phone, inquiry_type, tags_json, csat, crm_links_json, status,
           rec_format, rec_bytes, rec_sha256, rec_channels, rec_duration_s, rec_key_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
           COALESCE($11::text, (SELECT team FROM agents WHERE tenant_id = $1 AND id = $10)),
           $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
         ON CONFLICT (tenant_id, provider, provider_call_id) DO NOTHING
         RETURNING *`,
        [
          call.tenantId, call.id, call.provider, call.providerCallId, call.channel, call.direction, call.startedAt, call.endedAt,
          call.durationS, call.agentId, call.team ?? null, call.queue, call.customerPhone, call.inquiryType, JSON.stringify(call.tags),
          call.csat, JSON.stringify(call.crmLinks), call.status, rec?.format ?? null, rec?.bytes ?? null, rec?.sha256 ?? null,
          rec?.channels ?? null, rec?.durationS ?? null, rec?.keyId ?? null, call.createdAt,
        ],
      );
      const stored = inserted.rows[0];
      if (!stored) {
        const existing = await client.query<CallRow>('SELECT * FROM calls WHERE tenant_id = $1 AND provider = $2 AND provider_call_id = $3', [
          call.tenantId,
          call.provider,
          call.providerCallId,
        ]);
        return { inserted: false, call: rowToCall(existing.rows[0] as CallRow) };
      }
      for (const tag of new Set(call.tags)) {
        await client.query('INSERT INTO call_tags (tenant_id, call_id, tag, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          call.tenantId,
          call.id,
          tag,
          call.startedAt,
        ]);
      }
      const now = call.createdAt;
      for (const m of effects?.outbox ?? []) {
        await client.query(
          'INSERT INTO outbox (id, tenant_id, kind, payload_json, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)',
          [m.id, m.tenantId, m.kind, JSON.stringify(m.payload), now],
        );
      }
      for (const j of effects?.jobs ?? []) {
        await client.query('INSERT INTO jobs (id, tenant_id, kind, payload_json, run_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)', [
          j.id,
          j.tenantId,
          j.kind,
          JSON.stringify(j.payload),
          now,
        ]);
      }
      return { inserted: true, call: rowToCall(stored) };
    });
  }

  async getCall(tenantId: string, callId: string, scope: CallScope): Promise<Call | null> {
    const p = new Params();
    const sql = `SELECT c.* FROM calls c WHERE c.tenant_id = ${p.bind(tenantId)} AND c.id = ${p.bind(callId)} AND ${pgScopeSql(scope, 'c', p.bind)}`;
    const { rows } = await this.query<CallRow>(sql, p.values);
    return rows[0] ? rowToCall(rows[0]) : null;
  }

  async listCalls(tenantId: string, filter: CallFilter, scope: CallScope, page: PageRequest): Promise<Page<Call>> {
    const p = new Params();
    // A flag or tag index drives the query when one is asked for (flags first: they are rarer), walked in its own
    // (started_at, call_id) order so that the page ends the walk; the planner cannot see that these columns equal
    // the call's and would otherwise join every tagged call and sort.
    const driver = filter.flag !== undefined ? { table: 'call_flags', column: 'flag', value: filter.flag } : filter.tag !== undefined ? { table: 'call_tags', column: 'tag', value: filter.tag } : null;
    const rest: CallFilter = driver ? { ...filter, [driver.column]: undefined } : filter;
    const where = [`c.tenant_id = ${p.bind(tenantId)}`, ...filterSql(rest, 'c', p.bind)];
    const order = driver ? ['t.started_at', 't.call_id'] : ['c.started_at', 'c.id'];
    if (driver) where.push(`t.tenant_id = c.tenant_id`, `t.${driver.column} = ${p.bind(driver.value)}`);
    if (page.cursor !== undefined) {
      const [startedAt, id] = decodeCursor(page.cursor, 'list') as [string, string];
      where.push(`(${order[0]}, ${order[1]}) < (${p.bind(startedAt)}, ${p.bind(id)})`);
    }
    where.push(pgScopeSql(scope, 'c', p.bind));
    const from = driver ? `${driver.table} t JOIN calls c ON c.tenant_id = t.tenant_id AND c.id = t.call_id` : 'calls c';
    const sql = `SELECT c.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order[0]} DESC, ${order[1]} DESC LIMIT ${p.bind(page.limit + 1)}`;
    const { rows } = await this.query<CallRow>(sql, p.values);
    const items = rows.slice(0, page.limit).map(rowToCall);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.startedAt, last.id]) : null };
  }

  async countCalls(tenantId: string): Promise<number> {
    const { rows } = await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM calls WHERE tenant_id = $1', [tenantId]);
    return rows[0]?.n ?? 0;
  }

  async existingCallIds(tenantId: string, callIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (callIds.length === 0) return new Set();
    const { rows } = await this.query<{ id: string }>(
      "SELECT id FROM calls WHERE tenant_id = $1 AND status <> 'deleted' AND id = ANY($2::text[])",
      [tenantId, [...callIds]],
    );
    return new Set(rows.map((r) => r.id));
  }

  async usedKeyIds(tenantId: string, keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (keyIds.length === 0) return new Set();
    const { rows } = await this.query<{ k: string }>('SELECT DISTINCT rec_key_id AS k FROM calls WHERE tenant_id = $1 AND rec_key_id = ANY($2::text[])', [
      tenantId,
      [...keyIds],
    ]);
    return new Set(rows.map((r) => r.k));
  }

  async listRecordedCalls(tenantId: string, afterCallId: string | null, limit: number): Promise<readonly RecordedCall[]> {
    const { rows } = await this.query<{ id: string; status: CallStatus; rec_key_id: string; rec_bytes: string | number | null }>(
      'SELECT id, status, rec_key_id, rec_bytes FROM calls WHERE tenant_id = $1 AND id > $2 AND rec_key_id IS NOT NULL ORDER BY id LIMIT $3',
      [tenantId, afterCallId ?? '', limit],
    );
    return rows.map((r) => ({ callId: r.id, status: r.status, keyId: r.rec_key_id, bytes: Number(r.rec_bytes ?? 0) }));
  }

  async updateCallStatus(tenantId: string, callId: string, status: CallStatus): Promise<void> {
    await this.query('UPDATE calls SET status = $1 WHERE tenant_id = $2 AND id = $3', [status, tenantId, callId]);
  }

  async setCrmLinks(tenantId: string, callId: string, links: readonly CrmLink[]): Promise<void> {
    await this.query('UPDATE calls SET crm_links_json = $1 WHERE tenant_id = $2 AND id = $3', [JSON.stringify(links), tenantId, callId]);
  }

  async replaceCrmTags(tenantId: string, callId: string, crm: CrmName, tags: readonly string[]): Promise<readonly string[] | null> {
    return this.transaction(async (client) => {
      const found = await client.query<{ tags_json: string; started_at: string }>('SELECT tags_json, started_at FROM calls WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
        tenantId,
        callId,
      ]);
      const row = found.rows[0];
      if (row === undefined) return null;
      const before = JSON.parse(row.tags_json) as string[];
      const after = mergeCrmTags(before, crm, tags);
      const removed = before.filter((tag) => !after.includes(tag));
      if (removed.length > 0) {
        await client.query('DELETE FROM call_tags WHERE tenant_id = $1 AND tag = ANY($2::text[]) AND started_at = $3 AND call_id = $4', [tenantId, removed, row.started_at, callId]);
      }
      if (after.length > 0) {
        await client.query('INSERT INTO call_tags (tenant_id, call_id, tag, started_at) SELECT $1, $2, t, $4 FROM unnest($3::text[]) AS t ON CONFLICT DO NOTHING', [
          tenantId,
          callId,
          after,
          row.started_at,
        ]);
      }
      await client.query('UPDATE calls SET tags_json = $1 WHERE tenant_id = $2 AND id = $3', [JSON.stringify(after), tenantId, callId]);
      return after;
    });
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
    const cursor = page.cursor !== undefined ? decodeCursor(page.cursor, sort) : undefined;
    const filter = search.filter;
    const prefilter = prefilterOf(filter, scope);
    // A phone's or a few agents' calls are few: their newest ones are walked first (see walkNewest).
    const fewCalls = sort === 'time' && (prefilter.selective || filter.customerPhone !== undefined);
    /**
     * The WHERE of one search: matches, prefilters, exact filters and scope, an optional time window and cursor.
     * A window finds its matches through the month term index; where that is not exact (phrases, a speaker) the
     * exact condition is added as a filter that no index takes ("IS TRUE"), tested on the window's matches only.
     * `onCalls` counts the conditions that need the calls table joined.
     */
    const conditions = (p: Params, window?: TimeSlice): { where: string[]; onCalls: number } => {
      const where = [`s.tenant_id = ${p.bind(tenantId)}`];
      const months = window?.from !== undefined
        ? monthsBetween(window.from, window.before ?? window.to)
        : filter.from !== undefined && filter.to !== undefined
          ? monthsBetween(filter.from, filter.to)
          : [];
      // Cheap tests first: PostgreSQL keeps the written order of equally costed quals, and the exact text test
      // decompresses a transcript.
      let exactFilter: string | null = null;
      if (months.length > 0 && months.length <= MAX_RANGE_MONTHS) {
        const byMonth = monthConditionOf(query, search.speaker, months, p.bind);
        where.push(byMonth.sql);
        if (!byMonth.exact) exactFilter = `(${tsConditionOf(query, search.speaker, p.bind)}) IS TRUE`;
      } else {
        where.push(tsConditionOf(query, search.speaker, p.bind));
      }
      for (const [column, values] of prefilter.columns) {
        where.push(values.length === 1 ? `s.${column} = ${p.bind(values[0])}` : `s.${column} = ANY(${p.bind(values)}::text[])`);
      }
      if (window?.from !== undefined) where.push(`s.started_at >= ${p.bind(window.from)}`);
      if (window?.before !== undefined) where.push(`s.started_at < ${p.bind(window.before)}`);
      if (cursor && sort === 'time') where.push(`(s.started_at, s.call_id) < (${p.bind(cursor[1])}, ${p.bind(cursor[2])})`);
      const filters = searchFilterSql(filter, p.bind);
      where.push(...filters.onSearch);
      const onCalls = prefilter.scopeCovered ? filters.onCalls : [...filters.onCalls, pgScopeSql(scope, 'c', p.bind)];
      where.push(...onCalls);
      if (exactFilter) where.push(exactFilter);
      return { where, onCalls: onCalls.length };
    };
    const rows = await this.readOnly(async (client) => {
      // Matches are found through the GIN indexes as exact bitmaps (never by testing transcripts row by row, which
      // means reading each one's TOASTed tsvector), intersected with the prefilter and time-range bitmaps.
      await client.query("SET LOCAL work_mem = '64MB'");
      if (fewCalls) {
        const walked = await this.walkNewest(client, tenantId, query, search, scope, cursor, page.limit);
        if (walked) return walked;
      }
      // A common word matches a large share of all calls, and sorting all of them by time costs a heap read per
      // match. So the calls are searched newest first in consecutive time slices of about window.calls, then
      // nine times that, then growing further, then the rest: the page is filled from the first slices that hold
      // enough matches, and a rare match costs one more slice, not a pass over everything. (Estimated before index
      // scans go off.)
      const windows = sort === 'time' && !fewCalls ? await this.searchWindows(client, tenantId, filter, cursor) : [];
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_indexscan = off');
      if (sort === 'relevance') {
        const p = new Params();
        const rank = tsRankOf(query, search.speaker, p.bind);
        const { where, onCalls } = conditions(p);
        const after = cursor ? `WHERE x.score < ${p.bind(cursor[1])} OR (x.score = ${p.bind(cursor[1])} AND x.id < ${p.bind(cursor[2])})` : '';
        // Ranks on (id, score) alone; the page's rows and transcripts are read afterwards. Calls are joined while
        // ranking only when a filter or the scope needs their columns (one probe per match otherwise wasted).
        const sql = `WITH top AS (SELECT x.id, x.score FROM (SELECT s.call_id AS id, ${rank} AS score FROM call_search s
            ${onCalls > 0 ? 'JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id' : ''} WHERE ${where.join(' AND ')}) x
            ${after} ORDER BY x.score DESC, x.id DESC LIMIT ${p.bind(page.limit + 1)})
          SELECT c.*, s.segments, top.score FROM top JOIN call_search s ON s.tenant_id = ${p.bind(tenantId)} AND s.call_id = top.id
          JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id ORDER BY top.score DESC, top.id DESC`;
        return (await client.query<SearchRow>(sql, p.values)).rows;
      }
      const timeSorted = (window: TimeSlice | undefined, limit: number) => {
        const p = new Params();
        const { where, onCalls } = conditions(p, window);
        // Without conditions on calls, the page is picked from call_search alone and only its rows join calls.
        const sql =
          onCalls > 0
            ? `SELECT c.*, s.segments FROM call_search s JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id
               WHERE ${where.join(' AND ')} ORDER BY s.started_at DESC, s.call_id DESC LIMIT ${p.bind(limit)}`
            : `WITH top AS (SELECT s.call_id FROM call_search s WHERE ${where.join(' AND ')}
                 ORDER BY s.started_at DESC, s.call_id DESC LIMIT ${p.bind(limit)})
               SELECT c.*, s.segments FROM top JOIN call_search s ON s.tenant_id = ${p.bind(tenantId)} AND s.call_id = top.call_id
               JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id ORDER BY s.started_at DESC, s.call_id DESC`;
        return client.query<SearchRow>(sql, p.values);
      };
      // Slices are disjoint and each is newer than the next, so their rows concatenate in page order.
      const found: SearchRow[] = [];
      let before: string | undefined;
      for (const window of windows) {
        found.push(...(await timeSorted({ ...window, ...(before !== undefined ? { before } : {}) }, page.limit + 1 - found.length)).rows);
        if (found.length > page.limit) return found;
        before = window.from;
      }
      found.push(...(await timeSorted(before !== undefined ? { to: before, before } : undefined, page.limit + 1 - found.length)).rows);
      return found;
    });
    const pageRows = rows.slice(0, page.limit);
    const items = pageRows.map((row) => ({
      call: rowToCall(row),
      hits: findSegmentHits(query, row.segments, tokenizer, {
        ...(search.speaker ? { speaker: search.speaker } : {}),
        maxHits: search.maxHitsPerCall ?? 3,
      }),
    }));
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > page.limit && last
        ? encodeCursor(sort === 'time' ? ['t', last.started_at, last.id] : ['r', last.score ?? 0, last.id])
        : null;
    return { items, nextCursor };
  }

  /**
   * Lower time bounds of the search slices below the page's upper bound (the cursor or `to`): the times that
   * 1, 10, 20, 40, 80 and 160 x window.calls calls span, estimated from the span of the newest window.sample calls
   * (an index-only walk). Empty when the tenant has too few calls for slices to pay off; bounds older than `from`
   * or than the oldest call are dropped (the last slice is everything older than the last bound).
   */
  private async searchWindows(
    client: pg.PoolClient,
    tenantId: string,
    filter: CallFilter,
    cursor: (string | number)[] | undefined,
  ): Promise<{ from: string; to: string }[]> {
    const p = new Params();
    const where = [`tenant_id = ${p.bind(tenantId)}`];
    if (filter.to !== undefined) where.push(`started_at < ${p.bind(filter.to)}`);
    if (cursor) where.push(`(started_at, call_id) < (${p.bind(cursor[1])}, ${p.bind(cursor[2])})`);
    const { rows } = await client.query<{ k: 'newest' | 'sample' | 'oldest'; started_at: string }>(
      `(SELECT 'newest' AS k, started_at FROM call_search WHERE ${where.join(' AND ')} ORDER BY started_at DESC, call_id DESC LIMIT 1)
       UNION ALL
       (SELECT 'sample', started_at FROM call_search WHERE ${where.join(' AND ')} ORDER BY started_at DESC, call_id DESC OFFSET ${p.bind(this.window.sample)} LIMIT 1)
       UNION ALL
       (SELECT 'oldest', started_at FROM call_search WHERE ${where.join(' AND ')} ORDER BY started_at, call_id LIMIT 1)`,
      p.values,
    );
    const at = (k: string) => rows.find((r) => r.k === k)?.started_at;
    const [newestAt, sampleAt, oldestAt] = [at('newest'), at('sample'), at('oldest')];
    if (newestAt === undefined || sampleAt === undefined || oldestAt === undefined) return [];
    const newest = Date.parse(newestAt);
    const span = Math.max(1, newest - Date.parse(sampleAt));
    // Lower bounds past `from` or the oldest call would only add empty slices.
    const floor = Math.max(filter.from !== undefined ? Date.parse(filter.from) : -Infinity, Date.parse(oldestAt));
    const windows: { from: string; to: string }[] = [];
    for (const calls of [1, 10, 20, 40, 80, 160].map((n) => n * this.window.calls)) {
      const lower = newest - (span * calls) / this.window.sample;
      if (!(lower > floor) || lower < -8.64e15) break;
      windows.push({ from: new Date(lower).toISOString(), to: newestAt });
    }
    return windows;
  }

  /**
   * The page of a time-sorted search over a phone's or a few agents' calls, from walking their newest window.walk
   * calls (through the calls indexes) and testing each one's transcript; null when that cannot settle it (the page
   * is not full and older calls remain), and the search goes on through the bitmaps. A common word fills the page
   * from a few dozen calls, where the bitmap of all its matches would cost far more.
   */
  private async walkNewest(
    client: pg.PoolClient,
    tenantId: string,
    query: SearchQuery,
    search: CallSearch,
    scope: CallScope,
    cursor: (string | number)[] | undefined,
    limit: number,
  ): Promise<SearchRow[] | null> {
    const walk = this.window.walk ?? 500;
    const p = new Params();
    const inner = [`c0.tenant_id = ${p.bind(tenantId)}`, ...filterSql(search.filter, 'c0', p.bind), pgScopeSql(scope, 'c0', p.bind)];
    if (cursor) inner.push(`(c0.started_at, c0.id) < (${p.bind(cursor[1])}, ${p.bind(cursor[2])})`);
    const recent = `SELECT c0.* FROM calls c0 WHERE ${inner.filter((w) => w !== 'TRUE').join(' AND ')} ORDER BY c0.started_at DESC, c0.id DESC LIMIT ${p.bind(walk)}`;
    const recentValues = [...p.values];
    // The ordered subquery keeps its order through the nested loop, so the walk stops at the page's last match.
    const { rows } = await client.query<SearchRow>(
      `SELECT c.*, m.segments FROM (${recent}) c
       JOIN LATERAL (SELECT s.segments FROM call_search s WHERE s.tenant_id = c.tenant_id AND s.call_id = c.id
         AND ${tsConditionOf(query, search.speaker, p.bind)}) m ON TRUE
       ORDER BY c.started_at DESC, c.id DESC LIMIT ${p.bind(limit + 1)}`,
      p.values,
    );
    if (rows.length > limit) return rows;
    const counted = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM (${recent}) x`, recentValues);
    return (counted.rows[0]?.n ?? 0) < walk ? rows : null;
  }

  /** Runs `work` in a read-only transaction on one connection (one snapshot for every statement in it). */
  private readOnly<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.transaction(work, { readOnly: true });
  }

  async indexTranscript(tenantId: string, callId: string, transcript: Transcript): Promise<void> {
    const document = buildSearchDocument(transcript, this.requireTokenizer());
    const words = tsvectorLiteral(document.agent, document.customer, 'words');
    const grams = tsvectorLiteral(document.agent, document.customer, 'grams');
    const { rowCount } = await this.query(
      `INSERT INTO call_search (tenant_id, call_id, started_at, language, segments, words, grams, indexed_at, agent_id, team, queue,
         direction, channel, inquiry_type)
       SELECT c.tenant_id, c.id, c.started_at, $3, $4::jsonb, $5::tsvector, $6::tsvector, $7, c.agent_id, c.team, c.queue,
         c.direction, c.channel, c.inquiry_type
       FROM calls c WHERE c.tenant_id = $1 AND c.id = $2
       ON CONFLICT (tenant_id, call_id) DO UPDATE SET language = excluded.language, segments = excluded.segments,
         words = excluded.words, grams = excluded.grams, indexed_at = excluded.indexed_at, agent_id = excluded.agent_id,
         team = excluded.team, queue = excluded.queue, direction = excluded.direction, channel = excluded.channel,
         inquiry_type = excluded.inquiry_type`,
      [tenantId, callId, transcript.language, JSON.stringify(transcript.segments), words, grams, new Date().toISOString()],
    );
    if (rowCount === 0) throw new CallsightError('CALL_NOT_FOUND', 'Cannot index the transcript of a call that is not stored');
  }

  async removeFromIndex(tenantId: string, callId: string): Promise<void> {
    await this.query('DELETE FROM call_search WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
  }

  async recordCallScore(tenantId: string, callId: string, score: number | null, at: string, effects?: OutboxEffects): Promise<void> {
    if (score !== null && !Number.isFinite(score)) throw new CallsightError('VALIDATION_FAILED', 'score: must be a finite number');
    await this.transaction(async () => {
      if (score === null) {
        await this.query('DELETE FROM call_scores WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      } else {
        await this.query(
          `INSERT INTO call_scores (tenant_id, call_id, score, evaluated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, call_id) DO UPDATE SET score = excluded.score, evaluated_at = excluded.evaluated_at
           WHERE excluded.evaluated_at >= call_scores.evaluated_at`,
          [tenantId, callId, score, at],
        );
      }
      if (effects !== undefined) await writePostgresOutbox(this.db, effects);
    });
  }

  async replaceCallFlags(tenantId: string, callId: string, flags: readonly string[]): Promise<void> {
    await this.transaction(async (client) => {
      const call = await client.query<{ started_at: string }>('SELECT started_at FROM calls WHERE tenant_id = $1 AND id = $2', [tenantId, callId]);
      const startedAt = call.rows[0]?.started_at;
      if (startedAt === undefined) throw new CallsightError('CALL_NOT_FOUND', 'No call with this id');
      await client.query('DELETE FROM call_flags WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      const unique = [...new Set(flags)];
      if (unique.length > 0) {
        await client.query(
          'INSERT INTO call_flags (tenant_id, flag, started_at, call_id) SELECT $1, f, $3, $4 FROM unnest($2::text[]) AS f ON CONFLICT DO NOTHING',
          [tenantId, unique, startedAt, callId],
        );
      }
    });
  }
}

/**
 * Opens the PostgreSQL call repository at `url` (postgres://...), migrating the schema first. The caller
 * closes it with `close()`. Throws CallsightError UPSTREAM_FAILED when the server cannot be reached.
 */
export async function openPostgresCallRepository(url: string, options: PostgresCallRepositoryOptions = {}): Promise<PostgresCallRepository> {
  const db = await openPostgresDatabase(url, options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {});
  return new PostgresCallRepository(db, {
    ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
    ...(options.searchWindow ? { searchWindow: options.searchWindow } : {}),
  });
}
