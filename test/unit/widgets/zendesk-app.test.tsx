// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/preact';
import type { HostBridge } from '../../../widgets/core/host-bridge';
import { FEATURE_IDS, type FeatureCatalog, type FeatureId, type FeatureProps } from '../../../widgets/features/feature';
import { featureAt } from '../../../widgets/hosts/shared/location-registry';
import { mountLocation, unmountLocation } from '../../../widgets/hosts/shared/location-view';
import { startZendeskApp } from '../../../widgets/hosts/zendesk/zendesk-app';
import { ZENDESK_LOCATIONS } from '../../../widgets/hosts/zendesk/zendesk-locations';
import { makeCall } from './fixtures/hub-fixtures';
import { stubZafClient } from './fixtures/zaf-client.stub';

let container: HTMLElement;

function freshContainer(): HTMLElement {
  container = document.createElement('div');
  container.id = 'app';
  document.body.appendChild(container);
  return container;
}

/** Stand-in features that say which one was mounted and what context the bridge gave them. */
function fakeCatalog(): FeatureCatalog & { loads: FeatureId[] } {
  const loads: FeatureId[] = [];
  const fake = (id: FeatureId) => async () => {
    loads.push(id);
    return { id, styles: `.fake-${id} {}`, View: ({ bridge }: FeatureProps) => <p data-testid="feature">{`${id} for ${bridge === undefined ? 'nobody' : 'a bridge'}`}</p> };
  };
  return { ...(Object.fromEntries(FEATURE_IDS.map((id) => [id, fake(id)])) as FeatureCatalog), loads };
}

/** The session the hub embeds in the page it serves for Zendesk's signed request. */
const SESSION = {
  token: 'hub-session-token',
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
  hubUrl: 'https://hub.example.com',
  principal: { userId: 'zendesk:9001', role: 'agent' as const, agentId: 'a-1', teams: [], queues: [] },
};

/** Starts the app the way main.ts does (with the embedded session unless told otherwise), then lets Zendesk register it. */
function start(stub: ReturnType<typeof stubZafClient>, options: Omit<Parameters<typeof startZendeskApp>[2], 'session'> & { session?: typeof SESSION | null }) {
  const started = startZendeskApp(freshContainer(), stub.client, { session: SESSION, ...options });
  stub.emit('app.registered', {});
  return started;
}

afterEach(() => {
  if (container !== undefined) {
    unmountLocation(container);
    container.remove();
  }
  document.head.querySelectorAll('style[data-callsight-styles]').forEach((style) => style.remove());
  vi.unstubAllGlobals();
});

describe('Zendesk location registry', () => {
  it.each([
    ['user_sidebar', ZENDESK_LOCATIONS['support.user_sidebar'].feature!],
    ['ticket_sidebar', ZENDESK_LOCATIONS['support.ticket_sidebar'].feature!],
    ['nav_bar', ZENDESK_LOCATIONS['support.nav_bar'].feature!],
  ] as const)('mounts the %s location with the %s feature, loading only that feature', async (location, feature) => {
    const catalog = fakeCatalog();
    await expect(start(stubZafClient({ location }), { fallbackLocale: 'en', catalog })).resolves.toBe(feature);
    expect(screen.getByTestId('feature').textContent).toBe(`${feature} for a bridge`);
    expect(catalog.loads).toEqual([feature]);
    expect(container.querySelector('.cs-host')?.getAttribute('data-feature')).toBe(feature);
    expect(document.head.querySelector(`style[data-callsight-styles="${feature}"]`)?.textContent).toBe(`.fake-${feature} {}`);
  });

  it('says a location it does not know has nothing to show yet, in the Zendesk user language, and loads no feature', async () => {
    const catalog = fakeCatalog();
    await expect(start(stubZafClient({ location: 'organization_sidebar' }), { fallbackLocale: 'en', catalog })).resolves.toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Callsight 暂不支持在此处显示（support.organization_sidebar）。');
    expect(catalog.loads).toEqual([]);
  });

  it('shows a clear message for a location it does not know', async () => {
    const stub = stubZafClient({ location: 'top_bar', data: { currentUser: { id: 1, locale: 'en-US' } } });
    await expect(start(stub, { fallbackLocale: 'en', catalog: fakeCatalog() })).resolves.toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Callsight has nothing to show here yet (support.top_bar).');
  });

  it('waits for app.registered before asking Zendesk where it is', async () => {
    const { client, emit } = stubZafClient();
    const started = startZendeskApp(freshContainer(), client, { fallbackLocale: 'en', catalog: fakeCatalog(), session: SESSION });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.context).not.toHaveBeenCalled();
    expect(container.textContent).toBe('');
    emit('app.registered', {});
    await expect(started).resolves.toBe('call-history');
  });

  it('tells the user to open it from Zendesk when the page is opened elsewhere, and rejects', async () => {
    await expect(startZendeskApp(freshContainer(), false, { fallbackLocale: 'en', session: null })).rejects.toThrow(/outside Zendesk/);
    expect(screen.getByRole('alert').textContent).toBe('Open this app from a customer or a ticket in Zendesk.');
  });

  it("shows a load failure and rejects with the loader's error when a feature's code cannot be fetched", async () => {
    const failure = new TypeError('Failed to fetch dynamically imported module');
    const catalog: FeatureCatalog = { ...fakeCatalog(), 'call-history': () => Promise.reject(failure) };
    await expect(start(stubZafClient(), { fallbackLocale: 'en', catalog })).rejects.toBe(failure);
    expect(screen.getByRole('alert').textContent).toBe('Callsight 应用的部分内容无法加载，请重新加载页面；如仍失败，请告知管理员。');
  });

  it('never takes an inherited property name for a location', () => {
    expect(featureAt(ZENDESK_LOCATIONS, 'toString')).toBeNull();
    expect(featureAt(ZENDESK_LOCATIONS, '__proto__')).toBeNull();
    expect(featureAt(ZENDESK_LOCATIONS, 'support.user_sidebar')).toBe('call-history');
  });
});

describe('call history in the Zendesk ticket sidebar', () => {
  it('reloads the calls in place when Zendesk reports a new requester', async () => {
    const stub = stubZafClient({ location: 'ticket_sidebar', data: { currentUser: { id: 9001, locale: 'en-US', role: 'agent' } } });
    const { client, emit, data } = stub;
    const hub = vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
      // The ticket sidebar mounts the QA review panel, which shows an agent (refused the sampling plan) the call history.
      if (!new URL(String(input)).pathname.endsWith('/api/v1/calls')) {
        return new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'Your role (agent) may not view sample' } }), {
          status: 403,
          headers: { 'Content-Type': 'application/json' },
        });
      }
      const phone = new URL(String(input)).searchParams.get('customerPhone');
      const id = phone === '+8613700000000' ? 'c_lin' : 'c_han';
      return new Response(JSON.stringify({ items: [makeCall({ id, customerPhone: phone ?? '' })], nextCursor: null }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    vi.stubGlobal('fetch', hub);

    await start(stub, { fallbackLocale: 'en' });
    await waitFor(() => expect(screen.getAllByRole('option').map((option) => option.id)).toEqual(['cs-call-c_han']));
    const root = container.querySelector('.cs-root');
    expect(document.head.querySelector('style[data-callsight-styles="base"]')).not.toBeNull();

    data['ticket.requester'] = { id: 457, name: 'Lin Tao', phone: '+8613700000000' };
    emit('ticket.requester.id.changed', 457);

    await waitFor(() => expect(screen.getAllByRole('option').map((option) => option.id)).toEqual(['cs-call-c_lin']));
    expect(container.querySelector('.cs-root')).toBe(root);
    expect(screen.getByRole('listbox').getAttribute('aria-label')).toBe('Calls with Lin Tao');
    const callLists = hub.mock.calls.filter(([url]) => new URL(String(url)).pathname.endsWith('/api/v1/calls'));
    expect(callLists.map(([url]) => new URL(String(url)).searchParams.get('customerPhone'))).toEqual(['+8613900000000', '+8613700000000']);
    expect(hub.mock.calls.every(([, init]) => new Headers(init?.headers).get('Authorization') === 'Bearer hub-session-token')).toBe(true);
    expect(client.request).not.toHaveBeenCalled();
  });
});

describe('mountLocation', () => {
  it('rejects a mount still loading when its container is unmounted or mounted again, and keeps the newest', async () => {
    const bridge: HostBridge = {
      context: async () => ({ locale: 'en', location: 'customer-record', customer: {} }),
      resize: () => {},
      fetchToken: async () => ({ token: 't', hubUrl: 'https://hub.example.com' }),
      onCustomerChanged: () => () => {},
    };
    let finish: (() => void) | undefined;
    const slow: FeatureCatalog = {
      ...fakeCatalog(),
      'call-history': () =>
        new Promise((resolve) => {
          finish = () => resolve({ id: 'call-history', styles: '', View: () => <p data-testid="feature">slow</p> });
        }),
    };
    const element = freshContainer();
    const first = mountLocation(element, { feature: 'call-history', place: 'p', bridge, fallbackLocale: 'en', catalog: slow });
    const second = mountLocation(element, { feature: 'call-history', place: 'p', bridge, fallbackLocale: 'en', catalog: fakeCatalog() });
    await expect(first).rejects.toMatchObject({ name: 'MountAbandonedError', code: 'MOUNT_ABANDONED' });
    await expect(second).resolves.toBe('call-history');
    finish?.();
    expect(screen.getByTestId('feature').textContent).toBe('call-history for a bridge');

    const third = mountLocation(element, { feature: 'call-history', place: 'p', bridge, fallbackLocale: 'en', catalog: slow });
    unmountLocation(element);
    await expect(third).rejects.toMatchObject({ name: 'MountAbandonedError' });
    expect(element.childNodes).toHaveLength(0);
  });
});
