/**
 * Zendesk's user endpoints the admin setup uses, for msw, shaped as Zendesk documents them:
 * - Search Users, `GET /api/v2/users/search.json?query=` answers `{users, next_page, previous_page, count}`;
 *   https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
 *   several `role:` keywords are OR-ed, other words match name or email
 *   (https://support.zendesk.com/hc/en-us/articles/4408886879258);
 * - Show Self, `GET /api/v2/users/me.json` answers `{user}`, the anonymous user (id null) when the credentials are
 *   not accepted; https://developer.zendesk.com/api-reference/ticketing/users/users/#show-self
 * - a 401 without credentials `{"error": "Couldn't authenticate you"}`
 *   (https://developer.zendesk.com/api-reference/introduction/security-and-auth/).
 * User bodies start from test/fixtures/zendesk/users-search.json (the docs' example user).
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import usersSearchFixture from '../fixtures/zendesk/users-search.json';

export interface FakeStaffUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: 'end-user' | 'agent' | 'admin';
  readonly suspended?: boolean;
}

export interface ZendeskUsersFakeOptions {
  readonly subdomain: string;
  readonly email: string;
  readonly apiToken: string;
  readonly users: readonly FakeStaffUser[];
}

const TEMPLATE = usersSearchFixture.users[0]!;

/** The fake's handlers and what it saw (search queries, for asserting what the adapter sent). */
export function createZendeskUsersFake(options: ZendeskUsersFakeOptions): { handlers: HttpHandler[]; queries: string[] } {
  const base = `https://${options.subdomain}.zendesk.com`;
  const expected = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;
  const queries: string[] = [];
  const body = (user: FakeStaffUser) => ({
    ...TEMPLATE,
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    suspended: user.suspended ?? false,
    url: `${base}/api/v2/users/${user.id}.json`,
  });
  const handlers = [
    http.get(`${base}/api/v2/users/search.json`, ({ request }) => {
      if (request.headers.get('authorization') !== expected) return HttpResponse.json({ error: "Couldn't authenticate you" }, { status: 401 });
      const query = new URL(request.url).searchParams.get('query') ?? '';
      queries.push(query);
      const roles = [...query.matchAll(/role:(\S+)/g)].map((match) => match[1]);
      const words = query.replace(/role:\S+/g, '').trim().toLowerCase().split(/\s+/).filter((word) => word !== '');
      const users = options.users.filter(
        (user) => (roles.length === 0 || roles.includes(user.role)) && words.every((word) => user.name.toLowerCase().includes(word) || user.email.toLowerCase().includes(word)),
      );
      return HttpResponse.json({ users: users.map(body), next_page: null, previous_page: null, count: users.length });
    }),
    http.get(`${base}/api/v2/users/me.json`, ({ request }) => {
      if (request.headers.get('authorization') !== expected) {
        return HttpResponse.json({ user: { ...TEMPLATE, id: null, name: 'Anonymous user', email: 'invalid@example.com', role: 'end-user' } });
      }
      const admin = options.users.find((user) => user.role === 'admin') ?? options.users[0]!;
      return HttpResponse.json({ user: body(admin) });
    }),
  ];
  return { handlers, queries };
}
