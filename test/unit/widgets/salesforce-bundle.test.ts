/**
 * The Salesforce static resource as an LWC gets it: the built IIFE file, run as a classic `<script>` in a
 * happy-dom window, then driven only through the global `Callsight` it defines (no import of our sources).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Window } from 'happy-dom';
import { build } from 'vite';
import { SALESFORCE_BUNDLE, salesforceBuildConfig } from '../../../widgets/vite.config';
import { SALESFORCE_COMPONENT_NAMES, salesforceBundleFile } from '../../../widgets/hosts/salesforce/salesforce-components';
import { SALESFORCE_BUNDLE_FILES as DEMO_ROUTE_BUNDLE_FILES } from '../../../adapters/http/routes/demo.routes';
import { makeCall } from './fixtures/hub-fixtures';

interface StubContext {
  locale: 'en' | 'zh-cn';
  location: 'customer-record' | 'case-record' | 'workspace';
  customer: { phone?: string; name?: string };
}

/** What the test sees of the global; elements come from the happy-dom window, not the DOM lib types. */
interface CallsightGlobal {
  mount(element: unknown, options: { component: string; bridge: unknown; fallbackLocale?: string }): Promise<string>;
  unmount(element: unknown): void;
  components(): string[];
}

let outDir: string;
let bundle: string;
let window: Window;
let document: Window['document'];
let Callsight: CallsightGlobal;

/** A bridge as an LWC would build one: plain functions, the customer switched by the test. */
function stubBridge(first: StubContext['customer']) {
  const listeners = new Set<() => void>();
  const state: StubContext = { locale: 'en', location: 'customer-record', customer: first };
  const bridge = {
    context: vi.fn(async () => ({ ...state })),
    resize: vi.fn(),
    fetchToken: vi.fn(async () => ({ token: 'sf-token', hubUrl: 'https://hub.example.com' })),
    onCustomerChanged: vi.fn((listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };
  const showCustomer = (customer: StubContext['customer']) => {
    state.customer = customer;
    for (const listener of [...listeners]) listener();
  };
  return { bridge, showCustomer, listeners };
}

/** An LWC-like host: a custom element whose shadow root holds the `lwc:dom="manual"` container. */
function lwcContainer() {
  const host = document.createElement('c-callsight-call-history');
  document.body.appendChild(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  container.className = 'callsight';
  shadow.appendChild(container);
  return { host, container, shadow };
}

function optionIds(root: { querySelectorAll(selector: string): ArrayLike<{ id: string }> }): string[] {
  return Array.from(root.querySelectorAll('[role="option"]'), (option) => option.id);
}

async function until<T>(read: () => T | null | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'callsight-sf-'));
  await build({ ...salesforceBuildConfig(outDir), logLevel: 'silent' });
  await build({ ...salesforceBuildConfig(outDir, 'callsightReviewPanel', false), logLevel: 'silent' });
  bundle = readFileSync(join(outDir, SALESFORCE_BUNDLE), 'utf8');
  // The evaluated script is this repository's own build output, so happy-dom's warning about untrusted code does not apply.
  window = new Window({
    url: 'https://acme.lightning.force.com/lightning/r/Contact/003/view',
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  document = window.document;
  const script = document.createElement('script');
  script.textContent = bundle;
  document.head.appendChild(script);
  Callsight = (window as unknown as { Callsight: CallsightGlobal }).Callsight;
}, 60_000);

afterAll(async () => {
  await window?.happyDOM.close();
  rmSync(outDir, { recursive: true, force: true });
});

afterEach(() => {
  document.body.innerHTML = '';
});

function jsonResponse(body: unknown): Response {
  return new window.Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }) as unknown as Response;
}

describe('Salesforce static resource (IIFE)', () => {
  it('is one self-contained script that defines the global Callsight', () => {
    expect(bundle).toMatch(/^\(function\(\)\{/);
    expect(bundle).toContain('globalThis.Callsight=');
    expect(bundle).not.toMatch(/\bimport\(|import\.meta|process\.env/);
    expect(typeof Callsight.mount).toBe('function');
    expect(typeof Callsight.unmount).toBe('function');
    expect(Callsight.components()).toEqual(['callsightCallHistory']);
  });

  it('mounts the call history in a shadow root with its styles, follows customer changes in place, and unmounts', async () => {
    const hub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer sf-token');
      const phone = url.searchParams.get('customerPhone') ?? '';
      const id = phone === '+8613700000000' ? 'c_second' : 'c_first';
      return jsonResponse({ items: [makeCall({ id, customerPhone: phone })], nextCursor: null });
    });
    (window as unknown as { fetch: typeof hub }).fetch = hub;
    const { container, shadow } = lwcContainer();
    const { bridge, showCustomer, listeners } = stubBridge({ phone: '+8613812345678', name: 'Li Lei' });

    await expect(Callsight.mount(container, { component: 'callsightCallHistory', bridge })).resolves.toBe('call-history');
    await until(() => optionIds(container).length > 0);
    expect(optionIds(container)).toEqual(['cs-call-c_first']);
    expect(container.querySelector('h2')?.textContent).toBe('Call history');
    const sheets = [...shadow.querySelectorAll('style[data-callsight-styles]')].map((style) => style.getAttribute('data-callsight-styles'));
    expect(sheets).toEqual(['base', 'call-history']);
    expect(shadow.querySelector('style[data-callsight-styles="call-history"]')?.textContent).toContain('.cs-list');
    expect(document.head.querySelector('style[data-callsight-styles]')).toBeNull();

    const root = container.querySelector('.cs-root');
    showCustomer({ phone: '+8613700000000', name: 'Lin Tao' });
    await until(() => optionIds(container)[0] === 'cs-call-c_second');
    expect(container.querySelector('.cs-root')).toBe(root);
    expect(bridge.fetchToken).toHaveBeenCalledTimes(1);

    Callsight.unmount(container);
    expect(container.childNodes).toHaveLength(0);
    await until(() => listeners.size === 0);
    Callsight.unmount(container);
  });

  it('refuses an unknown component with a message naming the known ones, and shows it in the element', async () => {
    const { container } = lwcContainer();
    const { bridge } = stubBridge({});
    await expect(Callsight.mount(container, { component: 'callsightNope', bridge, fallbackLocale: 'en' })).rejects.toMatchObject({
      name: 'CallsightMountError',
      message: expect.stringContaining('known components: callsightCallHistory'),
    });
    expect(container.textContent).toBe('Callsight has nothing to show here yet (callsightNope).');
    Callsight.unmount(container);
  });

  it('refuses a bridge that lacks a method, saying which', async () => {
    const { container } = lwcContainer();
    const { context, resize, fetchToken } = stubBridge({}).bridge;
    await expect(Callsight.mount(container, { component: 'callsightCallHistory', bridge: { context, resize, fetchToken } })).rejects.toThrow(
      /the bridge has no onCustomerChanged/,
    );
    expect(container.childNodes).toHaveLength(0);
  });
});

describe('Salesforce static resources: two component bundles on one page', () => {
  it('the demo route serves exactly the bundle file of every Salesforce component and the chart runtime', () => {
    expect(DEMO_ROUTE_BUNDLE_FILES).toHaveLength(7);
    expect([...DEMO_ROUTE_BUNDLE_FILES].sort()).toEqual([...SALESFORCE_COMPONENT_NAMES.map(salesforceBundleFile), 'callsight-charts.iife.js'].sort());
  });

  it('loads the call-history and review-panel IIFEs into one window, which share one Callsight and mount both', async () => {
    const page = new Window({
      url: 'https://acme.lightning.force.com/lightning/r/Case/500/view',
      settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
    });
    try {
      const doc = page.document;
      for (const component of ['callsightCallHistory', 'callsightReviewPanel'] as const) {
        const script = doc.createElement('script');
        script.textContent = readFileSync(join(outDir, salesforceBundleFile(component)), 'utf8');
        doc.head.appendChild(script);
      }
      const api = (page as unknown as { Callsight: CallsightGlobal }).Callsight;
      expect([...api.components()].sort()).toEqual(['callsightCallHistory', 'callsightReviewPanel']);
      const requests: string[] = [];
      (page as unknown as { fetch: unknown }).fetch = async (input: RequestInfo | URL) => {
        const url = new URL(String(input));
        requests.push(url.pathname);
        if (url.pathname === '/api/v1/reviews/mine') {
          return new page.Response(JSON.stringify({ period: url.searchParams.get('period'), reviewerId: 'qa-1', planned: false, total: 0, items: [] }), {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
          });
        }
        const phone = url.searchParams.get('customerPhone') ?? '';
        return new page.Response(JSON.stringify({ items: [makeCall({ id: 'c_case', customerPhone: phone })], nextCursor: null }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        });
      };
      const containers = ['c-callsight-call-history', 'c-callsight-review-panel'].map((tag) => {
        const host = doc.createElement(tag);
        doc.body.appendChild(host);
        const shadow = host.attachShadow({ mode: 'open' });
        const container = doc.createElement('div');
        container.className = 'callsight';
        shadow.appendChild(container);
        return container;
      });
      const history = stubBridge({ phone: '+8613812345678', name: 'Li Lei' }).bridge;
      const review = stubBridge({ phone: '+8613812345678', name: 'Li Lei' }).bridge;
      await expect(api.mount(containers[0], { component: 'callsightCallHistory', bridge: history })).resolves.toBe('call-history');
      await expect(api.mount(containers[1], { component: 'callsightReviewPanel', bridge: review })).resolves.toBe('qa-review');
      await until(() => optionIds(containers[0]!).length > 0 && containers[1]!.querySelector('.cs-qa h2')).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${containers.map((container) => container.innerHTML.slice(0, 400)).join(' | ')} requests ${requests.join(',')}`);
      });
      expect(containers[0]!.querySelector('h2')?.textContent).toBe('Call history');
      expect(containers[1]!.querySelector('.cs-qa h2')?.textContent).toBe('QA review');
      await until(() => containers[1]!.querySelector('[data-testid="qa-requester-calls"] li'));
      expect(Array.from(containers[1]!.querySelectorAll('[data-testid="qa-requester-calls"] button'), (button) => button.getAttribute('data-testid'))).toEqual(['qa-requester-c_case']);
      expect(containers[1]!.querySelector('[role="alert"]')).toBeNull();
      expect(requests).toContain('/api/v1/reviews/mine');
      for (const container of containers) api.unmount(container);
      expect(containers.map((container) => container.childNodes.length)).toEqual([0, 0]);
    } finally {
      await page.happyDOM.close();
    }
  });
});
