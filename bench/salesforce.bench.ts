/**
 * Salesforce sync cost (issue 14): 10,000 calls synced through the outbox to an msw fake of the Salesforce REST,
 * Composite and Bulk 2.0 APIs, counting HTTP requests (token requests and customer lookups included) against the
 * goal of at most 10 requests per 1,000 calls, and timing the drain. Loopback only: msw answers in-process.
 *
 *   npm run bench:salesforce [-- --calls 10000 --numbers 4000 --known 3000 --claim 1000]
 *
 * Three ways are measured: the hub's own outbox drain (app/crm drainCrmOutbox over a real SQLite outbox, claims of
 * CRM_DRAIN_BATCH_SIZE messages, each tenant's lane handed to the adapter's `recordCalls`: lookups of 250 numbers per
 * Composite Batch request, upserts of 200 per sObject Collections request), the Bulk API 2.0 backfill, and, for
 * comparison, the same drain with an adapter that only has `recordCall` (one message at a time) on 1,000 calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase, SqliteOutboxStore } from '../adapters/storage/sqlite';
import { CRM_DRAIN_BATCH_SIZE, drainCrmOutbox } from '../app/crm/index';
import { setupServer } from 'msw/node';
import { createSalesforceCrmAdapter, type SalesforceCrmAdapter } from '../adapters/crm/salesforce';
import type { CrmCallRecord } from '../core/crm/crm-adapter.port';
import { createExponentialBackoff } from '../core/crm/crm-sync';
import { RECORD_CALL_KIND } from '../core/crm/record-call.payload';
import type { CrmAdapter } from '../core/crm/crm-adapter.port';
import { createSeededRandom } from '../core/shared/clock.port';
import { createSalesforceFake, FAKE_CONSUMER_KEY, FAKE_LOGIN_URL, FAKE_USERNAME, generateSalesforceKeyPair, type SalesforceFake } from '../test/fakes/salesforce-api.fake';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const CALLS = arg('calls', 10_000);
const NUMBERS = arg('numbers', 4_000);
const KNOWN = arg('known', 3_000);
const CLAIM = arg('claim', CRM_DRAIN_BATCH_SIZE);
const GOAL_PER_1000 = 10;
const TENANT = 'acme';
const clock = { now: () => new Date() };
const keys = generateSalesforceKeyPair();
const server = setupServer();
server.listen({ onUnhandledRequest: 'error' });

const phoneOf = (n: number) => `+86138${String(n).padStart(8, '0')}`;

function generateCalls(count: number): CrmCallRecord[] {
  const rnd = createSeededRandom('salesforce-bench');
  return Array.from({ length: count }, (_, i) => {
    const withheld = rnd.next() < 0.05;
    const id = `c_${String(i).padStart(6, '0')}`;
    return {
      hubCallId: id,
      startedAt: new Date(Date.UTC(2026, 10, 2) + i * 37_000).toISOString(),
      durationS: Math.floor(rnd.next() * 900),
      direction: rnd.next() < 0.7 ? 'inbound' : 'outbound',
      agentName: `agent-${Math.floor(rnd.next() * 80)}`,
      inquiryType: ['退款', '物流', 'billing', 'other'][Math.floor(rnd.next() * 4)] as string,
      flags: rnd.next() < 0.2 ? ['SENSITIVE_WORD'] : [],
      risk: Math.round(rnd.next() * 100) / 100,
      score: rnd.next() < 0.3 ? Math.round(rnd.next() * 100) : null,
      analysis: 'done',
      recordingStatus: 'stored',
      appLink: null,
      customerPhone: withheld ? null : phoneOf(Math.floor(rnd.next() * NUMBERS)),
    };
  });
}

function freshOrg(lookupCacheTtlMs?: number): { fake: SalesforceFake; adapter: SalesforceCrmAdapter } {
  const fake = createSalesforceFake({ publicKeyPem: keys.publicKeyPem, apiLimit: 1_000_000, bulkPollsUntilComplete: 1 });
  for (let n = 0; n < KNOWN; n++) {
    const account = n % 3 === 0 ? fake.addPerson('Account', { Name: `Account ${n}`, Type: 'Customer - Direct', Rating: 'Hot' }) : null;
    fake.addPerson('Contact', { Name: `Customer ${n}`, MobilePhone: phoneOf(n), AccountId: account?.Id ?? null });
  }
  server.resetHandlers(...fake.handlers);
  const adapter = createSalesforceCrmAdapter({
    clock,
    ...(lookupCacheTtlMs === undefined ? {} : { lookupCacheTtlMs }),
    resolveConnection: () => ({
      loginUrl: FAKE_LOGIN_URL,
      consumerKey: FAKE_CONSUMER_KEY,
      username: FAKE_USERNAME,
      privateKeyPem: keys.privateKeyPem,
      apiVersion: '62.0',
      tagFields: ['Account.Type', 'Account.Rating'],
    }),
  });
  return { fake, adapter };
}

function tally(fake: SalesforceFake) {
  const by = (re: RegExp) => fake.requests.filter((r) => re.test(r.path)).length;
  return {
    total: fake.requests.length,
    token: by(/oauth2\/token$/),
    lookups: by(/composite\/batch$/),
    collections: by(/composite\/sobjects\//),
    bulk: by(/jobs\/ingest/),
  };
}

/** A real SQLite outbox in a temporary directory, as `callsight serve` keeps it. */
function openOutbox(): { store: SqliteOutboxStore; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'callsight-sf-bench-'));
  const db = openSqliteDatabase(join(dir, 'callsight.db'));
  return {
    store: new SqliteOutboxStore(db),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function enqueueAll(store: SqliteOutboxStore, calls: readonly CrmCallRecord[]): Promise<void> {
  const now = clock.now();
  for (const call of calls) await store.enqueue({ id: `m_${call.hubCallId}`, tenantId: TENANT, kind: RECORD_CALL_KIND, payload: { crm: 'salesforce', call }, now });
}

/** The hub's drain (app/crm drainCrmOutbox) until nothing is due; what it delivered and dead-lettered. */
async function drainAll(store: SqliteOutboxStore, adapter: CrmAdapter, batchSize: number): Promise<{ done: number; failed: number }> {
  let done = 0;
  let failed = 0;
  const backoff = createExponentialBackoff({ baseMs: 30_000, maxMs: 3_600_000 });
  for (;;) {
    const report = await drainCrmOutbox({ outbox: store, adapters: { salesforce: adapter }, clock, backoff, log: () => {}, batchSize });
    done += report.recorded;
    failed += report.retried + report.deferred + report.dead;
    if (report.claimed === 0 || failed > 0) break;
  }
  return { done, failed };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const per1000 = (requests: number, calls: number) => (requests * 1000) / calls;
const verdict = (value: number) => (value <= GOAL_PER_1000 ? 'meets goal' : 'MISSES goal');

const calls = generateCalls(CALLS);
const distinct = new Set(calls.map((c) => c.customerPhone).filter((p) => p !== null)).size;
console.log(`Salesforce sync: ${fmt(CALLS)} calls, ${fmt(distinct)} distinct customer numbers (${fmt(KNOWN)} of ${fmt(NUMBERS)} possible numbers are Contacts), 5% withheld`);
console.log(`goal: <= ${GOAL_PER_1000} API requests per 1,000 calls, lookups and token requests included\n`);

for (const [label, ttl] of [['default 5-minute lookup cache', undefined], ['lookup cache off', 0]] as const) {
  const { fake, adapter } = freshOrg(ttl);
  const outbox = openOutbox();
  await enqueueAll(outbox.store, calls);
  const started = performance.now();
  const { done, failed } = await drainAll(outbox.store, adapter, CLAIM);
  const ms = performance.now() - started;
  outbox.close();
  const t = tally(fake);
  const records = fake.records('Call_Recording__c').size;
  const rate = per1000(t.total, CALLS);
  console.log(`hub outbox drain (drainCrmOutbox on SQLite, recordCalls, ${fmt(CLAIM)} messages a claim, ${label})`);
  console.log(`  requests: ${fmt(t.total)} = ${t.token} token + ${t.lookups} lookup batches + ${t.collections} collection upserts`);
  console.log(`  per 1,000 calls: ${rate.toFixed(1)} (goal <= ${GOAL_PER_1000}: ${verdict(rate)})`);
  console.log(`  drain time: ${(ms / 1000).toFixed(2)} s (${fmt(Math.round((CALLS * 1000) / ms))} calls/s); delivered ${fmt(done)}, failed ${failed}, records in org ${fmt(records)}`);
  console.log(`  org API usage counted by the fake (Composite Batch subrequests count one each): ${fmt(fake.counts().apiUsage)}\n`);
  if (records !== CALLS || done !== CALLS) throw new Error('the batch drain lost or doubled calls');
}

{
  const { fake, adapter } = freshOrg();
  const started = performance.now();
  const outcomes = await adapter.backfillCalls(TENANT, calls, { pollIntervalMs: 0, sleep: async () => undefined });
  const ms = performance.now() - started;
  const t = tally(fake);
  const rate = per1000(t.total, CALLS);
  console.log('Bulk API 2.0 backfill (backfillCalls)');
  console.log(`  requests: ${fmt(t.total)} = ${t.token} token + ${t.lookups} lookup batches + ${t.bulk} bulk (create, upload, close, poll, results)`);
  console.log(`  per 1,000 calls: ${rate.toFixed(1)} (goal <= ${GOAL_PER_1000}: ${verdict(rate)})`);
  console.log(`  time: ${(ms / 1000).toFixed(2)} s; ok ${fmt(outcomes.filter((o) => o.ok).length)}, records in org ${fmt(fake.records('Call_Recording__c').size)}\n`);
}

{
  const sample = calls.slice(0, 1_000);
  const { fake, adapter } = freshOrg();
  const oneAtATime: CrmAdapter = { crm: 'salesforce', findCustomerByPhone: (t, p) => adapter.findCustomerByPhone(t, p), recordCall: (t, c) => adapter.recordCall(t, c) };
  const outbox = openOutbox();
  await enqueueAll(outbox.store, sample);
  const started = performance.now();
  await drainAll(outbox.store, oneAtATime, 100);
  const ms = performance.now() - started;
  outbox.close();
  const t = tally(fake);
  const rate = per1000(t.total, sample.length);
  console.log('for comparison: the same drain with an adapter without recordCalls (one recordCall per message, first 1,000 calls)');
  console.log(`  requests: ${fmt(t.total)} = ${t.token} token + ${t.lookups} lookups + ${t.collections} upserts; per 1,000 calls: ${rate.toFixed(1)} (goal <= ${GOAL_PER_1000}: ${verdict(rate)})`);
  console.log(`  drain time: ${(ms / 1000).toFixed(2)} s`);
}

server.close();
