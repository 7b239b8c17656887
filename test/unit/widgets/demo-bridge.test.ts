import { describe, expect, it, vi } from 'vitest';
import { createDemoBridge, fetchDemoCustomers } from '../../../widgets/hosts/demo/demo-bridge';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('demo host bridge', () => {
  it('asks POST /demo/token for the chosen role and agent', async () => {
    const fetchStub = vi.fn(async () => jsonResponse(200, { token: 'demo-jwt', hubUrl: 'http://127.0.0.1:3000' }));
    const bridge = createDemoBridge({
      role: 'agent',
      agentId: 'a-zhang',
      customer: { phone: '+8613812345678', name: '李雷' },
      locale: 'zh-cn',
      resize: () => {},
      origin: 'http://127.0.0.1:3000',
      fetch: fetchStub as unknown as typeof fetch,
    });
    await expect(bridge.fetchToken()).resolves.toEqual({ token: 'demo-jwt', hubUrl: 'http://127.0.0.1:3000' });
    const [url, init] = fetchStub.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:3000/demo/token');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ role: 'agent', agentId: 'a-zhang' });
    await expect(bridge.context()).resolves.toEqual({
      locale: 'zh-cn',
      location: 'customer-record',
      customer: { phone: '+8613812345678', name: '李雷' },
    });
  });

  it('falls back to the page origin when the hub does not name itself, and surfaces hub error codes', async () => {
    const fetchStub = vi
      .fn()
      .mockResolvedValueOnce(jsonResponse(200, { token: 't' }))
      .mockResolvedValueOnce(jsonResponse(403, { error: { code: 'FORBIDDEN', message: 'demo off' } }));
    const bridge = createDemoBridge({ role: 'qa', customer: null, locale: 'en', resize: () => {}, origin: 'http://h', fetch: fetchStub });
    await expect(bridge.fetchToken()).resolves.toEqual({ token: 't', hubUrl: 'http://h' });
    await expect(bridge.fetchToken()).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(JSON.parse(String((fetchStub.mock.calls[0] as [string, RequestInit])[1].body))).toEqual({ role: 'qa' });
  });

  it('lists demo customers and drops malformed entries', async () => {
    const fetchStub = vi.fn(async () => jsonResponse(200, [{ phone: '+1', name: 'A' }, { phone: 2 }, null]));
    await expect(fetchDemoCustomers({ origin: 'http://h', fetch: fetchStub as unknown as typeof fetch })).resolves.toEqual([{ phone: '+1', name: 'A' }]);
  });

  it('shows another customer through context() and tells customer-changed listeners, once per real change', async () => {
    const bridge = createDemoBridge({ role: 'admin', customer: { phone: '+1', name: 'A' }, locale: 'en', resize: () => {}, origin: 'http://h' });
    const listener = vi.fn();
    const stop = bridge.onCustomerChanged(listener);
    bridge.showCustomer({ phone: '+1', name: 'A' });
    expect(listener).not.toHaveBeenCalled();
    bridge.showCustomer({ phone: '+2', name: 'B' });
    expect(listener).toHaveBeenCalledTimes(1);
    await expect(bridge.context()).resolves.toMatchObject({ customer: { phone: '+2', name: 'B' } });
    stop();
    bridge.showCustomer(null);
    expect(listener).toHaveBeenCalledTimes(1);
    await expect(bridge.context()).resolves.toMatchObject({ customer: {} });
  });
});
