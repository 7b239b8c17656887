import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createZendeskCrmAdapter, type ZendeskConnection } from '../../../adapters/crm/zendesk';
import { createExponentialBackoff, drainOutbox, type DrainOptions } from '../../../core/crm/crm-sync';
import { RECORD_CALL_KIND } from '../../../core/crm/record-call.payload';
import type { ZendeskFake } from '../../fakes/zendesk-api.fake';
import { InMemoryOutboxStore } from './in-memory-outbox.store';
import { ManualClock, buildPayload } from './crm-test-data';
import { connectionFor, startZendeskServer } from './zendesk-harness';

const T0 = new Date('2026-11-02T10:00:00.000Z');
const SECOND = 1000;
const zendesk = startZendeskServer();
afterEach(() => {
  expect(zendesk.current()?.unhandledRequests ?? []).toEqual([]);
});
afterAll(() => zendesk.server.close());

async function setup(fake: ZendeskFake, calls: number, connection: Partial<ZendeskConnection> = {}) {
  const clock = new ManualClock(T0);
  const store = new InMemoryOutboxStore();
  let current = connectionFor(fake, connection);
  const adapter = createZendeskCrmAdapter({ resolveConnection: (tenantId) => (tenantId === 'acme' ? current : null), clock });
  for (let i = 0; i < calls; i++) {
    const phone = `+86138000000${String(i % 10).padStart(2, '0')}`;
    await store.enqueue({
      id: `m${i}`,
      tenantId: 'acme',
      kind: RECORD_CALL_KIND,
      payload: buildPayload({ hubCallId: `c_${String(i).padStart(4, '0')}`, customerPhone: phone }),
      now: new Date(T0.getTime() - (calls - i)),
    });
  }
  const options: DrainOptions = {
    store,
    clock,
    adapters: { zendesk: adapter },
    maxAttempts: 10,
    backoff: createExponentialBackoff({ baseMs: 5 * SECOND, maxMs: 60 * SECOND }),
    batchSize: 20,
  };
  return { clock, store, options, reconnect: (next: Partial<ZendeskConnection>) => (current = connectionFor(fake, next)) };
}

function seedCustomers(fake: ZendeskFake) {
  return Array.from({ length: 10 }, (_, i) => {
    const user = fake.addUser({ name: `客户 ${i}`, phone: `+86138000000${String(i).padStart(2, '0')}` });
    const ticket = fake.addTicket({ requester_id: user.id, status: 'open' });
    return { user, ticket };
  });
}

describe('Zendesk sync through the outbox', () => {
  it('on a 429 sends nothing until Retry-After has passed, then records everything', async () => {
    const fake = zendesk.use();
    seedCustomers(fake);
    const { clock, store, options } = await setup(fake, 3);
    fake.rateLimitNext(1, 20);

    expect(await drainOutbox(options)).toMatchObject({ deferred: 1, released: 2, recorded: 0 });
    expect(fake.requests).toHaveLength(1);

    clock.advanceMs(19 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 0 });
    expect(fake.requests).toHaveLength(1);

    clock.advanceMs(1 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ recorded: 3 });
    expect(store.all().map((m) => [m.status, m.attempts])).toEqual([
      ['done', 0],
      ['done', 0],
      ['done', 0],
    ]);
    expect(fake.records()).toHaveLength(3);
  });

  it('with many calls queued and the API down for minutes, drains everything after recovery: nothing lost, nothing doubled', async () => {
    const fake = zendesk.use();
    const customers = seedCustomers(fake);
    const { clock, store, options } = await setup(fake, 40);
    // A call takes 6 requests (search, upsert, tickets, pin ticket, note, confirm note): the outage
    // begins right after call 7's note was posted and before it was confirmed.
    const outageStartsAfterRequests = 6 * 6 + 5;
    const recoveryAt = new Date(T0.getTime() + 4 * 60 * SECOND);
    let seen = 0;
    fake.failNext(Number.MAX_SAFE_INTEGER, { kind: 'status', status: 503 }, () => ++seen > outageStartsAfterRequests && clock.now() < recoveryAt);

    const failedDuringOutage = new Set<string>();
    for (let step = 0; step < 200 && store.all().some((m) => m.status === 'pending'); step++) {
      const report = await drainOutbox(options);
      if (report.retried > 0) failedDuringOutage.add(clock.now().toISOString());
      clock.advanceMs(5 * SECOND);
    }

    expect(failedDuringOutage.size).toBeGreaterThan(3);
    expect(fake.requests[outageStartsAfterRequests - 1]?.method).toBe('PUT');
    expect(store.all().filter((m) => m.status !== 'done')).toEqual([]);
    expect(fake.records()).toHaveLength(40);
    expect(new Set(fake.records().map((r) => r.external_id)).size).toBe(40);
    for (const { ticket } of customers) {
      const notes = fake.comments(ticket.id);
      expect(notes).toHaveLength(4);
      expect(new Set(notes.map((n) => /Callsight ref: (\S+)/.exec(n.body)?.[1])).size).toBe(4);
    }
    const done = await store.read('m39');
    expect(done?.result?.links.map((l) => l.objectType)).toEqual(['custom_object_record:callsight_call', 'user', 'ticket']);
  });

  it('dead-letters a permanent rejection at once and never calls Zendesk for it again', async () => {
    const fake = zendesk.use();
    seedCustomers(fake);
    const { clock, store, options } = await setup(fake, 1, { customObjectKey: 'never_created' });
    expect(await drainOutbox(options)).toMatchObject({ dead: 1, failuresByCode: { CRM_REJECTED: 1 } });
    const requestsAfterFirst = fake.requests.length;
    clock.advanceMs(3_600 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ claimed: 0 });
    expect(fake.requests).toHaveLength(requestsAfterFirst);
    expect(await store.read('m0')).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'CRM_REJECTED' });
  });

  it('keeps retrying through refused credentials and delivers once an admin fixes them', async () => {
    const fake = zendesk.use();
    seedCustomers(fake);
    const { clock, store, options, reconnect } = await setup(fake, 2, { auth: { kind: 'api_token', email: 'sync@acme.example', apiToken: 'revoked' } });
    expect(await drainOutbox(options)).toMatchObject({ retried: 1, released: 1, failuresByCode: { CRM_AUTH_FAILED: 1 } });
    reconnect({});
    clock.advanceMs(5 * SECOND);
    expect(await drainOutbox(options)).toMatchObject({ recorded: 2 });
    expect(store.all().map((m) => m.status)).toEqual(['done', 'done']);
  });
});
