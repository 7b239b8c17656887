/**
 * The Zendesk sync through the real hub: calls ingested over HTTP queue `crm.record_call` in their own
 * transaction (SQLite outbox), and the drain delivers them to a fake Zendesk (msw) through an outage, a rate
 * limit and a crash between Zendesk's answer and the outbox commit, with nothing lost and nothing doubled. Then
 * the record follows the call: the analysis and the shredding of the recording reach the same Zendesk record, and
 * the ticket note, posted once the analysis is done, shows the risk found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { DEFAULT_FIELD_KEYS } from '../../adapters/crm/zendesk';
import type { HubStorage } from '../../bin/storage';
import { createExponentialBackoff } from '../../core/crm/crm-sync';
import { cliActor } from '../../app/shared/actor';
import { createCrmSync, crmUseCasesOf, type CrmSync } from '../../bin/wiring/zendesk.wiring';
import { createZendeskFake, type FakeTicket, type ZendeskFake } from '../fakes/zendesk-api.fake';
import { createOpenAiTranscriptionsFake, FAKE_OPENAI_BASE_URL } from '../fakes/openai-transcriptions.fake';
import { labelAnalysisCode } from '../../core/analysis/analysis.labels';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { ManualClock } from '../unit/crm/crm-test-data';

const EMAIL = 'sync@acme.example';
const API_TOKEN = 'zdTOKENs3cr3t6b9a1f0e';
const CUSTOMERS = 5;
const phoneOf = (i: number) => `+86138000000${String(i).padStart(2, '0')}`;

let hub: TestHub;
let fake: ZendeskFake;
let admin: string;
let outbox: HubStorage['outbox'];
const tickets: FakeTicket[] = [];
const server = setupServer();
server.listen({
  onUnhandledRequest(request, print) {
    // The test talks to the hub on loopback; every other request must be one the Zendesk fake knows.
    if (['127.0.0.1', 'localhost'].includes(new URL(request.url).hostname)) return;
    fake.onUnhandledRequest(request, print);
  },
});

async function ingest(tenantToken: string, n: number, extra: Record<string, unknown> = {}, durationS = 30) {
  const form = new FormData();
  const metadata = {
    providerCallId: `zd-${n}`,
    direction: 'inbound',
    startedAt: `2026-11-02T09:${String(n % 60).padStart(2, '0')}:00Z`,
    agentId: 'a-1',
    customerPhone: phoneOf(n % CUSTOMERS),
    inquiryType: '退款',
    ...extra,
  };
  form.set('metadata', JSON.stringify(metadata));
  form.set('audio', new Blob([Buffer.from(synthesizeCallWav({ durationS, seed: `zd-${n}` }))]), 'call.wav');
  const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${tenantToken}` } });
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { id: string }).id;
}

function notesFor(callId: string): number {
  return tickets.flatMap((ticket) => fake.comments(ticket.id)).filter((comment) => comment.body.includes(`Callsight ref: ${callId}`)).length;
}

async function drainUntilSettled(sync: CrmSync, clock: ManualClock): Promise<void> {
  for (let round = 0; round < 20 && (await outbox.counts()).pending > 0; round++) {
    await sync.drainOnce();
    clock.advanceMs(61_000);
  }
}

const callIds: string[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  await hub.hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'CN', industry: 'ecommerce' });
  await hub.hub.ensureTenant({ id: 'plain', name: 'No CRM', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.calls.upsertAgent({ tenantId: 'acme', id: 'a-1', name: 'Li Na', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
  fake = createZendeskFake({ credentials: { email: EMAIL, apiToken: API_TOKEN }, customObjectFieldKeys: Object.values(DEFAULT_FIELD_KEYS) });
  server.resetHandlers(...fake.handlers);
  for (let i = 0; i < CUSTOMERS; i++) {
    const user = fake.addUser({ name: `客户 ${i}`, phone: phoneOf(i) });
    tickets.push(fake.addTicket({ requester_id: user.id, status: 'open' }));
  }
  await crmUseCasesOf(hub.hub).connectZendesk(cliActor('acme'), {
    subdomain: 'acme',
    email: EMAIL,
    apiToken: API_TOKEN,
    notes: { enabled: true },
    appLinkBase: 'https://callsight.example.com/calls',
  });
  outbox = hub.hub.storage.outbox;
  admin = await hub.token('admin', { tenant: 'acme' });
}, 60_000);

afterAll(async () => {
  server.close();
  await hub?.close();
});

describe('Zendesk sync through the hub', () => {
  it('queues one message per stored call of a connected tenant, in the call transaction', async () => {
    for (let n = 0; n < 10; n++) callIds.push(await ingest(admin, n));
    callIds.push(await ingest(admin, 10, { customerPhone: null }));
    await ingest(admin, 11, {}, 2); // a misdial: kept, never put on the customer
    await ingest(admin, 3); // the same provider call again: no second message
    await ingest(await hub.token('admin', { tenant: 'plain' }), 20);

    const messages = await outbox.list('acme');
    expect(messages.map((m) => (m.payload as { call: { hubCallId: string } }).call.hubCallId).sort()).toEqual([...callIds].sort());
    expect(messages[0]?.payload).toMatchObject({
      crm: 'zendesk',
      call: { agentName: 'Li Na', customerPhone: phoneOf(0), appLink: `https://acme.zendesk.com/agent/apps/callsight/calls/${callIds[0]}`, flags: [], analysis: 'none' },
    });
    expect(await outbox.list('plain')).toEqual([]);
  });

  it('drains through an outage and a rate limit with nothing lost or doubled, and links the calls', async () => {
    const clock = new ManualClock(new Date());
    const sync = createCrmSync(hub.hub, { clock, backoff: createExponentialBackoff({ baseMs: 10_000, maxMs: 60_000 }), log: () => {} });

    fake.startOutage({ kind: 'status', status: 503 });
    expect(await sync.drainOnce()).toMatchObject({ claimed: 11, recorded: 0, retried: 1, released: 10 });
    clock.advanceMs(11_000);
    expect(await sync.drainOnce()).toMatchObject({ recorded: 0, retried: 1, released: 10 });
    expect(fake.records()).toEqual([]);

    fake.endOutage();
    fake.rateLimitNext(1, 5);
    clock.advanceMs(21_000);
    expect(await sync.drainOnce()).toMatchObject({ recorded: 0, deferred: 1, released: 10 });
    clock.advanceMs(4_000);
    expect((await sync.drainOnce()).claimed).toBe(0);
    clock.advanceMs(1_000);
    await drainUntilSettled(sync, clock);

    expect(await outbox.counts('crm.record_call')).toEqual({ pending: 0, done: 11, dead: 0 });
    expect(fake.records().map((r) => r.external_id).sort()).toEqual([...callIds].sort());
    for (const id of callIds.slice(0, 10)) expect(notesFor(id)).toBe(1);
    expect(notesFor(callIds[10]!)).toBe(0);

    const view = await fetch(`${hub.url}/api/v1/calls/${callIds[0]}`, { headers: { Authorization: `Bearer ${admin}` } });
    const { crmLinks } = (await view.json()) as { crmLinks: { crm: string; objectType: string; id: string }[] };
    const record = fake.record(callIds[0]!)!;
    expect(crmLinks).toEqual([
      { crm: 'zendesk', objectType: 'custom_object_record:callsight_call', id: record.id },
      { crm: 'zendesk', objectType: 'user', id: String(tickets[0]!.requester_id) },
      { crm: 'zendesk', objectType: 'ticket', id: String(tickets[0]!.id) },
    ]);
    expect(record.custom_object_fields).toMatchObject({ agent_name: 'Li Na', app_link: `https://acme.zendesk.com/agent/apps/callsight/calls/${callIds[0]}`, recording_status: 'stored' });
  });

  it('redelivers after a crash between the CRM answer and the outbox commit without doubling anything', async () => {
    const clock = new ManualClock(new Date(Date.now() + 3_600_000));
    const sync = createCrmSync(hub.hub, { clock, log: () => {} });
    const [first] = await outbox.list('acme');
    // The markDone transaction "never committed": the row is as it was when claimed, the lease long gone.
    sqliteOf(hub.hub).prepare(`UPDATE outbox SET status = 'pending', result_json = NULL WHERE id = ?`).run(first!.id);
    const recordsBefore = fake.records().length;

    expect(await sync.drainOnce()).toMatchObject({ claimed: 1, recorded: 1 });
    expect(fake.records()).toHaveLength(recordsBefore);
    expect(notesFor(callIds[0]!)).toBe(1);
    expect(await outbox.counts('crm.record_call')).toEqual({ pending: 0, done: 11, dead: 0 });
    expect(fake.unhandledRequests).toEqual([]);
  });
});

describe('the Zendesk record follows the call', () => {
  const OPENAI_KEY = 'sk-test-follow-up-key';
  const asr = createOpenAiTranscriptionsFake({
    apiKey: OPENAI_KEY,
    respond: () => ({
      task: 'transcribe',
      language: 'english',
      duration: 30,
      text: 'It is a guaranteed return with no risk. You will surely make money.',
      segments: [
        { id: 0, seek: 0, start: 0.4, end: 4.2, text: ' It is a guaranteed return with no risk.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 },
        { id: 1, seek: 0, start: 5.1, end: 9.8, text: ' You will surely make money, guaranteed return.', tokens: [], temperature: 0, avg_logprob: -0.25, compression_ratio: 1.1, no_speech_prob: 0.02 },
      ],
    }),
  });
  let finco: string;

  beforeAll(async () => {
    server.use(...asr.handlers);
    await hub.hub.ensureTenant({ id: 'finco', name: 'FinCo', defaultRegion: 'CN', industry: 'finance' });
    await hub.hub.calls.upsertAgent({ tenantId: 'finco', id: 'a-1', name: 'Li Na', team: 'north', seniority: 'senior', hiredAt: '2020-01-01' });
    finco = await hub.token('admin', { tenant: 'finco' });
    const saved = await fetch(`${hub.url}/api/v1/settings/analysis`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${finco}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ transcriber: { kind: 'openai-compatible', baseUrl: FAKE_OPENAI_BASE_URL, model: 'whisper-1', language: 'en', apiKey: OPENAI_KEY } }),
    });
    expect(saved.status).toBe(200);
    await crmUseCasesOf(hub.hub).connectZendesk(cliActor('finco'), {
      subdomain: 'finco',
      baseUrl: 'https://acme.zendesk.com',
      email: EMAIL,
      apiToken: API_TOKEN,
      notes: { enabled: true },
      appName: 'Callsight QA',
    });
  }, 60_000);

  it('updates the record after the analysis finds risk and flags, posts the note with that risk, and marks the record when the recording is shredded', async () => {
    const clock = new ManualClock(new Date(Date.now() + 7_200_000));
    const sync = createCrmSync(hub.hub, { clock, log: () => {} });
    const callId = await ingest(finco, 40);
    const ticket = tickets[40 % CUSTOMERS]!;
    const notesBefore = fake.comments(ticket.id).length;

    await drainUntilSettled(sync, clock);
    const atIngest = fake.record(callId)!;
    expect(atIngest.custom_object_fields).toMatchObject({ risk: null, flags: null, recording_status: 'stored', app_link: `https://finco.zendesk.com/agent/apps/callsight-qa/calls/${callId}` });
    expect(fake.comments(ticket.id)).toHaveLength(notesBefore);

    await hub.hub.jobs.drain();
    const analysis = await hub.hub.transcripts.getAnalysis('finco', callId);
    expect(analysis?.risk).toBeGreaterThan(0);
    expect(analysis?.flags.length).toBeGreaterThan(0);
    expect((await outbox.list('finco')).filter((m) => m.status === 'pending')).toHaveLength(1);
    await drainUntilSettled(sync, clock);

    const analysed = fake.record(callId)!;
    expect(analysed.id).toBe(atIngest.id);
    const codes = [...new Set(analysis!.flags.map((f) => f.code))];
    expect(analysed.custom_object_fields).toMatchObject({ risk: Math.round(analysis!.risk * 1000) / 1000, flags: codes.join(', ') });
    const notes = fake.comments(ticket.id).filter((c) => c.body.includes(`Callsight ref: ${callId}`));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.html_body).toContain(`Risk: ${Math.round(analysis!.risk * 100)}%`);
    expect(notes[0]!.html_body).not.toContain('Risk: 0%');
    for (const code of codes) expect(notes[0]!.html_body).toContain(labelAnalysisCode('flag', code, 'en') ?? code);
    expect(notes[0]!.html_body).toContain(`https://finco.zendesk.com/agent/apps/callsight-qa/calls/${callId}`);
    expect(notes[0]!.html_body).not.toMatch(/127\.0\.0\.1|\/api\/v1\//);

    const deleted = await fetch(`${hub.url}/api/v1/calls/${callId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${finco}` } });
    expect(deleted.status).toBe(200);
    await drainUntilSettled(sync, clock);
    expect(fake.record(callId)!.custom_object_fields).toMatchObject({ recording_status: 'deleted', risk: null });
    expect(fake.records().filter((r) => r.external_id === callId)).toHaveLength(1);
    expect(fake.comments(ticket.id).filter((c) => c.body.includes(`Callsight ref: ${callId}`))).toHaveLength(1);
    expect(await outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    expect(fake.unhandledRequests).toEqual([]);
  });
});
