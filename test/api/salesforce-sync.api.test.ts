/**
 * Salesforce data through the real hub (SQLite): calls ingested over HTTP are synced to the Salesforce fake (msw,
 * test/fakes/salesforce-api.fake.ts) by the hub's drain, come back carrying their customer's Account.Type as a
 * customer tag (`sf:type:...`), and the content x tags insight (GET /api/v1/insights/segments) counts them; a re-sync
 * after the account changed replaces the tag. Then the operator's Bulk API 2.0 backfill
 * (`callsight salesforce backfill`, run in-process so msw sees its requests) writes every call since a date.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupServer } from 'msw/node';
import { Command } from 'commander';
import { cliActor } from '../../app/shared/actor';
import { queueCrmUpdate } from '../../app/crm/index';
import { registerSalesforceCommands } from '../../bin/commands/salesforce.command';
import { createCrmSync, crmFollowUpPorts, crmUseCasesOf, salesforceBackfillOf } from '../../bin/wiring/zendesk.wiring';
import { analyzeTranscript } from '../../core/analysis/analyze-transcript';
import { buildAnalysisConfig } from '../../core/analysis/analysis.config';
import {
  createSalesforceFake,
  FAKE_CONSUMER_KEY,
  FAKE_LOGIN_URL,
  FAKE_USERNAME,
  generateSalesforceKeyPair,
  type FakePerson,
  type SalesforceFake,
} from '../fakes/salesforce-api.fake';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { startTestHub, type TestHub } from '../support/hub';
import { transcriptOf } from '../app/quality-fixtures';

const KEYS = generateSalesforceKeyPair();
const CUSTOMER_PHONE = '+8613812345678';
const OTHER_PHONE = '+8613900000001';
const RANGE = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

let hub: TestHub;
let fake: SalesforceFake;
let account: FakePerson;
let admin: string;
const server = setupServer();
server.listen({
  onUnhandledRequest(request, print) {
    if (['127.0.0.1', 'localhost'].includes(new URL(request.url).hostname)) return;
    fake.onUnhandledRequest(request, print);
  },
});

async function ingest(n: number, customerPhone: string, day: number): Promise<string> {
  const form = new FormData();
  form.set(
    'metadata',
    JSON.stringify({ providerCallId: `sf-${n}`, direction: 'inbound', startedAt: `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`, agentId: 'a-1', customerPhone, tags: ['renewal'] }),
  );
  form.set('audio', new Blob([Buffer.from(synthesizeCallWav({ durationS: 20, seed: `sf-${n}` }))]), 'call.wav');
  const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${admin}` } });
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { id: string }).id;
}

async function segments(tag: string): Promise<{ taggedCalls: number; restCalls: number; analysedCalls: number }> {
  const query = new URLSearchParams({ tag, ...RANGE });
  const response = await fetch(`${hub.url}/api/v1/insights/segments?${query}`, { headers: { Authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { taggedCalls: number; restCalls: number; analysedCalls: number };
}

const tagsOf = async (callId: string) => (await hub.hub.calls.getCall('acme', callId, { kind: 'all' }))?.tags;
const ids: string[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'CN', industry: 'ecommerce' });
  await hub.hub.calls.upsertAgent({ tenantId: 'acme', id: 'a-1', name: 'Li Na', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  fake = createSalesforceFake({ publicKeyPem: KEYS.publicKeyPem });
  server.resetHandlers(...fake.handlers);
  account = fake.addPerson('Account', { Name: 'Acme Ltd', Phone: '+86 10 0000 0000', Type: 'Customer - Direct' });
  fake.addPerson('Contact', { Name: '李娜', Phone: '138 1234 5678', AccountId: account.Id });
  await crmUseCasesOf(hub.hub).connectSalesforce(cliActor('acme'), {
    orgId: '00D000000000001AAA',
    loginUrl: FAKE_LOGIN_URL,
    consumerKey: FAKE_CONSUMER_KEY,
    username: FAKE_USERNAME,
    privateKeyPem: KEYS.privateKeyPem,
    tagFields: ['Account.Type'],
  });
  admin = await hub.token('admin', { tenant: 'acme' });
}, 60_000);

afterAll(async () => {
  server.close();
  await hub?.close();
  expect(fake?.unhandledRequests ?? []).toEqual([]);
});

describe('Salesforce customer tags on calls', () => {
  it("stores the customer's Account.Type on the synced call, and the segments insight compares by it", async () => {
    ids.push(await ingest(1, CUSTOMER_PHONE, 2), await ingest(2, OTHER_PHONE, 3), await ingest(3, CUSTOMER_PHONE, 4));
    const config = buildAnalysisConfig({ industry: 'ecommerce' });
    for (const id of ids) {
      const call = (await hub.hub.calls.getCall('acme', id, { kind: 'all' }))!;
      await hub.hub.transcripts.saveAnalysis('acme', id, call.startedAt, analyzeTranscript(transcriptOf({ turns: 3, interrupted: 0 }), config, { durationS: call.durationS }), new Date());
    }
    expect(await segments('sf:type:Customer - Direct')).toMatchObject({ taggedCalls: 0, restCalls: 3 });

    const lines: string[] = [];
    const report = await createCrmSync(hub.hub, { log: (line) => lines.push(line) }).drainOnce();
    expect(report).toMatchObject({ recorded: 3 });
    expect(lines).toEqual([]);
    expect([...fake.records('Call_Recording__c').keys()].sort()).toEqual([...ids].sort());

    expect(await tagsOf(ids[0]!)).toEqual(['renewal', 'sf:type:Customer - Direct']);
    expect(await tagsOf(ids[1]!)).toEqual(['renewal']);
    expect(await tagsOf(ids[2]!)).toEqual(['renewal', 'sf:type:Customer - Direct']);
    expect(await segments('sf:type:Customer - Direct')).toMatchObject({ taggedCalls: 2, restCalls: 1, analysedCalls: 3 });
    expect(await segments('renewal')).toMatchObject({ taggedCalls: 3, restCalls: 0 });
    const listed = await fetch(`${hub.url}/api/v1/calls?${new URLSearchParams({ tag: 'sf:type:Customer - Direct' })}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(((await listed.json()) as { items: { id: string }[] }).items.map((c) => c.id).sort()).toEqual([ids[0], ids[2]].sort());
  });

  it("replaces the CRM's tags when the account changed and the call is synced again; ingest tags stay", async () => {
    account.fields.Type = 'Partner';
    expect(await queueCrmUpdate(crmFollowUpPorts(hub.hub), 'acme', ids[0]!, 'analysis')).toBe(1);
    // A new drain (a restarted hub) has no lookup cache, so the account is read again.
    expect(await createCrmSync(hub.hub, { log: () => {} }).drainOnce()).toMatchObject({ recorded: 1 });
    expect(await tagsOf(ids[0]!)).toEqual(['renewal', 'sf:type:Partner']);
    expect(await segments('sf:type:Partner')).toMatchObject({ taggedCalls: 1, restCalls: 2 });
    expect(await segments('sf:type:Customer - Direct')).toMatchObject({ taggedCalls: 1, restCalls: 2 });
  });
});

describe('callsight salesforce backfill', () => {
  it('writes every call since a date through one Bulk API 2.0 job per chunk, with progress; a re-run doubles nothing', async () => {
    for (let n = 10; n < 15; n++) ids.push(await ingest(n, n % 2 === 0 ? CUSTOMER_PHONE : OTHER_PHONE, 20 + (n - 10)));
    const before = fake.requests.length;
    const progress: { done: number; total: number }[] = [];
    const backfill = salesforceBackfillOf(hub.hub, { chunkSize: 3, onProgress: (p) => progress.push(p), bulk: { sleep: async () => undefined } });
    const result = await backfill(cliActor('acme'), { since: '2026-11-20T00:00:00Z' });
    expect(result).toEqual({ total: 5, recorded: 5, failed: {} });
    expect(progress).toEqual([{ done: 0, total: 5 }, { done: 3, total: 5 }, { done: 5, total: 5 }]);
    const sent = fake.requests.slice(before);
    expect(sent.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/ingest')).length).toBe(2);
    expect(sent.some((r) => r.path.includes('/composite/sobjects/'))).toBe(false);
    const records = fake.records('Call_Recording__c');
    expect(records.size).toBe(8);
    for (const id of ids.slice(3)) expect(records.get(id)).toMatchObject({ Hub_Call_Id__c: id, Recording_Status__c: 'Stored' });
    const call = await hub.hub.calls.getCall('acme', ids[3]!, { kind: 'all' });
    expect(call?.crmLinks[0]).toMatchObject({ crm: 'salesforce', objectType: 'Call_Recording__c', id: records.get(ids[3]!)?.Id });
    expect(call?.tags).toEqual(['renewal', 'sf:type:Partner']);

    const again = await salesforceBackfillOf(hub.hub, { bulk: { sleep: async () => undefined } })(cliActor('acme'), { since: '2026-11-20T00:00:00Z' });
    expect(again).toEqual({ total: 5, recorded: 5, failed: {} });
    expect(records.size).toBe(8);
  });

  it('the command runs the backfill with a progress bar and prints the counts; a bad --since or a tenant without Salesforce is refused', async () => {
    const previous = { DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };
    process.env.DATA_DIR = hub.dataDir;
    process.env.LOG_LEVEL = 'silent';
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const program = () => {
      const p = new Command().exitOverride().configureOutput({ writeErr: (s) => err.push(s), writeOut: (s) => out.push(s) });
      registerSalesforceCommands(p);
      return p;
    };
    try {
      await program().parseAsync(['salesforce', 'backfill', '--tenant', 'acme', '--since', '2026-11-22'], { from: 'user' });
      expect(JSON.parse(out.join('').trim().split('\n').at(-1)!)).toEqual({ total: 3, recorded: 3, failed: {} });
      expect(err.join('')).toContain('3/3 calls');
      expect(err.join('')).toContain('tenant acme: 3 of 3 calls written to Salesforce');

      await expect(program().parseAsync(['salesforce', 'backfill', '--tenant', 'acme', '--since', 'yesterday'], { from: 'user' })).rejects.toMatchObject({
        code: 'commander.invalidArgument',
      });
      expect(err.join('')).toContain('use a date YYYY-MM-DD');
      await hub.hub.ensureTenant({ id: 'plain', name: 'No CRM', defaultRegion: 'CN', industry: 'general' });
      await expect(program().parseAsync(['salesforce', 'backfill', '--tenant', 'plain'], { from: 'user' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('callsight salesforce connect'),
      });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }, 30_000);
});
