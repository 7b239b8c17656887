/**
 * An in-memory Zendesk Support API for msw, shaped like Zendesk's documentation (each handler cites
 * its page; response bodies start from the fixtures in test/fixtures/zendesk, which copy the docs'
 * examples). It keeps users, custom object records (by external_id), tickets and comments, checks
 * credentials like Zendesk does, and can inject 429s, outages and rejections.
 *
 * Usage: `const fake = createZendeskFake({...}); const server = setupServer(...fake.handlers);`
 * `server.listen({ onUnhandledRequest: fake.onUnhandledRequest })`, then assert
 * `fake.unhandledRequests` is empty after each test.
 */
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';
import commentsPageFixture from '../fixtures/zendesk/ticket-comments-page.json';
import recordFixture from '../fixtures/zendesk/custom-object-record.json';
import error401Fixture from '../fixtures/zendesk/error-401.json';
import error404ObjectFixture from '../fixtures/zendesk/error-404-custom-object.json';
import error422Fixture from '../fixtures/zendesk/error-422-record-invalid.json';
import ticketUpdateFixture from '../fixtures/zendesk/ticket-update-response.json';
import ticketsPageFixture from '../fixtures/zendesk/tickets-requested-page.json';
import usersSearchFixture from '../fixtures/zendesk/users-search.json';

export type FakeCredentials = { readonly email: string; readonly apiToken: string } | { readonly accessToken: string };

export interface ZendeskFakeOptions {
  readonly subdomain?: string;
  /** Where requests are intercepted (default `https://{subdomain}.zendesk.com`); may be a proxy URL with a path prefix. */
  readonly baseUrl?: string;
  readonly credentials: FakeCredentials;
  readonly customObjectKey?: string;
  /** Field keys defined on the custom object; writing any other key is a 422, as in Zendesk. */
  readonly customObjectFieldKeys: readonly string[];
  /** Key of the lookup field to `zen:user` (its value must be an existing user id). */
  readonly userLookupFieldKey?: string;
}

export interface FakeUser {
  id: number;
  name: string;
  phone: string | null;
  /** Further phone identities; search finds them but `phone` is not one of them. */
  otherPhones: string[];
  role: 'end-user' | 'agent' | 'admin';
  active: boolean;
  suspended: boolean;
}

export interface FakeRecord {
  id: string;
  external_id: string;
  name: string;
  custom_object_fields: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface FakeTicket {
  id: number;
  requester_id: number;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  subject: string;
  updated_at: string;
}

export interface FakeComment {
  id: number;
  ticket_id: number;
  body: string;
  html_body: string;
  public: boolean;
  created_at: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path below the base URL, e.g. `/api/v2/users/search.json`. */
  readonly path: string;
  readonly search: URLSearchParams;
  readonly authorization: string | null;
  readonly body: unknown;
}

export type InjectedFailure =
  | { readonly kind: 'network' }
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: JsonBodyType };

interface Injection {
  readonly failure: InjectedFailure;
  remaining: number;
  readonly match: (request: RecordedRequest) => boolean;
}

export interface ZendeskFake {
  readonly baseUrl: string;
  readonly handlers: HttpHandler[];
  /** Every request that reached the fake (including the ones answered with an injected failure). */
  readonly requests: RecordedRequest[];
  readonly unhandledRequests: string[];
  readonly onUnhandledRequest: (request: Request, print: { error(): void }) => void;
  addUser(user: Partial<FakeUser> & { name: string }): FakeUser;
  addTicket(ticket: Partial<FakeTicket> & { requester_id: number }): FakeTicket;
  records(): FakeRecord[];
  record(externalId: string): FakeRecord | undefined;
  comments(ticketId: number): FakeComment[];
  /** The next `times` matching requests get 429 with `Retry-After: retryAfterS`. */
  rateLimitNext(times: number, retryAfterS: number, match?: (request: RecordedRequest) => boolean): void;
  /** The next `times` matching requests fail as given. */
  failNext(times: number, failure: InjectedFailure, match?: (request: RecordedRequest) => boolean): void;
  /** Every request fails as given until `endOutage()`. */
  startOutage(failure: InjectedFailure): void;
  endOutage(): void;
}

/** A Zendesk account in memory. Ids and timestamps are deterministic. */
export function createZendeskFake(options: ZendeskFakeOptions): ZendeskFake {
  const subdomain = options.subdomain ?? 'acme';
  const canonicalOrigin = `https://${subdomain}.zendesk.com`;
  const baseUrl = (options.baseUrl ?? canonicalOrigin).replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const objectKey = options.customObjectKey ?? 'callsight_call';
  const fieldKeys = new Set(options.customObjectFieldKeys);
  const lookupKey = options.userLookupFieldKey ?? 'customer';

  const users = new Map<number, FakeUser>();
  const records = new Map<string, FakeRecord>();
  const tickets = new Map<number, FakeTicket>();
  const comments: FakeComment[] = [];
  const requests: RecordedRequest[] = [];
  const unhandledRequests: string[] = [];
  const injections: Injection[] = [];
  let outage: InjectedFailure | null = null;
  let sequence = 0;
  let nextId = 1000;

  const tick = () => new Date(Date.UTC(2024, 10, 2, 10, 0, 0) + ++sequence * 1000).toISOString().replace('.000Z', 'Z');
  const url = (path: string) => `${baseUrl}${path}`;

  const expectedAuthorization =
    'accessToken' in options.credentials
      ? `Bearer ${options.credentials.accessToken}`
      : `Basic ${Buffer.from(`${options.credentials.email}/token:${options.credentials.apiToken}`).toString('base64')}`;

  const respondFailure = (failure: InjectedFailure) =>
    failure.kind === 'network'
      ? HttpResponse.error()
      : HttpResponse.json(failure.body ?? null, { status: failure.status, headers: failure.headers });

  const recordError = (status: number, body: JsonBodyType) => HttpResponse.json(body, { status });

  /** Cursor pagination as documented at https://developer.zendesk.com/api-reference/introduction/pagination/ */
  const paginate = <T>(request: Request, path: string, items: readonly T[], key: string) => {
    const search = new URL(request.url).searchParams;
    const size = Number(search.get('page[size]') ?? '100');
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      return recordError(400, { error: 'InvalidPaginationParameter', description: 'page[size] must be between 1 and 100' });
    }
    const after = search.get('page[after]');
    const start = after === null ? 0 : Number(Buffer.from(after, 'base64url').toString('utf8'));
    const page = items.slice(start, start + size);
    const end = start + page.length;
    const hasMore = end < items.length;
    const afterCursor = page.length === 0 ? null : Buffer.from(String(end), 'utf8').toString('base64url');
    const beforeCursor = page.length === 0 ? null : Buffer.from(String(start), 'utf8').toString('base64url');
    // Zendesk's links point at the account's own host, whatever proxy the request came through.
    const link = (param: string, cursor: string | null) =>
      cursor === null ? null : `${canonicalOrigin}${path}?${param}=${cursor}&page%5Bsize%5D=${size}`;
    return HttpResponse.json({
      [key]: page,
      meta: { ...ticketsPageFixture.meta, has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: { next: hasMore ? link('page%5Bafter%5D', afterCursor) : null, prev: link('page%5Bbefore%5D', beforeCursor) },
    });
  };

  const toUserJson = (user: FakeUser) => ({
    ...usersSearchFixture.users[0],
    id: user.id,
    name: user.name,
    phone: user.phone,
    role: user.role,
    active: user.active,
    suspended: user.suspended,
    email: null,
    url: `${canonicalOrigin}/api/v2/users/${user.id}.json`,
  });

  const toRecordJson = (record: FakeRecord) => ({
    ...recordFixture.custom_object_record,
    ...record,
    custom_object_key: objectKey,
    url: `${canonicalOrigin}/api/v2/custom_objects/${objectKey}/records/${record.id}`,
  });

  const toTicketJson = (ticket: FakeTicket) => ({
    ...ticketsPageFixture.tickets[0],
    ...ticket,
    submitter_id: ticket.requester_id,
    url: `${canonicalOrigin}/api/v2/tickets/${ticket.id}.json`,
  });

  const toCommentJson = (comment: FakeComment) => ({
    ...commentsPageFixture.comments[0],
    id: comment.id,
    body: comment.body,
    plain_body: comment.body,
    html_body: comment.html_body,
    public: comment.public,
    created_at: comment.created_at,
  });

  const gate = http.all(`${baseUrl}/*`, async ({ request }) => {
    const requestUrl = new URL(request.url);
    let body: unknown = null;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const text = await request.clone().text();
      body = text === '' ? null : JSON.parse(text);
    }
    const recorded: RecordedRequest = {
      method: request.method,
      path: requestUrl.pathname.slice(basePath.length),
      search: requestUrl.searchParams,
      authorization: request.headers.get('authorization'),
      body,
    };
    requests.push(recorded);
    if (outage !== null) return respondFailure(outage);
    const injection = injections.find((candidate) => candidate.remaining > 0 && candidate.match(recorded));
    if (injection !== undefined) {
      injection.remaining -= 1;
      return respondFailure(injection.failure);
    }
    // https://developer.zendesk.com/api-reference/introduction/security-and-auth/
    if (recorded.authorization !== expectedAuthorization) return recordError(401, error401Fixture);
    return undefined;
  });

  const handlers: HttpHandler[] = [
    gate,

    // https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
    http.get(url('/api/v2/users/search.json'), ({ request }) => {
      const query = new URL(request.url).searchParams.get('query') ?? '';
      const phone = /(?:^|\s)phone:(\S+)/.exec(query)?.[1];
      if (phone === undefined) return recordError(400, { error: 'InvalidSearch', description: 'the fake understands phone: queries only' });
      const wanted = phone.replace(/\D/g, '');
      const matches = (candidate: string | null) => {
        const digits = (candidate ?? '').replace(/\D/g, '');
        return digits !== '' && (digits === wanted || digits.endsWith(wanted) || wanted.endsWith(digits));
      };
      const found = [...users.values()].filter((user) => matches(user.phone) || user.otherPhones.some(matches));
      return HttpResponse.json({ ...usersSearchFixture, users: found.map(toUserJson), count: found.length });
    }),

    // https://developer.zendesk.com/api-reference/custom-data/custom-objects/custom_object_records/#set-custom-object-record-by-external-id-or-name
    http.patch(url('/api/v2/custom_objects/:key/records'), async ({ request, params }) => {
      if (params.key !== objectKey) return recordError(404, error404ObjectFixture);
      const externalId = new URL(request.url).searchParams.get('external_id');
      if (externalId === null || externalId === '') {
        return recordError(400, { error: 'InvalidParameter', description: 'external_id or name is required' });
      }
      const input = ((await request.json()) as { custom_object_record?: { name?: string; custom_object_fields?: Record<string, unknown> } })
        .custom_object_record;
      if (input === undefined) return recordError(400, { error: 'InvalidParameter', description: 'custom_object_record is required' });
      const fields = input.custom_object_fields ?? {};
      const unknownField = Object.keys(fields).some((key) => !fieldKeys.has(key));
      const badLookup = fields[lookupKey] != null && !users.has(Number(fields[lookupKey]));
      const existing = records.get(externalId);
      if (unknownField || badLookup || (existing === undefined && !input.name)) return recordError(422, error422Fixture);
      const now = tick();
      const record: FakeRecord =
        existing === undefined
          ? { id: `01J${String(++nextId).padStart(23, '0')}`, external_id: externalId, name: input.name as string, custom_object_fields: {}, created_at: now, updated_at: now }
          : existing;
      if (input.name) record.name = input.name;
      record.custom_object_fields = { ...Object.fromEntries([...fieldKeys].map((key) => [key, null])), ...record.custom_object_fields, ...fields };
      record.updated_at = now;
      records.set(externalId, record);
      return HttpResponse.json({ custom_object_record: toRecordJson(record) });
    }),

    // https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets (GET /api/v2/users/{user_id}/tickets/requested)
    http.get(url('/api/v2/users/:userId/tickets/requested.json'), ({ request, params }) => {
      const userId = Number(params.userId);
      if (!users.has(userId)) return recordError(404, { error: 'RecordNotFound', description: 'Not found' });
      const requested = [...tickets.values()].filter((t) => t.requester_id === userId).sort((a, b) => a.id - b.id);
      return paginate(request, `/api/v2/users/${userId}/tickets/requested.json`, requested.map(toTicketJson), 'tickets');
    }),

    // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
    http.get(url('/api/v2/tickets/:ticketId/comments.json'), ({ request, params }) => {
      const ticketId = Number(params.ticketId);
      if (!tickets.has(ticketId)) return recordError(404, { error: 'RecordNotFound', description: 'Not found' });
      const list = comments.filter((c) => c.ticket_id === ticketId).map(toCommentJson);
      return paginate(request, `/api/v2/tickets/${ticketId}/comments.json`, list, 'comments');
    }),

    // https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket
    http.put(url('/api/v2/tickets/:ticketId.json'), async ({ request, params }) => {
      const ticket = tickets.get(Number(params.ticketId));
      if (ticket === undefined) return recordError(404, { error: 'RecordNotFound', description: 'Not found' });
      if (ticket.status === 'closed') return recordError(422, error422Fixture);
      const comment = ((await request.json()) as { ticket?: { comment?: { body?: string; html_body?: string; public?: boolean } } }).ticket?.comment;
      if (comment === undefined || (!comment.body && !comment.html_body)) return recordError(422, error422Fixture);
      const now = tick();
      const html = comment.html_body ?? `<p>${comment.body}</p>`;
      comments.push({
        id: ++nextId,
        ticket_id: ticket.id,
        body: comment.body ?? htmlToText(html),
        html_body: html,
        public: comment.public ?? true,
        created_at: now,
      });
      ticket.updated_at = now;
      return HttpResponse.json({ ...ticketUpdateFixture, ticket: { ...ticketUpdateFixture.ticket, ...toTicketJson(ticket) } });
    }),
  ];

  return {
    baseUrl,
    handlers,
    requests,
    unhandledRequests,
    onUnhandledRequest(request, print) {
      unhandledRequests.push(`${request.method} ${request.url}`);
      print.error();
    },
    addUser(partial) {
      const user: FakeUser = { id: partial.id ?? ++nextId, phone: null, otherPhones: [], role: 'end-user', active: true, suspended: false, ...partial };
      users.set(user.id, user);
      return user;
    },
    addTicket(partial) {
      const ticket: FakeTicket = { id: partial.id ?? ++nextId, status: 'open', subject: 'Help', updated_at: tick(), ...partial };
      tickets.set(ticket.id, ticket);
      return ticket;
    },
    records: () => [...records.values()],
    record: (externalId) => records.get(externalId),
    comments: (ticketId) => comments.filter((c) => c.ticket_id === ticketId),
    rateLimitNext(times, retryAfterS, match = () => true) {
      injections.push({ failure: { kind: 'status', status: 429, headers: { 'Retry-After': String(retryAfterS) } }, remaining: times, match });
    },
    failNext(times, failure, match = () => true) {
      injections.push({ failure, remaining: times, match });
    },
    startOutage(failure) {
      outage = failure;
    },
    endOutage() {
      outage = null;
    },
  };
}

/** Roughly what Zendesk stores as a comment's plain `body` for an `html_body`. */
function htmlToText(html: string): string {
  return html
    .replace(/<\/p>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
