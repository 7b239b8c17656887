import { describe, expect, it, vi } from 'vitest';
import {
  buildSessionRequest,
  createZendeskBridge,
  normaliseHubUrl,
  onCustomerChange,
  waitForRegistration,
} from '../../../widgets/hosts/zendesk/zendesk-bridge';
import type { ZafClient, ZafContext } from '../../../widgets/hosts/zendesk/zaf-client.port';

interface StubOptions {
  readonly location?: string;
  readonly data?: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
  readonly request?: ZafClient['request'];
  readonly context?: Partial<ZafContext>;
}

/** A ZAF client stand-in answering like Zendesk does (`get` returns `{[path]: value}`), no network. */
function stubClient(options: StubOptions = {}) {
  const handlers = new Map<string, Array<(payload?: unknown) => void>>();
  const data: Record<string, unknown> = {
    currentUser: { id: 9001, name: 'Agent Zhang', locale: 'zh-CN', role: 'agent' },
    user: { id: 123, name: 'Li Lei', identities: [{ type: 'email', value: 'li@example.com' }, { type: 'phone_number', value: '+8613812345678', primary: true }] },
    'ticket.requester': { id: 456, name: 'Han Meimei', phone: '+8613900000000' },
    ...options.data,
  };
  const client = {
    on: vi.fn((event: string, handler: (payload?: unknown) => void) => {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
    }),
    get: vi.fn(async (path: string) => ({ [path]: data[path] })),
    context: vi.fn(async () => ({ product: 'support', location: options.location ?? 'user_sidebar', account: { subdomain: 'acme' }, ...options.context })),
    metadata: vi.fn(async () => ({ appId: 1, installationId: 2, settings: { hub_url: 'https://hub.example.com/', ...options.settings } })),
    invoke: vi.fn(async () => ({})),
    request: vi.fn(options.request ?? (async () => ({ token: 'hub-jwt', expiresAt: '2026-11-02T10:00:00Z', principal: { role: 'agent' } }))),
  } satisfies ZafClient;
  const emit = (event: string, payload?: unknown) => handlers.get(event)?.forEach((handler) => handler(payload));
  return { client, emit };
}

describe('Zendesk host bridge', () => {
  it('waits for app.registered before reading anything', async () => {
    const { client, emit } = stubClient();
    const bridge = createZendeskBridge(client, waitForRegistration(client));
    let settled = false;
    const context = bridge.context().then((value) => {
      settled = true;
      return value;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    expect(client.get).not.toHaveBeenCalled();
    emit('app.registered', { metadata: {}, context: {} });
    await expect(context).resolves.toMatchObject({ location: 'support.user_sidebar' });
  });

  it('reads the shown user in the user sidebar (phone from the primary phone identity)', async () => {
    const { client } = stubClient();
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context).toEqual({
      locale: 'zh-cn',
      location: 'support.user_sidebar',
      customer: { phone: '+8613812345678', zendeskUserId: '123', name: 'Li Lei' },
    });
    expect(client.get).toHaveBeenCalledWith('user');
  });

  it('reads the ticket requester and ticket id in the ticket sidebar', async () => {
    const { client } = stubClient({ location: 'ticket_sidebar', context: { ticketId: 77 }, data: { currentUser: { id: 1, locale: 'en-US', role: 'admin' } } });
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context).toEqual({
      locale: 'en',
      location: 'support.ticket_sidebar',
      customer: { phone: '+8613900000000', zendeskUserId: '456', name: 'Han Meimei' },
      ticketId: '77',
    });
    expect(client.get).toHaveBeenCalledWith('ticket.requester');
  });

  it('reports no customer in other locations', async () => {
    const { client } = stubClient({ location: 'nav_bar' });
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context.customer).toEqual({});
  });

  it('resizes the frame through client.invoke', () => {
    const { client } = stubClient();
    createZendeskBridge(client, Promise.resolve()).resize(412.3);
    expect(client.invoke).toHaveBeenCalledWith('resize', { width: '100%', height: '413px' });
  });

  it('exchanges a Zendesk-signed JWT for a hub session through the secure proxy', async () => {
    const { client } = stubClient();
    const session = await createZendeskBridge(client, Promise.resolve()).fetchToken();
    expect(session).toEqual({ token: 'hub-jwt', hubUrl: 'https://hub.example.com' });
    expect(client.request).toHaveBeenCalledWith({
      url: 'https://hub.example.com/api/v1/session/zendesk',
      type: 'POST',
      secure: true,
      cors: false,
      contentType: 'application/json',
      dataType: 'json',
      data: '{}',
      headers: { Authorization: 'Bearer {{jwt.token}}' },
      jwt: {
        algorithm: 'HS256',
        secret_key: '{{setting.shared_secret}}',
        expiry: 60,
        claims: { iss: 'acme', aud: 'callsight', sub: '9001', role: 'agent' },
      },
    });
  });

  it('accepts a session answer that arrives as text', async () => {
    const { client } = stubClient({ request: async () => JSON.stringify({ token: 'as-text' }) });
    await expect(createZendeskBridge(client, Promise.resolve()).fetchToken()).resolves.toMatchObject({ token: 'as-text' });
  });

  it.each([
    [{ status: 401, responseJSON: { error: { code: 'SIGNATURE_INVALID', message: 'bad' } } }, 'SIGNATURE_INVALID', 401],
    [{ status: 401, responseText: 'Unauthorized' }, 'SESSION_FAILED', 401],
    [{ status: 0, statusText: 'error' }, 'NETWORK', 0],
    [{ status: 503, responseText: '{"error":{"code":"UPSTREAM_FAILED","message":"x"}}' }, 'UPSTREAM_FAILED', 503],
    [{ status: 429 }, 'RATE_LIMITED', 429],
  ])('turns a refused exchange %j into code %s', async (failure, code, status) => {
    const { client } = stubClient({
      request: async () => {
        throw failure;
      },
    });
    await expect(createZendeskBridge(client, Promise.resolve()).fetchToken()).rejects.toMatchObject({ code, status });
  });

  it('refuses a session answer without a token', async () => {
    const { client } = stubClient({ request: async () => ({ nope: true }) });
    await expect(createZendeskBridge(client, Promise.resolve()).fetchToken()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('refuses to send the secret-signed request to a hub_url that is not https', async () => {
    const { client } = stubClient({ settings: { hub_url: 'http://evil.example.com' } });
    await expect(createZendeskBridge(client, Promise.resolve()).fetchToken()).rejects.toMatchObject({ code: 'SESSION_FAILED' });
    expect(client.request).not.toHaveBeenCalled();
  });

  it.each([
    ['https://hub.example.com/', 'https://hub.example.com'],
    ['https://hub.example.com:8443/callsight/', 'https://hub.example.com:8443/callsight'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['  https://hub.example.com  ', 'https://hub.example.com'],
  ])('normaliseHubUrl(%s) is %s', (input, expected) => {
    expect(normaliseHubUrl(input)).toBe(expected);
  });

  it.each([[''], ['hub.example.com'], ['ftp://hub.example.com'], ['http://hub.example.com'], [undefined], [42]])('normaliseHubUrl(%j) is refused', (input) => {
    expect(() => normaliseHubUrl(input)).toThrow(/hub_url/);
  });

  it('calls back when the ticket requester changes', () => {
    const { client, emit } = stubClient();
    const listener = vi.fn();
    onCustomerChange(client, listener);
    emit('ticket.requester.id.changed', 999);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(client.on).toHaveBeenCalledWith('ticket.requester.id.changed', expect.any(Function));
  });

  it('builds the request options the docs describe', () => {
    expect(buildSessionRequest('https://h', { iss: 'x' }).headers).toEqual({ Authorization: 'Bearer {{jwt.token}}' });
  });
});
