import { inspect } from 'node:util';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  buildPhoneSearch,
  createSalesforceCrmAdapter,
  parseApiUsage,
  quoteSoslTerm,
  resolveSalesforceConnection,
  type SalesforceConnection,
  type SalesforceCrmAdapter,
} from '../../../adapters/crm/salesforce';
import { CrmAuthError, CrmRateLimitedError, CrmRejectedError, CrmUnavailableError } from '../../../core/crm/crm.errors';
import { drainOutbox, createExponentialBackoff } from '../../../core/crm/crm-sync';
import { RECORD_CALL_KIND } from '../../../core/crm/record-call.payload';
import { CallsightError } from '../../../core/shared/errors';
import {
  createSalesforceFake,
  FAKE_CONSUMER_KEY,
  FAKE_LOGIN_URL,
  FAKE_USERNAME,
  generateSalesforceKeyPair,
  parseSoslTerms,
  type SalesforceFake,
} from '../../fakes/salesforce-api.fake';
import { buildCall, ManualClock } from './crm-test-data';
import { InMemoryOutboxStore } from './in-memory-outbox.store';

const KEYS = generateSalesforceKeyPair();
const PHONE = '+8613812345678';
const server = setupServer();
let current: SalesforceFake | null = null;
server.listen({ onUnhandledRequest: (request, print) => (current === null ? print.error() : current.onUnhandledRequest(request, print)) });
afterAll(() => server.close());
afterEach(() => {
  expect(current?.unhandledRequests ?? []).toEqual([]);
  current = null;
});

function setup(overrides: Partial<SalesforceConnection> = {}, fakeOptions: { bulkPollsUntilComplete?: number } = {}) {
  const clock = new ManualClock(new Date());
  const fake = createSalesforceFake({ publicKeyPem: KEYS.publicKeyPem, now: () => clock.now(), ...fakeOptions });
  current = fake;
  server.resetHandlers(...fake.handlers);
  const connection: SalesforceConnection = {
    loginUrl: FAKE_LOGIN_URL,
    consumerKey: FAKE_CONSUMER_KEY,
    username: FAKE_USERNAME,
    privateKeyPem: KEYS.privateKeyPem,
    apiVersion: '62.0',
    ...overrides,
  };
  const adapter: SalesforceCrmAdapter = createSalesforceCrmAdapter({ clock, resolveConnection: (tenantId) => (tenantId === 'acme' ? connection : null) });
  const apiRequests = (pattern: RegExp) => fake.requests.filter((r) => pattern.test(`${r.method} ${r.path}`));
  return { fake, adapter, clock, apiRequests };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('findCustomerByPhone: SOSL IN PHONE FIELDS through Composite Batch', () => {
  it('returns null when no record holds the number', async () => {
    const { adapter, fake, apiRequests } = setup();
    fake.addPerson('Contact', { Name: 'Other', Phone: '+86 139 0000 0000' });
    expect(await adapter.findCustomerByPhone('acme', PHONE)).toBeNull();
    expect(apiRequests(/composite\/batch$/)).toHaveLength(1);
  });

  it('finds the one Contact holding the number, stored in national format', async () => {
    const { adapter, fake } = setup();
    const contact = fake.addPerson('Contact', { Name: '李娜', MobilePhone: '138 1234 5678' });
    expect(await adapter.findCustomerByPhone('acme', PHONE)).toEqual({ crm: 'salesforce', id: contact.Id, name: '李娜', matchCount: 1 });
  });

  it('among several matches picks a Contact before an Account or a Lead, and the oldest Contact among duplicates', async () => {
    const { adapter, fake } = setup();
    fake.addPerson('Lead', { Name: 'Lead Li', Phone: PHONE });
    const account = fake.addPerson('Account', { Name: 'Acme Ltd', Phone: '+86 138 1234 5678' });
    const oldest = fake.addPerson('Contact', { Name: 'Li Na', Phone: '+86 (138) 1234-5678', AccountId: account.Id });
    fake.addPerson('Contact', { Name: 'Li Na (dup)', Phone: '8613812345678' });
    const found = await adapter.findCustomersByPhone('acme', [PHONE]);
    expect(found.get(PHONE)).toMatchObject({ id: oldest.Id, objectType: 'Contact', accountId: account.Id, matchCount: 4 });
    expect(await adapter.findCustomerByPhone('acme', PHONE)).toMatchObject({ id: oldest.Id, matchCount: 4 });
  });

  it('looks up 300 numbers in two requests: 10 numbers per search, 25 searches per batch', async () => {
    const { adapter, fake, apiRequests } = setup();
    const numbers = Array.from({ length: 300 }, (_, i) => `+86138${String(i).padStart(8, '0')}`);
    for (const n of numbers.slice(0, 50)) fake.addPerson('Contact', { Name: n.slice(-4), Phone: n });
    const found = await adapter.findCustomersByPhone('acme', numbers);
    expect([...found.values()].filter((c) => c !== null)).toHaveLength(50);
    expect(found.get(numbers[299] as string)).toBeNull();
    expect(apiRequests(/composite\/batch$/)).toHaveLength(2);
    expect(fake.counts().token).toBe(1);
  });

  it('reuses a lookup for the same number for 5 minutes, then looks again and links a Contact created meanwhile', async () => {
    const { adapter, fake, clock, apiRequests } = setup();
    await adapter.recordCall('acme', buildCall({ hubCallId: 'c_1' }));
    const contact = fake.addPerson('Contact', { Name: 'New', Phone: PHONE });
    const cached = await adapter.recordCall('acme', buildCall({ hubCallId: 'c_2' }));
    expect(cached.customer).toBeNull();
    expect(apiRequests(/composite\/batch$/)).toHaveLength(1);
    clock.advanceMs(5 * 60_000);
    const fresh = await adapter.recordCall('acme', buildCall({ hubCallId: 'c_2' }));
    expect(fresh.customer?.id).toBe(contact.Id);
    expect(fake.records('Call_Recording__c').get('c_2')?.Contact__c).toBe(contact.Id);
    expect(apiRequests(/composite\/batch$/)).toHaveLength(2);
  });

  it('escapes every SOSL reserved character and quotes each term', () => {
    expect(quoteSoslTerm(`a"b+c-d'e\\f{g}`)).toBe(`"a\\"b\\+c\\-d\\'e\\\\f\\{g\\}"`);
    expect(parseSoslTerms(quoteSoslTerm(`x"} OR "y`))).toEqual([`x"} OR "y`]);
    expect(parseSoslTerms('"a+b"')).toBeNull();
    expect(buildPhoneSearch([PHONE], { Contact: ['Id'], Account: ['Id'], Lead: ['Id'] })).toBe(
      'FIND {"8613812345678" OR "13812345678"} IN PHONE FIELDS RETURNING Contact(Id), Account(Id), Lead(Id)',
    );
  });

  it('refuses a number that is not E.164 without calling Salesforce or echoing it', async () => {
    const { adapter, fake } = setup();
    const error = await failureOf(adapter.findCustomerByPhone('acme', '138 1234 5678'));
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
    expect(error.message).not.toContain('1234');
    expect(fake.requests).toEqual([]);
  });
});

describe('customer tags from configured Contact and Account fields', () => {
  it('reads Account.Type, Rating, AnnualRevenue (banded), Industry and a Contact custom field as tags', async () => {
    const { adapter, fake } = setup({
      tagFields: [
        'Account.Type',
        'Account.Rating',
        { field: 'Account.AnnualRevenue', label: 'revenue', bands: [{ atLeast: 0, tag: '<1M' }, { atLeast: 1_000_000, tag: '1M+' }, { atLeast: 10_000_000, tag: '10M+' }] },
        'Account.Industry',
        { field: 'Contact.Segments__c', label: 'segment' },
      ],
    });
    const account = fake.addPerson('Account', { Name: 'Acme', Phone: '+1 415 555 0100', Type: 'Customer - Direct', Rating: 'Hot', AnnualRevenue: 25_000_000, Industry: 'Banking' });
    fake.addPerson('Contact', { Name: 'Li', Phone: PHONE, AccountId: account.Id, Segments__c: 'VIP;复购' });
    const lonely = '+8613900000001';
    fake.addPerson('Contact', { Name: 'No account', Phone: lonely, Segments__c: null });

    const found = await adapter.findCustomersByPhone('acme', [PHONE, '+14155550100', lonely]);
    expect(found.get(PHONE)?.tags).toEqual(['industry:Banking', 'rating:Hot', 'revenue:10M+', 'segment:VIP', 'segment:复购', 'type:Customer - Direct']);
    expect(found.get('+14155550100')).toMatchObject({ objectType: 'Account', tags: ['industry:Banking', 'rating:Hot', 'revenue:10M+', 'type:Customer - Direct'] });
    expect(found.get(lonely)?.tags).toEqual([]);

    const [outcome] = await adapter.recordCalls('acme', [buildCall()]);
    expect(outcome).toMatchObject({ ok: true, customerTags: ['industry:Banking', 'rating:Hot', 'revenue:10M+', 'segment:VIP', 'segment:复购', 'type:Customer - Direct'] });
  });

  it('refuses a tag field that is not Account.X or Contact.X, so nothing can be injected into the query', () => {
    expect(() => resolveSalesforceConnection({ loginUrl: FAKE_LOGIN_URL, consumerKey: FAKE_CONSUMER_KEY, username: FAKE_USERNAME, privateKeyPem: KEYS.privateKeyPem, tagFields: ['Account.Type) FROM User'] })).toThrow(
      /tagFields\[0\]/,
    );
    expect(() => resolveSalesforceConnection({ loginUrl: FAKE_LOGIN_URL, consumerKey: FAKE_CONSUMER_KEY, username: FAKE_USERNAME, privateKeyPem: KEYS.privateKeyPem, apiVersion: '50.0' })).toThrow(/62\.0 or newer/);
  });
});

describe('recordCall and recordCalls: Call_Recording__c by Hub_Call_Id__c through sObject Collections', () => {
  it('upserts one record per call id with the mapped fields and lookups, and updates it when the score arrives', async () => {
    const { adapter, fake, apiRequests } = setup();
    const account = fake.addPerson('Account', { Name: 'Acme', Phone: '+1 415 555 0100' });
    const contact = fake.addPerson('Contact', { Name: '李娜', Phone: PHONE, AccountId: account.Id });
    const first = await adapter.recordCall('acme', buildCall({ appLink: null }));
    expect(fake.records('Call_Recording__c').get('c_0001')).toMatchObject({ App_Link__c: null, Recording_Status__c: 'Stored' });
    const recordId = first.links[0]?.id as string;
    const second = await adapter.recordCall(
      'acme',
      buildCall({ appLink: null, crmRecordId: recordId, score: 87.5, risk: 0.81, flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT'], customerEmotion: 'negative' }),
    );

    const records = fake.records('Call_Recording__c');
    expect(records.size).toBe(1);
    expect(records.get('c_0001')).toMatchObject({
      Hub_Call_Id__c: 'c_0001',
      Started_At__c: '2026-11-02T09:15:00.000Z',
      Duration_Seconds__c: 245,
      Direction__c: 'Inbound',
      Agent_Name__c: '张伟',
      Inquiry_Type__c: '退款',
      Flags__c: 'SENSITIVE_WORD;MISSING_SCRIPT',
      Risk__c: 81,
      QA_Score__c: 87.5,
      Customer_Emotion__c: 'negative',
      Recording_Status__c: 'Stored',
      App_Link__c: `${first.callUrl?.split('/lightning/')[0]}/lightning/r/Call_Recording__c/${recordId}/view`,
      Contact__c: contact.Id,
      Account__c: account.Id,
      Lead__c: null,
    });
    expect(second).toEqual(first);
    expect(first.callUrl).toMatch(new RegExp(`^https://[^/]+/lightning/r/Call_Recording__c/${recordId}/view$`));
    expect(first.links).toEqual([
      { crm: 'salesforce', objectType: 'Call_Recording__c', id: records.get('c_0001')?.Id },
      { crm: 'salesforce', objectType: 'Contact', id: contact.Id },
    ]);
    expect(apiRequests(/^PATCH .*\/composite\/sobjects\/Call_Recording__c\/Hub_Call_Id__c$/)).toHaveLength(2);
  });

  it('keeps the other records of a collection when Salesforce rejects one, and reports that one with its code', async () => {
    const { adapter, fake } = setup();
    fake.rejectRecords('Call_Recording__c', (r) => r.Hub_Call_Id__c === 'c_bad', {
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: `Risk too high for ${PHONE}`,
      fields: ['Risk__c'],
    });
    fake.rejectRecords('Call_Recording__c', (r) => r.Hub_Call_Id__c === 'c_dup', { statusCode: 'DUPLICATES_DETECTED', message: 'Use one of these records?' });
    const outcomes = await adapter.recordCalls('acme', [buildCall({ hubCallId: 'c_1' }), buildCall({ hubCallId: 'c_bad' }), buildCall({ hubCallId: 'c_dup' }), buildCall({ hubCallId: 'c_2' })]);

    expect(outcomes.map((o) => [o.hubCallId, o.ok])).toEqual([['c_1', true], ['c_bad', false], ['c_dup', false], ['c_2', true]]);
    const bad = outcomes[1];
    if (bad === undefined || bad.ok) throw new Error('expected a failure');
    expect(bad.error).toBeInstanceOf(CrmRejectedError);
    expect(bad.error.message).toBe('salesforce rejected upsert call record (FIELD_CUSTOM_VALIDATION_EXCEPTION on Risk__c)');
    expect(bad.error.details).toMatchObject({ salesforceErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
    expect(inspect(bad.error, { depth: 10 })).not.toContain('13812345678');
    expect((outcomes[2] as { error: CrmRejectedError }).error.details).toMatchObject({ salesforceErrorCode: 'DUPLICATES_DETECTED' });
    expect([...fake.records('Call_Recording__c').keys()].sort()).toEqual(['c_1', 'c_2']);
  });

  it('parks a rejected call in the outbox at once (dead with CRM_REJECTED), never retrying it', async () => {
    const { adapter, fake, clock } = setup();
    fake.rejectRecords('Call_Recording__c', () => true, { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' });
    const store = new InMemoryOutboxStore();
    await store.enqueue({ id: 'm1', tenantId: 'acme', kind: RECORD_CALL_KIND, payload: { crm: 'salesforce', call: buildCall() }, now: clock.now() });
    const report = await drainOutbox({ store, adapters: { salesforce: adapter }, clock, maxAttempts: 5, backoff: createExponentialBackoff({ baseMs: 1000, maxMs: 60_000 }) });
    expect(report).toMatchObject({ dead: 1, failuresByCode: { CRM_REJECTED: 1 } });
  });

  it('sends 200 records a request', async () => {
    const { adapter, fake, apiRequests } = setup();
    const calls = Array.from({ length: 450 }, (_, i) => buildCall({ hubCallId: `c_${i}`, customerPhone: null }));
    const outcomes = await adapter.recordCalls('acme', calls);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(apiRequests(/composite\/sobjects/)).toHaveLength(3);
    expect(apiRequests(/composite\/batch/)).toHaveLength(0);
    expect(fake.records('Call_Recording__c').size).toBe(450);
  });

  it('refuses an app link that would bypass the app, before calling Salesforce', async () => {
    const { adapter, fake } = setup();
    const error = await failureOf(adapter.recordCall('acme', buildCall({ appLink: 'https://hub.example.com/api/v1/playback/tok' })));
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
    expect(fake.requests).toEqual([]);
  });

  it('reports a tenant without a connection as not configured', async () => {
    const { adapter } = setup();
    await expect(adapter.recordCall('other', buildCall())).rejects.toMatchObject({ code: 'CRM_NOT_CONFIGURED' });
  });
});

describe('Call_Evaluation__c', () => {
  it('upserts evaluations by their external id, linked to the call record through Hub_Call_Id__c', async () => {
    const { adapter, fake } = setup();
    await adapter.recordCall('acme', buildCall({ customerPhone: null }));
    const evaluation = {
      hubEvaluationId: 'e_1',
      hubCallId: 'c_0001',
      scorecard: 'Refunds',
      scorecardVersion: '3',
      sectionScores: [{ section: 'Greeting', score: 10 }, { section: 'Compliance', score: 70 }],
      totalScore: 80,
      reviewerName: '王芳',
      status: 'published',
      disputeState: null,
    };
    const [first] = await adapter.recordEvaluations('acme', [evaluation]);
    await adapter.recordEvaluations('acme', [{ ...evaluation, totalScore: 86, status: 'revised', disputeState: 'upheld' }]);
    const orphan = await adapter.recordEvaluations('acme', [{ ...evaluation, hubEvaluationId: 'e_2', hubCallId: 'c_missing' }]);

    const records = fake.records('Call_Evaluation__c');
    expect(records.size).toBe(1);
    expect(records.get('e_1')).toMatchObject({ Call_Recording__c: fake.records('Call_Recording__c').get('c_0001')?.Id, Total_Score__c: 86, Status__c: 'revised', Dispute_State__c: 'upheld' });
    expect(first).toMatchObject({ ok: true, id: records.get('e_1')?.Id });
    expect(orphan[0]).toMatchObject({ ok: false, error: { code: 'CRM_REJECTED', details: { salesforceErrorCode: 'INVALID_FIELD' } } });
  });
});

describe('authentication: JWT bearer flow', () => {
  it('signs an RS256 assertion the org accepts, and authenticates once for many requests', async () => {
    const { adapter, fake } = setup();
    await adapter.recordCall('acme', buildCall({ hubCallId: 'c_1' }));
    await adapter.recordCall('acme', buildCall({ hubCallId: 'c_2' }));
    expect(fake.counts().token).toBe(1);
    const token = fake.requests.find((r) => r.path === '/services/oauth2/token');
    expect(token?.contentType).toContain('application/x-www-form-urlencoded');
    expect(fake.requests.filter((r) => r.path.startsWith('/services/data/')).every((r) => r.path.startsWith('/services/data/v62.0/'))).toBe(true);
  });

  it('re-authenticates once when the session expired, and the call lands once', async () => {
    const { adapter, fake } = setup();
    await adapter.recordCall('acme', buildCall({ customerPhone: null }));
    fake.expireSessions();
    await adapter.recordCall('acme', buildCall({ customerPhone: null, score: 90 }));
    expect(fake.counts().token).toBe(2);
    expect(fake.records('Call_Recording__c').size).toBe(1);
    expect(fake.records('Call_Recording__c').get('c_0001')?.QA_Score__c).toBe(90);
  });

  it('gives up with CrmAuthError when the fresh token is refused too, without looping', async () => {
    const { adapter, fake } = setup();
    await adapter.recordCall('acme', buildCall({ customerPhone: null }));
    fake.expireSessions();
    fake.failNext(1, { kind: 'status', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] }, (r) => r.method === 'PATCH');
    fake.failNext(1, { kind: 'status', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] }, (r) => r.method === 'PATCH');
    const error = await failureOf(adapter.recordCall('acme', buildCall({ customerPhone: null })));
    expect(error).toBeInstanceOf(CrmAuthError);
    expect(fake.counts().token).toBe(2);
  });

  it('reports a key the connected app does not know as CrmAuthError, with no key or token in it', async () => {
    const other = generateSalesforceKeyPair();
    const { adapter } = setup({ privateKeyPem: other.privateKeyPem });
    const error = await failureOf(adapter.recordCall('acme', buildCall()));
    expect(error).toBeInstanceOf(CrmAuthError);
    expect(error.message).toBe("salesforce refused the credentials during authenticate (JWT bearer); check the tenant's salesforce connection");
    expect(inspect(error, { depth: 10, showHidden: true })).not.toMatch(/PRIVATE KEY|eyJ/);
  });
});

describe('API limits: REQUEST_LIMIT_EXCEEDED, Sforce-Limit-Info and 503', () => {
  it('holds the outbox while the allowance is spent, then delivers every call once', async () => {
    const { adapter, fake, clock } = setup({ limitPauseMs: 10 * 60_000 });
    fake.addPerson('Contact', { Name: 'Li', Phone: PHONE });
    const store = new InMemoryOutboxStore();
    for (let i = 0; i < 6; i++) {
      await store.enqueue({ id: `m${i}`, tenantId: 'acme', kind: RECORD_CALL_KIND, payload: { crm: 'salesforce', call: buildCall({ hubCallId: `c_${i}` }) }, now: clock.now() });
    }
    const drain = () => drainOutbox({ store, adapters: { salesforce: adapter }, clock, maxAttempts: 3, backoff: createExponentialBackoff({ baseMs: 1000, maxMs: 60_000 }) });

    fake.setApiUsage(5000, 5000);
    const limited = await drain();
    // The lane goes to recordCalls at once: one request finds the allowance spent, every call is deferred uncounted.
    expect(limited).toMatchObject({ recorded: 0, deferred: 6, released: 0, dead: 0 });
    const sentWhileLimited = fake.counts().api;
    expect(sentWhileLimited).toBe(1);

    clock.advanceMs(5 * 60_000);
    expect(await drain()).toMatchObject({ claimed: 0 });
    expect(fake.counts().api).toBe(sentWhileLimited);

    fake.setApiUsage(0, 5000);
    clock.advanceMs(5 * 60_000 + 1);
    const resumed = await drain();
    expect(resumed).toMatchObject({ recorded: 6, dead: 0 });
    expect([...fake.records('Call_Recording__c').keys()].sort()).toEqual(['c_0', 'c_1', 'c_2', 'c_3', 'c_4', 'c_5']);
    expect(store.all().map((m) => m.status)).toEqual(Array(6).fill('done'));
    expect(store.all().map((m) => m.attempts)).toEqual(Array(6).fill(0));
  });

  it('stops at the usage ceiling read from Sforce-Limit-Info before the org runs out', async () => {
    const { adapter, fake } = setup({ apiUsageCeiling: 0.9, limitPauseMs: 60_000 });
    fake.setApiUsage(895, 1000);
    const outcomes = await adapter.recordCalls('acme', [buildCall({ hubCallId: 'c_1' })]);
    expect(outcomes[0]?.ok).toBe(true);
    fake.setApiUsage(950, 1000);
    await adapter.recordCalls('acme', [buildCall({ hubCallId: 'c_2' })]);
    const before = fake.counts().api;
    const error = await failureOf(adapter.recordCall('acme', buildCall({ hubCallId: 'c_3' })));
    expect(error).toBeInstanceOf(CrmRateLimitedError);
    expect((error as CrmRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect(fake.counts().api).toBe(before);
    expect(parseApiUsage('api-usage=18/5000')).toEqual({ used: 18, limit: 5000 });
  });

  it('in a batch, reports the calls not yet sent as rate limited once the ceiling is reached midway, and sends them later', async () => {
    const { adapter, fake, clock } = setup({ apiUsageCeiling: 0.9, limitPauseMs: 60_000 });
    const calls = Array.from({ length: 450 }, (_, i) => buildCall({ hubCallId: `c_${i}`, customerPhone: null }));
    fake.setApiUsage(899, 1000);
    const outcomes = await adapter.recordCalls('acme', calls);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(200);
    expect(outcomes.slice(200).every((o) => !o.ok && o.error instanceof CrmRateLimitedError)).toBe(true);
    expect(fake.records('Call_Recording__c').size).toBe(200);

    fake.setApiUsage(0, 1000);
    clock.advanceMs(60_000);
    const retried = await adapter.recordCalls('acme', calls.filter((_, i) => !outcomes[i]?.ok));
    expect(retried.every((o) => o.ok)).toBe(true);
    expect(fake.records('Call_Recording__c').size).toBe(450);
  });

  it('turns a 503 into CrmUnavailableError after one request (no hidden retries), and a concurrency limit into a short wait', async () => {
    const { adapter, fake } = setup();
    fake.failNext(1, { kind: 'status', status: 503, body: [{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE' }] }, (r) => r.path.endsWith('/composite/batch'));
    const error = await failureOf(adapter.findCustomerByPhone('acme', PHONE));
    expect(error).toBeInstanceOf(CrmUnavailableError);
    expect(fake.requests.filter((r) => r.path.endsWith('/composite/batch'))).toHaveLength(1);

    fake.failNext(1, { kind: 'status', status: 403, body: [{ message: 'ConcurrentPerOrgLongTxn Limit exceeded', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    const limited = await failureOf(adapter.recordCall('acme', buildCall()));
    expect(limited).toBeInstanceOf(CrmRateLimitedError);
    expect((limited as CrmRateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('turns a reset connection into CrmUnavailableError', async () => {
    const { adapter, fake } = setup();
    fake.failNext(1, { kind: 'network' }, (r) => r.method === 'PATCH');
    const [outcome] = await adapter.recordCalls('acme', [buildCall({ customerPhone: null })]);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'CRM_UNAVAILABLE' } });
  });
});

describe('backfill through Bulk API 2.0', () => {
  it('upserts 10,000 calls with a handful of requests, reporting the rows Salesforce refused', async () => {
    const { adapter, fake } = setup({}, { bulkPollsUntilComplete: 2 });
    const phones = Array.from({ length: 2_000 }, (_, i) => `+86139${String(i).padStart(8, '0')}`);
    for (const phone of phones.slice(0, 1_000)) fake.addPerson('Contact', { Name: phone.slice(-4), Phone: phone });
    fake.rejectRecords('Call_Recording__c', (r) => r.Hub_Call_Id__c === 'c_00042', { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no', fields: ['Risk__c'] });
    const calls = Array.from({ length: 10_000 }, (_, i) => buildCall({ hubCallId: `c_${String(i).padStart(5, '0')}`, customerPhone: phones[i % phones.length] as string, agentName: i === 7 ? 'O"Brien, "Jr"' : '张伟' }));
    const sleeps: number[] = [];

    const outcomes = await adapter.backfillCalls('acme', calls, { pollIntervalMs: 5_000, sleep: async (ms) => void sleeps.push(ms) });

    expect(outcomes.filter((o) => o.ok)).toHaveLength(9_999);
    expect(outcomes[42]).toMatchObject({ ok: false, error: { code: 'CRM_REJECTED', details: { salesforceErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } } });
    const records = fake.records('Call_Recording__c');
    expect(records.size).toBe(9_999);
    expect(records.get('c_00007')?.Agent_Name__c).toBe('O"Brien, "Jr"');
    expect(records.get('c_00001')?.Contact__c).toMatch(/^003/);
    expect(records.get('c_01001')?.Contact__c).toBeNull();
    expect(outcomes[1]).toMatchObject({ ok: true, result: { links: [{ objectType: 'Call_Recording__c', id: records.get('c_00001')?.Id }, { objectType: 'Contact' }] } });
    expect(sleeps).toEqual([5_000, 5_000]);
    const bulk = fake.requests.filter((r) => r.path.includes('/jobs/ingest'));
    expect(bulk.map((r) => r.method)).toEqual(['POST', 'PUT', 'PATCH', 'GET', 'GET', 'GET', 'GET', 'GET']);
    expect(fake.counts().api).toBe(8 + 8);
    expect(adapter.requestCount('acme')).toBe(fake.counts().api + fake.counts().token);

    const again = await adapter.backfillCalls('acme', calls.slice(0, 100), { sleep: async () => undefined });
    expect(again.filter((o) => o.ok)).toHaveLength(99);
    expect(fake.records('Call_Recording__c').size).toBe(9_999);
  });
});
