import { describe, expect, it, vi } from 'vitest';
import {
  buildSessionRequest,
  createZendeskBridge,
  normaliseHubUrl,
  readZendeskPlace,
  waitForRegistration,
} from '../../../widgets/hosts/zendesk/zendesk-bridge';
import { stubZafClient as stubClient } from './fixtures/zaf-client.stub';

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
    await expect(context).resolves.toMatchObject({ location: 'customer-record' });
  });

  it('reads the shown user in the user sidebar (phone from the primary phone identity)', async () => {
    const { client } = stubClient();
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context).toEqual({
      locale: 'zh-cn',
      location: 'customer-record',
      customer: { phone: '+8613812345678', id: '123', name: 'Li Lei' },
      user: { id: '9001', name: 'Agent Zhang' },
    });
    expect(client.get).toHaveBeenCalledWith('user');
  });

  it('reads the ticket requester in the ticket sidebar, and keeps the ticket id out of the shared context', async () => {
    const { client } = stubClient({ location: 'ticket_sidebar', context: { ticketId: 77 }, data: { currentUser: { id: 1, locale: 'en-US', role: 'admin' } } });
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context).toEqual({
      locale: 'en',
      location: 'case-record',
      customer: { phone: '+8613900000000', id: '456', name: 'Han Meimei' },
      user: { id: '1' },
    });
    expect(client.get).toHaveBeenCalledWith('ticket.requester');
  });

  it('reports the Zendesk-only facts of the place (location, ticket, subdomain, language) to the Zendesk host alone', async () => {
    const { client } = stubClient({ location: 'ticket_sidebar', context: { ticketId: 77 } });
    await expect(readZendeskPlace(client, Promise.resolve())).resolves.toEqual({
      location: 'support.ticket_sidebar',
      locale: 'zh-cn',
      subdomain: 'acme',
      ticketId: '77',
    });
  });

  it('reports no customer in the nav bar, a workspace', async () => {
    const { client } = stubClient({ location: 'nav_bar' });
    const context = await createZendeskBridge(client, Promise.resolve()).context();
    expect(context.location).toBe('workspace');
    expect(context.customer).toEqual({});
  });

  it('refuses a context for a location it does not know', async () => {
    const { client } = stubClient({ location: 'top_bar' });
    await expect(createZendeskBridge(client, Promise.resolve()).context()).rejects.toMatchObject({ code: 'LOCATION_UNSUPPORTED' });
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

  it('tells customer-changed listeners when the ticket requester changes, through one ZAF subscription', async () => {
    const { client, emit } = stubClient({ location: 'ticket_sidebar' });
    const bridge = createZendeskBridge(client, Promise.resolve());
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = bridge.onCustomerChanged(first);
    bridge.onCustomerChanged(second);
    emit('ticket.requester.id.changed', 999);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    stopFirst();
    stopFirst();
    emit('ticket.requester.id.changed', 1000);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(2);
    expect(client.on.mock.calls.filter(([event]) => event === 'ticket.requester.id.changed')).toHaveLength(1);
  });

  it('gives the new requester from context() after a change', async () => {
    const { client, emit, data } = stubClient({ location: 'ticket_sidebar' });
    const bridge = createZendeskBridge(client, Promise.resolve());
    const changed = new Promise<void>((resolve) => bridge.onCustomerChanged(resolve));
    data['ticket.requester'] = { id: 457, name: 'Lin Tao', phone: '+8613700000000' };
    emit('ticket.requester.id.changed', 457);
    await changed;
    await expect(bridge.context()).resolves.toMatchObject({ customer: { id: '457', name: 'Lin Tao', phone: '+8613700000000' } });
  });

  it('builds the request options the docs describe', () => {
    expect(buildSessionRequest('https://h', { iss: 'x' }).headers).toEqual({ Authorization: 'Bearer {{jwt.token}}' });
  });
});
