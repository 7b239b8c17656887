import { describe, expect, it, vi } from 'vitest';
import { createZendeskBridge as createBridge, readZendeskPlace, waitForRegistration } from '../../../widgets/hosts/zendesk/zendesk-bridge';
import type { ZafClient } from '../../../widgets/hosts/zendesk/zaf-client.port';
import type { ZendeskAppSession } from '../../../core/api/zendesk-app.api';
import { stubZafClient as stubClient } from './fixtures/zaf-client.stub';

const NOW = Date.parse('2026-11-02T09:50:00Z');
const SESSION: ZendeskAppSession = {
  token: 'hub-session-token',
  expiresAt: '2026-11-02T10:00:00Z',
  hubUrl: 'https://hub.example.com',
  principal: { userId: 'zendesk:9001', role: 'agent', agentId: 'a-1', teams: [], queues: [] },
};

function createZendeskBridge(client: ZafClient, registered: Promise<void>, session: ZendeskAppSession | null = SESSION, now = NOW) {
  return createBridge(client, registered, session, () => now);
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

  it('hands out the session the hub embedded in the page, and never asks Zendesk to sign claims', async () => {
    const { client } = stubClient();
    await expect(createZendeskBridge(client, Promise.resolve()).fetchToken()).resolves.toEqual({ token: 'hub-session-token', hubUrl: 'https://hub.example.com' });
    expect(client.request).not.toHaveBeenCalled();
    expect(client.metadata).not.toHaveBeenCalled();
  });

  it('refuses to hand out a session that has ended or is about to (UNAUTHENTICATED: reopen the app)', async () => {
    const { client } = stubClient();
    const ending = Date.parse(SESSION.expiresAt) - 5_000;
    await expect(createZendeskBridge(client, Promise.resolve(), SESSION, ending).fetchToken()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await expect(createZendeskBridge(client, Promise.resolve(), SESSION, Date.parse(SESSION.expiresAt) + 1).fetchToken()).rejects.toThrow(/reopen the app/);
    expect(client.request).not.toHaveBeenCalled();
  });

  it('fails with SESSION_FAILED when the page carries no session (not served by the hub for a signed request)', async () => {
    const { client } = stubClient();
    await expect(createZendeskBridge(client, Promise.resolve(), null).fetchToken()).rejects.toMatchObject({ code: 'SESSION_FAILED' });
    expect(client.request).not.toHaveBeenCalled();
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
});
