import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createSeededRandom } from '../../core/shared/clock.port';
import { streamsOfText } from '../../core/search/search-document';
import { createJiebaTokenizer } from '../../adapters/text/jieba';
import { ftsText, metaText, timeKeyOf } from '../../adapters/storage/sqlite/sqlite.search';
import { tsvectorLiteral } from '../../adapters/storage/postgres';
import { synthesizeCallWav } from '../../bin/seed/synth-audio';
import { loadConfig } from '../../bin/config';
import { openHub, type Hub } from '../../bin/hub';

/**
 * The data set of bench:load: one tenant with 100,000 calls (by default) over a year, 400 agents in 40 teams,
 * bilingual transcripts in the search index, a few hundred calls with real encrypted recordings (ingested through
 * the hub's own ingest path, so playback decrypts a real container) and a QA reviewer's sampled calls (the
 * review assignments a sampling plan writes). Everything else is bulk-inserted directly into the stores, the way
 * bench/search.bench.ts loads them: seeding is not measured. The seeded data folder (and PostgreSQL database) is
 * kept under .bench-data/ and reused by later runs with the same version and size.
 */

export const TENANT = 'bench';
export const AGENTS = 400;
export const TEAMS = 40;
export const REVIEWER = 'qa-bench';
/** Bump when the shape of the seeded data changes, so that a stale cache is rebuilt. */
const SEED_VERSION = 1;
const FIRST_MS = Date.UTC(2025, 0, 1);
const SPAN_MS = 365 * 86_400_000;
export const agentOf = (n: number) => `agent-${String(n).padStart(3, '0')}`;
export const phoneOf = (n: number) => `+86139${String(n).padStart(8, '0')}`;
const PHONES = 200_000;
const INQUIRY = ['订单查询', '物流', '退款', '售后', '发票', 'product', 'billing', 'other'];

export interface SeededData {
  readonly store: 'sqlite' | 'postgres';
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly calls: number;
  /** Calls with a real encrypted recording (playback and Range routes use these). */
  readonly audioCallIds: readonly string[];
  /** Calls assigned to REVIEWER for scoring (the evaluate route uses these). */
  readonly sampledCallIds: readonly string[];
  /** Every call id is `bulkId(i)` for i < calls - audioCallIds.length, plus the audio calls. */
  readonly bulkCalls: number;
}
export const bulkId = (i: number) => `c-bulk-${String(i).padStart(8, '0')}`;

const EN = [
  'Thank you for calling, how can I help you today?', 'I want a refund for my order', 'My package has not arrived yet',
  'The tracking number does not work', 'I was charged twice on my card', 'Can I change the delivery address?', 'The product arrived damaged',
  'I need an invoice for my company', 'How do I cancel my subscription?', 'Let me check the order for you',
  'I have issued the refund, it takes three to five business days', 'I will send you a new tracking number by email',
  'I am sorry for the trouble, we will replace it', 'Please keep the receipt for the warranty', 'Thanks for calling, goodbye.',
];
const ZH = [
  '您好，请问有什么可以帮您？', '我想查询一下我的订单', '快递到现在还没有送到', '我要申请退款', '请问发票什么时候开',
  '这个商品有质量问题，我想退货', '优惠券为什么用不了', '我帮您查一下物流信息', '退款会在三到五个工作日内到账',
  '麻烦您提供一下订单号', '我们会尽快为您换货', '保修期是一年', '配送地址可以修改吗', '价格比昨天贵了', '感谢您的来电，再见',
];

interface Sentence {
  readonly text: string;
  readonly words: readonly string[];
  readonly grams: readonly string[];
}

function sentences(): { en: Sentence[]; zh: Sentence[] } {
  const tokenizer = createJiebaTokenizer();
  const make = (text: string): Sentence => {
    const { words, grams } = streamsOfText(tokenizer.tokenize(text));
    return { text, words, grams };
  };
  return { en: EN.map(make), zh: ZH.map(make) };
}

interface Generated {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationS: number;
  readonly agent: number;
  readonly phone: string;
  readonly inquiry: string;
  readonly direction: 'inbound' | 'outbound';
  readonly language: 'zh' | 'en';
  readonly turns: { speaker: 'agent' | 'customer'; sentence: Sentence }[];
}

function* generate(count: number, pool: { en: Sentence[]; zh: Sentence[] }): Generator<Generated> {
  const rnd = createSeededRandom('load-bench-calls');
  const step = SPAN_MS / count;
  for (let i = 0; i < count; i++) {
    const startMs = Math.floor(FIRST_MS + i * step + rnd.next() * step * 0.9);
    const zh = rnd.next() < 0.7;
    const list = zh ? pool.zh : pool.en;
    const turns = Array.from({ length: 6 + Math.floor(rnd.next() * 10) }, (_, t) => ({
      speaker: (t % 2 === 0 ? 'agent' : 'customer') as 'agent' | 'customer',
      sentence: list[Math.floor(rnd.next() * list.length)] as Sentence,
    }));
    const durationS = 60 + Math.floor(rnd.next() * 400);
    yield {
      id: bulkId(i),
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(startMs + durationS * 1000).toISOString(),
      durationS,
      agent: Math.floor(rnd.next() * AGENTS),
      phone: phoneOf(Math.floor(rnd.next() * PHONES)),
      inquiry: INQUIRY[Math.floor(rnd.next() * INQUIRY.length)] as string,
      direction: rnd.next() < 0.8 ? 'inbound' : 'outbound',
      language: zh ? 'zh' : 'en',
      turns,
    };
  }
}

function segmentsOf(c: Generated) {
  let t = 0;
  return c.turns.map((turn) => {
    const startS = t;
    t += 2 + turn.sentence.text.length * 0.25;
    return { speaker: turn.speaker, startS: Math.round(startS * 10) / 10, endS: Math.round(t * 10) / 10, text: turn.sentence.text };
  });
}
const streamsOf = (c: Generated, speaker: 'agent' | 'customer') => ({
  words: c.turns.filter((t) => t.speaker === speaker).map((t) => t.sentence.words),
  grams: c.turns.filter((t) => t.speaker === speaker).map((t) => t.sentence.grams),
});

export function hubConfigFor(data: Pick<SeededData, 'dataDir' | 'databaseUrl'>) {
  return loadConfig({}, { dataDir: data.dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false, ...(data.databaseUrl ? { databaseUrl: data.databaseUrl } : {}) });
}

/**
 * The seeded data set for `store`, built on first use and then reused from `cacheDir` (rebuilt when its
 * version or size differ, or with `fresh`).
 */
export async function seededData(options: { store: 'sqlite' | 'postgres'; calls: number; audioCalls: number; sampled: number; cacheDir: string; pgAdminUrl: string; fresh?: boolean }): Promise<SeededData> {
  const dataDir = join(options.cacheDir, `load-${options.store}`);
  const marker = join(dataDir, 'seeded.json');
  const dbName = 'callsight_bench_load';
  const databaseUrl = options.store === 'postgres' ? (() => { const u = new URL(options.pgAdminUrl); u.pathname = `/${dbName}`; return u.toString(); })() : undefined;
  const wanted = { version: SEED_VERSION, calls: options.calls, audioCalls: options.audioCalls, sampled: options.sampled };
  if (!options.fresh && existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as typeof wanted & { audioCallIds: string[]; sampledCallIds: string[] };
    let dbOk = true;
    if (options.store === 'postgres') {
      const admin = new pg.Client({ connectionString: options.pgAdminUrl });
      await admin.connect();
      dbOk = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1;
      await admin.end();
    }
    if (dbOk && saved.version === wanted.version && saved.calls === wanted.calls && saved.audioCalls === wanted.audioCalls && saved.sampled === wanted.sampled) {
      console.log(`  ${options.store}: reusing the seeded data in ${dataDir}`);
      return { store: options.store, dataDir, ...(databaseUrl ? { databaseUrl } : {}), calls: saved.calls, audioCallIds: saved.audioCallIds, sampledCallIds: saved.sampledCallIds, bulkCalls: saved.calls - saved.audioCalls };
    }
  }
  const t0 = performance.now();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (options.store === 'postgres') {
    const admin = new pg.Client({ connectionString: options.pgAdminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
  }
  const hub = await openHub(hubConfigFor({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }));
  let audioCallIds: string[];
  try {
    await hub.ensureTenant({ id: TENANT, name: 'Bench', defaultRegion: 'CN', industry: 'ecommerce' });
    for (let a = 0; a < AGENTS; a++) {
      await hub.calls.upsertAgent({ tenantId: TENANT, id: agentOf(a), name: `Agent ${a}`, team: `team-${a % TEAMS}`, seniority: a % 3 ? 'senior' : 'new', hiredAt: '2020-01-01T00:00:00Z' });
    }
    // Real recordings through the real ingest path: encrypted containers with their own data keys.
    audioCallIds = [];
    for (let i = 0; i < options.audioCalls; i++) {
      const durationS = 60 + (i % 5) * 30;
      const outcome = await hub.ingest(TENANT, {
        providerCallId: `audio-${i}`,
        direction: 'inbound',
        startedAt: new Date(FIRST_MS + SPAN_MS - (i + 1) * 3_600_000).toISOString(),
        agentId: agentOf(i % AGENTS),
        customerPhone: phoneOf(i),
        inquiryType: 'billing',
      }, synthesizeCallWav({ durationS, seed: `load-${i}` }));
      audioCallIds.push(outcome.call.id);
    }
    console.log(`  ${options.store}: ${options.audioCalls} calls with real recordings ingested in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await hub.close();
  }
  const bulk = options.calls - options.audioCalls;
  const pool = sentences();
  const sampledCallIds = Array.from({ length: options.sampled }, (_, k) => bulkId(Math.floor((k * bulk) / options.sampled)));
  const t1 = performance.now();
  if (options.store === 'sqlite') await bulkSqlite(join(dataDir, 'callsight.db'), generate(bulk, pool), sampledCallIds);
  else await bulkPostgres(databaseUrl!, generate(bulk, pool), sampledCallIds);
  console.log(`  ${options.store}: ${bulk.toLocaleString('en')} calls bulk-loaded in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  writeFileSync(marker, JSON.stringify({ ...wanted, audioCallIds, sampledCallIds }));
  return { store: options.store, dataDir, ...(databaseUrl ? { databaseUrl } : {}), calls: options.calls, audioCallIds, sampledCallIds, bulkCalls: bulk };
}

async function bulkSqlite(file: string, calls: Iterable<Generated>, sampled: readonly string[]): Promise<void> {
  const { openSqliteDatabase } = await import('../../adapters/storage/sqlite');
  const db = openSqliteDatabase(file);
  db.pragma('synchronous = OFF');
  const insertCall = db.prepare(`INSERT INTO calls (tenant_id, id, provider, provider_call_id, channel, direction, started_at, ended_at, duration_s,
    agent_id, team, queue, customer_phone, inquiry_type, tags_json, csat, crm_links_json, status, rec_format, rec_bytes, rec_sha256, rec_channels,
    rec_duration_s, rec_key_id, created_at) VALUES (?, ?, 'bench', ?, 'human', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', NULL, '[]', 'stored', 'wav', ?, '', 1, ?, ?, ?)`);
  const insertDoc = db.prepare('INSERT INTO call_search (doc_id, tenant_id, call_id, language, segments_json, indexed_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFts = db.prepare('INSERT INTO call_search_fts (rowid, agent_words, customer_words, agent_grams, customer_grams, meta) VALUES (?, ?, ?, ?, ?, ?)');
  const insertAssignment = db.prepare('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)');
  let lastKey = (db.prepare('SELECT COALESCE(MAX(doc_id), 0) AS k FROM call_search').get() as { k: number }).k;
  const flush = db.transaction((list: Generated[]) => {
    for (const c of list) {
      const team = `team-${c.agent % TEAMS}`;
      const queue = c.language === 'zh' ? 'zh-service' : 'en-service';
      insertCall.run(TENANT, c.id, c.id, c.direction, c.startedAt, c.endedAt, c.durationS, agentOf(c.agent), team, queue, c.phone, c.inquiry, c.durationS * 8000, c.durationS, `k-${c.id}`, c.startedAt);
      const docId = Math.max(timeKeyOf(c.startedAt), lastKey + 1);
      lastKey = docId;
      insertDoc.run(docId, TENANT, c.id, c.language, JSON.stringify(segmentsOf(c)), c.endedAt);
      const agent = streamsOf(c, 'agent');
      const customer = streamsOf(c, 'customer');
      insertFts.run(docId, ftsText(agent.words), ftsText(customer.words), ftsText(agent.grams), ftsText(customer.grams), metaText({ agent_id: agentOf(c.agent), team, queue, inquiry_type: c.inquiry }));
    }
  });
  const batch: Generated[] = [];
  for (const c of calls) {
    batch.push(c);
    if (batch.length === 10_000) flush(batch.splice(0));
  }
  if (batch.length) flush(batch.splice(0));
  db.transaction(() => {
    for (const id of sampled) insertAssignment.run(TENANT, id, REVIEWER, '2026-01-01T00:00:00Z');
  })();
  db.exec("INSERT INTO call_search_fts (call_search_fts) VALUES ('optimize')");
  db.exec('ANALYZE');
  db.pragma('synchronous = FULL');
  db.close();
}

async function bulkPostgres(url: string, calls: Iterable<Generated>, sampled: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const flush = async (list: Generated[]) => {
      const col = <T>(f: (c: Generated) => T) => list.map(f);
      const team = (c: Generated) => `team-${c.agent % TEAMS}`;
      const queue = (c: Generated) => (c.language === 'zh' ? 'zh-service' : 'en-service');
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO calls (tenant_id, id, provider, provider_call_id, channel, direction, started_at, ended_at, duration_s, agent_id, team, queue,
           customer_phone, inquiry_type, tags_json, csat, crm_links_json, status, rec_format, rec_bytes, rec_sha256, rec_channels, rec_duration_s, rec_key_id, created_at)
         SELECT $1, id, 'bench', id, 'human', dir, st, en, dur, ag, tm, qu, ph, iq, '[]', NULL, '[]', 'stored', 'wav', dur * 8000, '', 1, dur, 'k-' || id, st
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
           AS u(id, dir, st, en, dur, ag, tm, qu, ph, iq)`,
        [TENANT, col((c) => c.id), col((c) => c.direction), col((c) => c.startedAt), col((c) => c.endedAt), col((c) => c.durationS),
          col((c) => agentOf(c.agent)), col(team), col(queue), col((c) => c.phone), col((c) => c.inquiry)],
      );
      await client.query(
        `INSERT INTO call_search (tenant_id, call_id, started_at, language, segments, words, grams, indexed_at, agent_id, team, queue, direction, channel, inquiry_type)
         SELECT $1, id, st, lang, seg::jsonb, w::tsvector, g::tsvector, st, ag, tm, qu, dir, 'human', iq
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS u(id, st, lang, seg, w, g, ag, tm, qu, dir, iq)`,
        [TENANT, col((c) => c.id), col((c) => c.startedAt), col((c) => c.language), col((c) => JSON.stringify(segmentsOf(c))),
          col((c) => tsvectorLiteral(streamsOf(c, 'agent'), streamsOf(c, 'customer'), 'words')),
          col((c) => tsvectorLiteral(streamsOf(c, 'agent'), streamsOf(c, 'customer'), 'grams')),
          col((c) => agentOf(c.agent)), col(team), col(queue), col((c) => c.direction), col((c) => c.inquiry)],
      );
      await client.query('COMMIT');
    };
    const batch: Generated[] = [];
    for (const c of calls) {
      batch.push(c);
      if (batch.length === 5_000) await flush(batch.splice(0));
    }
    if (batch.length) await flush(batch.splice(0));
    await client.query('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) SELECT $1, unnest($2::text[]), $3, $4', [TENANT, [...sampled], REVIEWER, '2026-01-01T00:00:00Z']);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

/** Bearer tokens for the run, issued by a hub opened on the seeded data (it holds the tenant keys). */
export async function issueTokens(data: SeededData): Promise<{ admin: string; qa: string }> {
  const hub: Hub = await openHub(hubConfigFor(data));
  try {
    const admin = await hub.tokens.issue({ tenantId: TENANT, userId: 'u-bench-admin', role: 'admin', teams: [], queues: [], ttlS: 3600 });
    const qa = await hub.tokens.issue({ tenantId: TENANT, userId: REVIEWER, role: 'qa', teams: [], queues: [], ttlS: 3600 });
    return { admin, qa };
  } finally {
    await hub.close();
  }
}
