// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { CallHistory } from '../../../widgets/features/call-history/call-history';
import { HubApiError } from '../../../widgets/core/api-client';
import type { HubClient } from '../../../widgets/core/api-client';
import type { HostBridge, HostContext, HostCustomer } from '../../../widgets/core/host-bridge';
import { createListenerSet } from '../../../widgets/core/host-bridge';
import { makeCall, transcriptFixture } from './fixtures/hub-fixtures';

const FUTURE = '2999-01-01T00:00:00.000Z';
const PAST = '2000-01-01T00:00:00.000Z';

function makeBridge(context: Partial<HostContext> = {}) {
  return {
    context: vi.fn(
      async (): Promise<HostContext> => ({ locale: 'en', location: 'customer-record', customer: { phone: '+8613812345678', name: 'Li Lei' }, ...context }),
    ),
    resize: vi.fn((_heightPx: number) => {}),
    fetchToken: vi.fn(async () => ({ token: 't', hubUrl: 'https://hub.example.com' })),
    onCustomerChanged: vi.fn((_listener: () => void) => () => {}),
  };
}

function makeClient(overrides: Partial<HubClient> = {}): HubClient & Record<keyof HubClient, ReturnType<typeof vi.fn>> {
  let playbackCount = 0;
  return {
    listCalls: vi.fn(async () => ({
      items: [makeCall({ id: 'c_1' }), makeCall({ id: 'c_2', direction: 'outbound', agentName: 'Wang Fang', flags: [], inquiryType: 'billing' })],
      nextCursor: null,
    })),
    getCall: vi.fn(),
    createPlaybackUrl: vi.fn(async (id: string) => ({ url: `https://hub.example.com/api/v1/playback/${id}-${++playbackCount}`, expiresAt: FUTURE })),
    getTranscript: vi.fn(async () => transcriptFixture),
    ...overrides,
  } as HubClient & Record<keyof HubClient, ReturnType<typeof vi.fn>>;
}

let playSpy: ReturnType<typeof vi.spyOn>;
let pauseSpy: ReturnType<typeof vi.spyOn>;
let pausedState = true;

beforeEach(() => {
  pausedState = true;
  playSpy = vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
    pausedState = false;
    return Promise.resolve();
  });
  pauseSpy = vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {
    pausedState = true;
  });
  vi.spyOn(HTMLMediaElement.prototype, 'paused', 'get').mockImplementation(() => pausedState);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A bridge whose customer the test switches, as a ticket's requester change or the demo picker would. */
function makeSwitchingBridge(first: HostCustomer) {
  const changes = createListenerSet();
  let customer = first;
  const bridge = {
    ...makeBridge(),
    context: vi.fn(async (): Promise<HostContext> => ({ locale: 'en', location: 'case-record', customer })),
    onCustomerChanged: vi.fn((listener: () => void) => changes.subscribe(listener)),
  };
  const showCustomer = (next: HostCustomer) => {
    customer = next;
    changes.emit();
  };
  return { bridge, showCustomer, listeners: () => changes.size };
}

async function openFirstCall(client: HubClient, bridge = makeBridge()) {
  render(<CallHistory bridge={bridge} client={client} />);
  const list = await screen.findByRole('listbox');
  fireEvent.focus(list);
  fireEvent.keyDown(list, { key: 'Enter' });
  const audio = await waitFor(() => {
    const element = document.querySelector('audio');
    if (element === null) throw new Error('no audio yet');
    return element;
  });
  return { list, audio };
}

describe('CallHistory', () => {
  it('lists the customer calls with date, duration, agent, direction, inquiry type and flags', async () => {
    const client = makeClient();
    render(<CallHistory bridge={makeBridge()} client={client} />);
    const options = await screen.findAllByRole('option');
    expect(options).toHaveLength(2);
    expect(client.listCalls).toHaveBeenCalledWith({ customerPhone: '+8613812345678', limit: 25 });
    const first = options[0]!.textContent ?? '';
    expect(first).toContain('4:05');
    expect(first).toContain('4 min 5 s');
    expect(first).toContain('张伟');
    expect(first).toContain('Inbound');
    expect(first).toContain('退款');
    expect(first).toContain('Sensitive word');
    expect(options[1]!.textContent).toContain('Outbound');
    expect(screen.getByRole('listbox').getAttribute('aria-label')).toBe('Calls with Li Lei');
  });

  it('shows a loading state, then the empty state', async () => {
    const client = makeClient({ listCalls: vi.fn(async () => ({ items: [], nextCursor: null })) });
    render(<CallHistory bridge={makeBridge()} client={client} />);
    expect(screen.getByRole('status').textContent).toBe('Loading calls…');
    expect(await screen.findByText('No calls with this customer yet.')).toBeTruthy();
  });

  it('explains when the customer has no phone number, without calling the hub', async () => {
    const client = makeClient();
    render(<CallHistory bridge={makeBridge({ customer: { name: 'No Phone' } })} client={client} />);
    expect(await screen.findByText(/has no phone number/)).toBeTruthy();
    expect(client.listCalls).not.toHaveBeenCalled();
  });

  it('shows the localised error for the hub code and retries on request', async () => {
    const listCalls = vi
      .fn()
      .mockRejectedValueOnce(new HubApiError('RATE_LIMITED', 429, 'slow down'))
      .mockResolvedValueOnce({ items: [makeCall()], nextCursor: null });
    render(<CallHistory bridge={makeBridge({ locale: 'zh-cn' })} client={makeClient({ listCalls })} />);
    expect((await screen.findByRole('alert')).textContent).toContain('请求过于频繁，请稍后再试。');
    fireEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findAllByRole('option')).toHaveLength(1);
  });

  it('tells the user to open it from Zendesk when the host has no context', async () => {
    const bridge: HostBridge = {
      ...makeBridge(),
      context: vi.fn(async (): Promise<HostContext> => {
        throw new Error('no ZAF');
      }),
    };
    render(<CallHistory bridge={bridge} client={makeClient()} fallbackLocale="en" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Open this app from a customer or a ticket in Zendesk.');
  });

  it('renders Chinese strings and dates for a zh-cn host', async () => {
    render(<CallHistory bridge={makeBridge({ locale: 'zh-cn' })} client={makeClient()} />);
    const options = await screen.findAllByRole('option');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('通话记录');
    expect(options[0]!.textContent).toContain('呼入');
    expect(options[0]!.textContent).toContain('4分5秒');
    expect(options[0]!.textContent).toContain('敏感词');
    expect(options[0]!.textContent).toMatch(/2026年11月2日/);
  });

  it('moves through the listbox with arrow keys and selects with Enter', async () => {
    const client = makeClient();
    render(<CallHistory bridge={makeBridge()} client={client} />);
    const list = await screen.findByRole('listbox');
    fireEvent.focus(list);
    expect(list.getAttribute('aria-activedescendant')).toBe('cs-call-c_1');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe('cs-call-c_2');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe('cs-call-c_2');
    fireEvent.keyDown(list, { key: 'Home' });
    fireEvent.keyDown(list, { key: 'End' });
    fireEvent.keyDown(list, { key: 'Enter' });
    await waitFor(() => expect(client.createPlaybackUrl).toHaveBeenCalledWith('c_2'));
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.getAttribute('aria-selected'))).toEqual(['false', 'true']);
  });

  it('selects a call on click and plays its signed URL', async () => {
    const client = makeClient();
    render(<CallHistory bridge={makeBridge()} client={client} />);
    const options = await screen.findAllByRole('option');
    fireEvent.click(options[1]!);
    const audio = await waitFor(() => {
      const element = document.querySelector('audio');
      if (element === null) throw new Error('no audio');
      return element;
    });
    expect(audio.getAttribute('src')).toBe('https://hub.example.com/api/v1/playback/c_2-1');
  });

  it('toggles play and pause with Space on the list', async () => {
    const { list } = await openFirstCall(makeClient());
    fireEvent.keyDown(list, { key: ' ' });
    expect(playSpy).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(list, { key: ' ' });
    expect(pauseSpy).toHaveBeenCalledTimes(1);
  });

  it('shows the transcript with highlighted words and follows the audio', async () => {
    const { audio } = await openFirstCall(makeClient());
    const marks = await waitFor(() => {
      const found = document.querySelectorAll('mark');
      if (found.length === 0) throw new Error('no marks yet');
      return [...found];
    });
    expect(marks.map((m) => m.childNodes[0]?.textContent)).toEqual(['保本承诺', '138****5678']);
    expect(marks[0]!.className).toContain('cs-mark--sensitive-word');
    audio.currentTime = 5;
    fireEvent.timeUpdate(audio);
    await waitFor(() => {
      const current = document.querySelector('[aria-current="true"]');
      expect(current?.textContent).toContain('我想退款');
    });
  });

  it('seeks to a segment when it is clicked', async () => {
    const { audio } = await openFirstCall(makeClient());
    const segment = await screen.findByRole('button', { name: /请提供您的手机号/ });
    fireEvent.click(segment);
    expect(audio.currentTime).toBe(10);
    expect(playSpy).toHaveBeenCalled();
    expect(segment.getAttribute('aria-current')).toBe('true');
  });

  it('says so when there is no transcript yet', async () => {
    await openFirstCall(makeClient({ getTranscript: vi.fn(async () => null) }));
    expect(await screen.findByText('No transcript yet.')).toBeTruthy();
  });

  it('shows why the audio cannot be had', async () => {
    render(<CallHistory bridge={makeBridge()} client={makeClient({ createPlaybackUrl: vi.fn().mockRejectedValue(new HubApiError('FORBIDDEN', 403, 'no')) })} />);
    fireEvent.click((await screen.findAllByRole('option'))[0]!);
    expect((await screen.findByRole('alert')).textContent).toContain('You do not have access to this.');
    expect(document.querySelector('audio')).toBeNull();
  });

  it('asks for a fresh URL when play is pressed after expiry and resumes there', async () => {
    let count = 0;
    const createPlaybackUrl = vi.fn(async () => {
      count += 1;
      return { url: `https://hub.example.com/api/v1/playback/u${count}`, expiresAt: count === 1 ? PAST : FUTURE };
    });
    const { audio } = await openFirstCall(makeClient({ createPlaybackUrl }));
    audio.currentTime = 42;
    fireEvent.play(audio);
    await waitFor(() => expect(audio.getAttribute('src')).toBe('https://hub.example.com/api/v1/playback/u2'));
    fireEvent.loadedMetadata(audio);
    expect(audio.currentTime).toBe(42);
    expect(playSpy).toHaveBeenCalled();
  });

  it('replaces a failing URL once, then reports the audio as unplayable', async () => {
    const client = makeClient();
    const { audio } = await openFirstCall(client);
    fireEvent.error(audio);
    await waitFor(() => expect(audio.getAttribute('src')).toBe('https://hub.example.com/api/v1/playback/c_1-2'));
    fireEvent.error(audio);
    expect((await screen.findByRole('alert')).textContent).toContain('The audio could not be played.');
    expect(client.createPlaybackUrl).toHaveBeenCalledTimes(2);
  });

  it('loads more calls with the cursor', async () => {
    const listCalls = vi
      .fn()
      .mockResolvedValueOnce({ items: [makeCall({ id: 'c_1' })], nextCursor: 'next-1' })
      .mockResolvedValueOnce({ items: [makeCall({ id: 'c_9' })], nextCursor: null });
    render(<CallHistory bridge={makeBridge()} client={makeClient({ listCalls })} pageSize={1} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Load more calls' }));
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    expect(listCalls).toHaveBeenLastCalledWith({ customerPhone: '+8613812345678', limit: 1, cursor: 'next-1' });
    expect(screen.queryByRole('button', { name: 'Load more calls' })).toBeNull();
  });

  it('reports its height to the host when the content changes', async () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const height = this.querySelectorAll('[role="option"]').length * 60 + 40.2;
      return { height, width: 320, top: 0, left: 0, right: 320, bottom: height, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
    });
    const bridge = makeBridge();
    render(<CallHistory bridge={bridge} client={makeClient()} />);
    await screen.findAllByRole('option');
    await waitFor(() => expect(bridge.resize).toHaveBeenLastCalledWith(161));
    expect(bridge.resize).toHaveBeenCalledWith(41);
  });

  it('reloads the calls for a new customer in place, without remounting, and drops the selection', async () => {
    const listCalls = vi.fn(async (query: { customerPhone?: string }) => ({
      items: [makeCall({ id: query.customerPhone === '+8613900000000' ? 'c_new' : 'c_old', customerPhone: query.customerPhone })],
      nextCursor: null,
    }));
    const { bridge, showCustomer } = makeSwitchingBridge({ phone: '+8613812345678', name: 'Li Lei' });
    const client = makeClient({ listCalls });
    const { audio } = await openFirstCall(client, bridge);
    const root = document.querySelector('.cs-root');
    expect(audio.isConnected).toBe(true);

    showCustomer({ phone: '+8613900000000', name: 'Han Meimei' });

    await waitFor(() => expect(screen.getAllByRole('option').map((option) => option.id)).toEqual(['cs-call-c_new']));
    expect(listCalls).toHaveBeenLastCalledWith({ customerPhone: '+8613900000000', limit: 25 });
    expect(document.querySelector('.cs-root')).toBe(root);
    expect(audio.isConnected).toBe(false);
    expect(document.querySelector('audio')).toBeNull();
    expect(screen.getByRole('listbox').getAttribute('aria-label')).toBe('Calls with Han Meimei');
  });

  it('drops a page still loading for the previous customer', async () => {
    let finishOldPage: (page: { items: ReturnType<typeof makeCall>[]; nextCursor: null }) => void = () => {};
    const listCalls = vi
      .fn()
      .mockResolvedValueOnce({ items: [makeCall({ id: 'c_1' })], nextCursor: 'next-1' })
      .mockImplementationOnce(() => new Promise((resolve) => (finishOldPage = resolve)))
      .mockResolvedValueOnce({ items: [makeCall({ id: 'c_7' })], nextCursor: null });
    const { bridge, showCustomer } = makeSwitchingBridge({ phone: '+8613812345678' });
    render(<CallHistory bridge={bridge} client={makeClient({ listCalls })} pageSize={1} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Load more calls' }));
    showCustomer({ phone: '+8613900000000' });
    await waitFor(() => expect(screen.getAllByRole('option').map((option) => option.id)).toEqual(['cs-call-c_7']));
    finishOldPage({ items: [makeCall({ id: 'c_old_page' })], nextCursor: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getAllByRole('option').map((option) => option.id)).toEqual(['cs-call-c_7']);
  });

  it('shows the no-phone message when the new customer has no phone, and stops listening once unmounted', async () => {
    const { bridge, showCustomer, listeners } = makeSwitchingBridge({ phone: '+8613812345678' });
    const client = makeClient();
    const { unmount } = render(<CallHistory bridge={bridge} client={client} />);
    await screen.findAllByRole('option');
    expect(listeners()).toBe(1);
    showCustomer({ name: 'No Phone' });
    expect(await screen.findByText(/has no phone number/)).toBeTruthy();
    expect(client.listCalls).toHaveBeenCalledTimes(1);
    unmount();
    await waitFor(() => expect(listeners()).toBe(0));
  });
});
