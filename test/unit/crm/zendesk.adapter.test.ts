import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createZendeskCrmAdapter, parseRetryAfterMs, pickUserForPhone, resolveZendeskConnection } from '../../../adapters/crm/zendesk';
import { CrmAuthError, CrmNotConfiguredError, CrmRateLimitedError, CrmRejectedError, CrmUnavailableError } from '../../../core/crm/crm.errors';
import { CallsightError } from '../../../core/shared/errors';
import type { ZendeskConnection } from '../../../adapters/crm/zendesk';
import type { ZendeskFake } from '../../fakes/zendesk-api.fake';
import { ManualClock, buildCall } from './crm-test-data';
import { API_TOKEN, EMAIL, OAUTH_TOKEN, connectionFor, startZendeskServer } from './zendesk-harness';

const PHONE = '+8613812345678';
const zendesk = startZendeskServer();
afterEach(() => {
  expect(zendesk.current()?.unhandledRequests ?? []).toEqual([]);
});
afterAll(() => zendesk.server.close());

function adapterFor(fake: ZendeskFake, overrides: Partial<ZendeskConnection> = {}) {
  const clock = new ManualClock(new Date('2026-11-02T10:00:00.000Z'));
  return createZendeskCrmAdapter({ resolveConnection: (tenantId) => (tenantId === 'acme' ? connectionFor(fake, overrides) : null), clock });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('authentication', () => {
  it('sends {email}/token:{apiToken} as HTTP basic', async () => {
    const fake = zendesk.use();
    await adapterFor(fake).findCustomerByPhone('acme', PHONE);
    const expected = `Basic ${Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64')}`;
    expect(fake.requests.map((r) => r.authorization)).toEqual([expected]);
  });

  it('sends an OAuth access token as bearer', async () => {
    const fake = zendesk.use({ credentials: { accessToken: OAUTH_TOKEN } });
    await adapterFor(fake, { auth: { kind: 'oauth', accessToken: OAUTH_TOKEN } }).findCustomerByPhone('acme', PHONE);
    expect(fake.requests.map((r) => r.authorization)).toEqual([`Bearer ${OAUTH_TOKEN}`]);
  });

  it('reaches Zendesk through a proxy base URL with a path prefix, pagination links included', async () => {
    const fake = zendesk.use({ baseUrl: 'https://zendesk-proxy.internal.example/zd/acme' });
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    for (let i = 0; i < 3; i++) fake.addTicket({ requester_id: user.id, status: 'solved' });
    fake.addTicket({ requester_id: user.id, status: 'open' });
    const adapter = createZendeskCrmAdapter({
      resolveConnection: () => connectionFor(fake),
      maxPages: 10,
    });
    const result = await adapter.recordCall('acme', buildCall());
    expect(result.links.map((l) => l.objectType)).toEqual(['custom_object_record:callsight_call', 'user', 'ticket']);
    expect(fake.requests.every((r) => r.path.startsWith('/api/v2/'))).toBe(true);
  });

  it('turns a 401 into CrmAuthError whose message, details and cause never show the token', async () => {
    const fake = zendesk.use({ credentials: { email: EMAIL, apiToken: 'the-right-one' } });
    const error = await failureOf(adapterFor(fake).recordCall('acme', buildCall()));
    expect(error).toBeInstanceOf(CrmAuthError);
    expect((error as CrmAuthError).code).toBe('CRM_AUTH_FAILED');
    const everything = `${error.message} ${inspect(error, { depth: 12, showHidden: true })} ${JSON.stringify(error)}`;
    const basic = Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64');
    expect(everything).not.toContain(API_TOKEN);
    expect(everything).not.toContain(basic);
    expect(everything).not.toContain('13812345678');
    expect(error.cause).toBeDefined();
  });

  it('refuses a connection that would send credentials over plain http, without echoing secrets', () => {
    const attempt = () =>
      resolveZendeskConnection({ subdomain: 'acme', baseUrl: 'http://zendesk-proxy.example', auth: { kind: 'api_token', email: EMAIL, apiToken: API_TOKEN } });
    expect(attempt).toThrow(/baseUrl must use https/);
    expect(attempt).not.toThrow(new RegExp(API_TOKEN));
    expect(() => resolveZendeskConnection({ subdomain: 'acme.zendesk.com', auth: { kind: 'oauth', accessToken: 'x' } })).toThrow(/subdomain/);
  });

  it('reports a tenant without a connection as CrmNotConfiguredError', async () => {
    const fake = zendesk.use();
    await expect(adapterFor(fake).recordCall('other-tenant', buildCall())).rejects.toBeInstanceOf(CrmNotConfiguredError);
    expect(fake.requests).toEqual([]);
  });
});

describe('findCustomerByPhone', () => {
  it('searches phone:<digits> and returns the user', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const customer = await adapterFor(fake).findCustomerByPhone('acme', PHONE);
    expect(customer).toEqual({ crm: 'zendesk', id: String(user.id), name: '李娜', matchCount: 1 });
    expect(fake.requests[0]?.path).toBe('/api/v2/users/search.json');
    expect(fake.requests[0]?.search.get('query')).toBe('phone:8613812345678');
  });

  it('returns null when nobody has the number', async () => {
    const fake = zendesk.use();
    fake.addUser({ name: 'Someone else', phone: '+14155550100' });
    expect(await adapterFor(fake).findCustomerByPhone('acme', PHONE)).toBeNull();
  });

  it('picks the same user among several matches whatever order Zendesk returns them in', async () => {
    const fake = zendesk.use();
    fake.addUser({ id: 10, name: 'Agent with the number', phone: PHONE, role: 'agent' });
    fake.addUser({ id: 11, name: 'Matched via another identity', phone: '+8610000000', otherPhones: [PHONE] });
    fake.addUser({ id: 12, name: 'Suspended customer', phone: PHONE, suspended: true });
    fake.addUser({ id: 14, name: 'Newer duplicate', phone: '+86 138-1234-5678' });
    fake.addUser({ id: 13, name: 'The customer', phone: PHONE });
    const customer = await adapterFor(fake).findCustomerByPhone('acme', PHONE);
    expect(customer).toMatchObject({ id: '13', name: 'The customer', matchCount: 5 });
  });

  it.each([
    ['exact phone beats another identity', [{ id: 1, phone: '+861', name: 'a' }, { id: 2, phone: PHONE, name: 'b' }], 2],
    ['end-user beats agent', [{ id: 1, phone: PHONE, role: 'agent', name: 'a' }, { id: 2, phone: PHONE, role: 'end-user', name: 'b' }], 2],
    ['active beats suspended', [{ id: 1, phone: PHONE, suspended: true, name: 'a' }, { id: 2, phone: PHONE, name: 'b' }], 2],
    ['oldest id breaks ties', [{ id: 9, phone: PHONE, name: 'a' }, { id: 3, phone: PHONE, name: 'b' }], 3],
  ])('pickUserForPhone: %s', (_rule, users, expectedId) => {
    expect(pickUserForPhone(users, PHONE)?.id).toBe(expectedId);
    expect(pickUserForPhone([...users].reverse(), PHONE)?.id).toBe(expectedId);
  });

  it('refuses a number that is not E.164 without echoing it', async () => {
    const fake = zendesk.use();
    const error = await failureOf(adapterFor(fake).findCustomerByPhone('acme', '138 9876 5432'));
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
    expect(error.message).not.toContain('9876');
    expect(fake.requests).toEqual([]);
  });
});

describe('recordCall: the call custom object record', () => {
  it('upserts one record per call id with the mapped fields and a lookup to the user', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const adapter = adapterFor(fake, { ticketNotes: { enabled: false } });
    const first = await adapter.recordCall('acme', buildCall());
    const second = await adapter.recordCall('acme', buildCall({ score: 87.6, flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT'] }));

    expect(fake.records()).toHaveLength(1);
    const record = fake.record('c_0001');
    expect(record?.name).toBe('Inbound call 2026-11-02 09:15 UTC · 4:05');
    expect(record?.custom_object_fields).toMatchObject({
      started_at: '2026-11-02T09:15:00.000Z',
      duration_s: 245,
      direction: 'inbound',
      agent_name: '张伟',
      inquiry_type: '退款',
      risk: 0.4,
      flags: 'SENSITIVE_WORD, MISSING_SCRIPT',
      qa_score: 87.6,
      app_link: 'https://hub.example.com/app/calls/c_0001',
      customer: String(user.id),
    });
    expect(first.links).toEqual(second.links);
    expect(first.links).toEqual([
      { crm: 'zendesk', objectType: 'custom_object_record:callsight_call', id: record?.id },
      { crm: 'zendesk', objectType: 'user', id: String(user.id) },
    ]);
    const upserts = fake.requests.filter((r) => r.method === 'PATCH');
    expect(upserts.map((r) => `${r.path}?external_id=${r.search.get('external_id')}`)).toEqual([
      '/api/v2/custom_objects/callsight_call/records?external_id=c_0001',
      '/api/v2/custom_objects/callsight_call/records?external_id=c_0001',
    ]);
  });

  it('records a call whose customer is unknown or withheld, without a lookup and without searching a withheld number', async () => {
    const fake = zendesk.use();
    const adapter = adapterFor(fake);
    const unknown = await adapter.recordCall('acme', buildCall({ hubCallId: 'c_unknown' }));
    const withheld = await adapter.recordCall('acme', buildCall({ hubCallId: 'c_withheld', customerPhone: null }));
    expect(unknown.customer).toBeNull();
    expect(withheld.links.map((l) => l.objectType)).toEqual(['custom_object_record:callsight_call']);
    expect(fake.record('c_unknown')?.custom_object_fields.customer).toBeNull();
    expect(fake.requests.filter((r) => r.path === '/api/v2/users/search.json')).toHaveLength(1);
  });

  it('uses the configured object key and field keys', async () => {
    const fake = zendesk.use({
      customObjectKey: 'call_log',
      customObjectFieldKeys: ['start', 'duration_s', 'direction', 'agent_name', 'inquiry_type', 'risk', 'flags', 'qa_score', 'recording_status', 'customer_emotion', 'app_link', 'requester', 'note_ticket_id', 'note_posted_at'],
      userLookupFieldKey: 'requester',
    });
    const user = fake.addUser({ name: 'Li', phone: PHONE });
    await adapterFor(fake, { customObjectKey: 'call_log', fieldKeys: { startedAt: 'start', customer: 'requester' } }).recordCall('acme', buildCall());
    expect(fake.record('c_0001')?.custom_object_fields).toMatchObject({ start: '2026-11-02T09:15:00.000Z', requester: String(user.id) });
  });

  it('refuses an app link that would bypass the app, before calling Zendesk', async () => {
    const fake = zendesk.use();
    const error = await failureOf(adapterFor(fake).recordCall('acme', buildCall({ appLink: 'https://hub.example.com/api/v1/playback/tok' })));
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
    expect(fake.requests).toEqual([]);
  });
});

describe('recordCall: the internal note on the open ticket', () => {
  it('posts one private note with a link that opens the app on the most recently updated open ticket', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    fake.addTicket({ requester_id: user.id, status: 'open', updated_at: '2026-10-01T00:00:00Z' });
    const target = fake.addTicket({ requester_id: user.id, status: 'pending', updated_at: '2026-10-20T00:00:00Z' });
    fake.addTicket({ requester_id: user.id, status: 'solved', updated_at: '2026-11-01T00:00:00Z' });
    fake.addTicket({ requester_id: user.id, status: 'closed', updated_at: '2026-11-02T00:00:00Z' });

    const result = await adapterFor(fake).recordCall('acme', buildCall());

    expect(result.links.at(-1)).toEqual({ crm: 'zendesk', objectType: 'ticket', id: String(target.id) });
    const notes = fake.comments(target.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.public).toBe(false);
    expect(notes[0]?.html_body).toContain('<a href="https://hub.example.com/app/calls/c_0001">Open in Callsight</a>');
    expect(notes[0]?.html_body).toContain('张伟');
    expect(notes[0]?.html_body).not.toMatch(/\.(wav|mp3)|playback|audio/i);
    expect(fake.record('c_0001')?.custom_object_fields).toMatchObject({ note_ticket_id: String(target.id), note_posted_at: '2026-11-02T10:00:00.000Z' });
  });

  it('waits for the analysis before posting the note, so the note shows the risk found, never a risk of 0% nobody computed', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id, status: 'open' });
    const adapter = adapterFor(fake);

    const atIngest = await adapter.recordCall('acme', buildCall({ analysis: 'pending', risk: 0, flags: [] }));
    expect(atIngest.links.map((l) => l.objectType)).not.toContain('ticket');
    expect(fake.comments(ticket.id)).toEqual([]);
    expect(fake.record('c_0001')?.custom_object_fields).toMatchObject({ risk: null, flags: null, customer_emotion: null, recording_status: 'stored' });

    const analysed = await adapter.recordCall('acme', buildCall({ analysis: 'done', risk: 0.81, flags: ['SENSITIVE_WORD', 'MISSING_SCRIPT', 'AGITATED_CUSTOMER'], customerEmotion: 'negative' }));
    expect(analysed.links.at(-1)).toEqual({ crm: 'zendesk', objectType: 'ticket', id: String(ticket.id) });
    const notes = fake.comments(ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.html_body).toContain('Risk: 81%');
    expect(notes[0]?.html_body).toContain('Flags: Sensitive word, Missing script, AGITATED_CUSTOMER');
    expect(notes[0]?.html_body).not.toContain('Risk: 0%');
    expect(fake.record('c_0001')?.custom_object_fields).toMatchObject({ risk: 0.81, customer_emotion: 'negative' });

    await adapter.recordCall('acme', buildCall({ analysis: 'done', risk: 0.81, score: 64 }));
    expect(fake.comments(ticket.id)).toHaveLength(1);
  });

  it('posts the note without a risk line when no analysis will come, and none at all once the recording is shredded', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id, status: 'open' });
    await adapterFor(fake).recordCall('acme', buildCall({ analysis: 'none', risk: 0, flags: [] }));
    expect(fake.comments(ticket.id)[0]?.html_body).not.toMatch(/Risk|Flags/);

    await adapterFor(fake).recordCall('acme', buildCall({ hubCallId: 'c_0002', analysis: 'done', recordingStatus: 'deleted' }));
    expect(fake.comments(ticket.id)).toHaveLength(1);
    expect(fake.record('c_0002')?.custom_object_fields).toMatchObject({ recording_status: 'deleted' });
  });

  it('follows cursor pagination across pages to find the open ticket', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    for (let i = 0; i < 230; i++) fake.addTicket({ requester_id: user.id, status: 'solved' });
    const open = fake.addTicket({ requester_id: user.id, status: 'open' });
    await adapterFor(fake).recordCall('acme', buildCall());
    const pages = fake.requests.filter((r) => r.path.endsWith('/tickets/requested.json'));
    expect(pages).toHaveLength(3);
    expect(pages[0]?.search.get('page[size]')).toBe('100');
    expect(pages[1]?.search.get('page[after]')).not.toBeNull();
    expect(fake.comments(open.id)).toHaveLength(1);
  });

  it('writes no note when the customer has no open ticket, or when notes are off', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const solved = fake.addTicket({ requester_id: user.id, status: 'solved' });
    const result = await adapterFor(fake).recordCall('acme', buildCall());
    expect(result.links.map((l) => l.objectType)).not.toContain('ticket');
    expect(fake.comments(solved.id)).toEqual([]);
    expect(fake.requests.some((r) => r.method === 'PUT')).toBe(false);

    const open = fake.addTicket({ requester_id: user.id, status: 'open' });
    await adapterFor(fake, { ticketNotes: { enabled: false } }).recordCall('acme', buildCall({ hubCallId: 'c_0002' }));
    expect(fake.comments(open.id)).toEqual([]);
  });

  it('never posts a second note when the same call is recorded again', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id });
    const adapter = adapterFor(fake);
    await adapter.recordCall('acme', buildCall());
    fake.addTicket({ requester_id: user.id, updated_at: '2030-01-01T00:00:00Z' });
    await adapter.recordCall('acme', buildCall({ score: 90 }));
    expect(fake.comments(ticket.id)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('after failing between posting the note and confirming it, a retry finds the note and does not post again', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id });
    const adapter = adapterFor(fake);
    const confirming = (r: { method: string; body: unknown }) =>
      r.method === 'PATCH' && JSON.stringify(r.body).includes('note_posted_at');
    fake.failNext(1, { kind: 'status', status: 503 }, confirming);
    await expect(adapter.recordCall('acme', buildCall())).rejects.toBeInstanceOf(CrmUnavailableError);
    expect(fake.comments(ticket.id)).toHaveLength(1);

    const newer = fake.addTicket({ requester_id: user.id, updated_at: '2030-01-01T00:00:00Z' });
    await adapter.recordCall('acme', buildCall());
    expect(fake.comments(ticket.id)).toHaveLength(1);
    expect(fake.comments(newer.id)).toEqual([]);
    expect(fake.record('c_0001')?.custom_object_fields.note_posted_at).not.toBeNull();
  });

  it('after failing before the note was posted, a retry posts it on the ticket chosen first', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id });
    const adapter = adapterFor(fake);
    fake.failNext(1, { kind: 'network' }, (r) => r.method === 'PUT');
    await expect(adapter.recordCall('acme', buildCall())).rejects.toBeInstanceOf(CrmUnavailableError);
    expect(fake.comments(ticket.id)).toEqual([]);
    fake.addTicket({ requester_id: user.id, updated_at: '2030-01-01T00:00:00Z' });
    await adapter.recordCall('acme', buildCall());
    expect(fake.comments(ticket.id)).toHaveLength(1);
  });

  it('when the chosen ticket was closed before the note landed, posts on the next open ticket instead', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const older = fake.addTicket({ requester_id: user.id, updated_at: '2026-10-01T00:00:00Z' });
    const newest = fake.addTicket({ requester_id: user.id, updated_at: '2026-10-30T00:00:00Z' });
    fake.failNext(1, { kind: 'status', status: 422, body: { error: 'RecordInvalid' } }, (r) => r.method === 'PUT');
    fake.failNext(1, { kind: 'network' }, (r) => r.method === 'PUT');
    const adapter = adapterFor(fake);
    await expect(adapter.recordCall('acme', buildCall())).rejects.toBeInstanceOf(CrmUnavailableError);
    expect(fake.record('c_0001')?.custom_object_fields.note_ticket_id).toBe(String(older.id));

    const result = await adapter.recordCall('acme', buildCall());
    expect(result.links.at(-1)).toEqual({ crm: 'zendesk', objectType: 'ticket', id: String(older.id) });
    expect(fake.comments(older.id)).toHaveLength(1);
    expect(fake.comments(newest.id)).toEqual([]);
  });

  it('records the call without a note when the only open ticket closed before the note landed', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id });
    fake.failNext(1, { kind: 'status', status: 422, body: { error: 'RecordInvalid' } }, (r) => r.method === 'PUT');
    const result = await adapterFor(fake).recordCall('acme', buildCall());
    expect(result.links.map((l) => l.objectType)).toEqual(['custom_object_record:callsight_call', 'user']);
    expect(fake.comments(ticket.id)).toEqual([]);
    expect(fake.record('c_0001')?.custom_object_fields.note_ticket_id).toBeNull();
  });

  it('writes the note in Chinese when the tenant asks for it, escaping every value', async () => {
    const fake = zendesk.use();
    const user = fake.addUser({ name: '李娜', phone: PHONE });
    const ticket = fake.addTicket({ requester_id: user.id });
    await adapterFor(fake, { ticketNotes: { enabled: true, locale: 'zh-CN' } }).recordCall(
      'acme',
      buildCall({ agentName: '<script>alert(1)</script>', direction: 'outbound' }),
    );
    const html = fake.comments(ticket.id)[0]?.html_body ?? '';
    expect(html).toContain('呼出通话');
    expect(html).toContain('在 Callsight 中打开');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(fake.record('c_0001')?.name).toMatch(/^呼出通话 /);
  });
});

describe('error translation', () => {
  const setupWithUser = () => {
    const fake = zendesk.use();
    fake.addUser({ name: '李娜', phone: PHONE });
    return fake;
  };

  it('turns a 429 into CrmRateLimitedError carrying Retry-After in ms', async () => {
    const fake = setupWithUser();
    fake.rateLimitNext(1, 17);
    const error = await failureOf(adapterFor(fake).recordCall('acme', buildCall()));
    expect(error).toBeInstanceOf(CrmRateLimitedError);
    expect((error as CrmRateLimitedError).retryAfterMs).toBe(17_000);
    expect(error.message).toBe('zendesk rate limit reached during search users; retry after 17 s');
  });

  it.each([
    ['503', { kind: 'status', status: 503 } as const, CrmUnavailableError, 'CRM_UNAVAILABLE'],
    ['a reset connection', { kind: 'network' } as const, CrmUnavailableError, 'CRM_UNAVAILABLE'],
    ['403', { kind: 'status', status: 403, body: { error: 'Forbidden' } } as const, CrmAuthError, 'CRM_AUTH_FAILED'],
    ['422', { kind: 'status', status: 422, body: { error: 'RecordInvalid', description: `phone ${PHONE} is bad` } } as const, CrmRejectedError, 'CRM_REJECTED'],
  ])('turns %s into the matching typed error with no phone or token in it', async (_what, failure, type, code) => {
    const fake = setupWithUser();
    fake.failNext(1, failure, (r) => r.method === 'PATCH');
    const error = await failureOf(adapterFor(fake).recordCall('acme', buildCall()));
    expect(error).toBeInstanceOf(type);
    expect((error as CallsightError).code).toBe(code);
    const everything = `${error.message} ${inspect(error, { depth: 12, showHidden: true })}`;
    expect(everything).not.toContain(API_TOKEN);
    expect(everything).not.toContain('13812345678');
  });

  it('reports a missing custom object as a rejection naming Zendesk\'s code', async () => {
    const fake = setupWithUser();
    const error = await failureOf(adapterFor(fake, { customObjectKey: 'not_created_yet' }).recordCall('acme', buildCall()));
    expect(error).toBeInstanceOf(CrmRejectedError);
    expect(error.message).toBe('zendesk rejected upsert call record (HTTP 404 NotFound)');
  });

  it('reports a response without the documented shape as unavailable', async () => {
    const fake = setupWithUser();
    fake.failNext(1, { kind: 'status', status: 200, body: { unexpected: true } }, (r) => r.method === 'PATCH');
    await expect(adapterFor(fake).recordCall('acme', buildCall())).rejects.toThrow(/did not have the documented shape/);
  });

  it.each([
    ['7', 7_000],
    ['0', 0],
    [' 120 ', 120_000],
    ['Mon, 02 Nov 2026 10:00:30 GMT', 30_000],
    ['Mon, 02 Nov 2026 09:59:00 GMT', 0],
    ['soon', null],
    ['-5', null],
    [undefined, null],
  ])('parseRetryAfterMs(%j) = %j', (value, expected) => {
    expect(parseRetryAfterMs(value, new Date('2026-11-02T10:00:00.000Z'))).toBe(expected);
  });
});

describe('fixtures', () => {
  it('parses the documented search response as served by the fake', async () => {
    const fake = zendesk.use();
    fake.addUser({ name: '李娜', phone: PHONE });
    const customer = await adapterFor(fake).findCustomerByPhone('acme', PHONE);
    expect(customer?.name).toBe('李娜');
  });
});

