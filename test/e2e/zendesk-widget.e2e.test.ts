/**
 * The call-history widget in real headless Chromium (Debian `chromium`, never a downloaded browser) against
 * a running hub with demo data: as Zendesk opens it (signed URLs: a fake Zendesk agent page at
 * https://acme.zendesk.com, answered by Playwright without any network, POSTs a ZAF JWT signed RS256 with a key
 * generated here into the app iframe on the hub, and speaks the ZAF SDK's postMessage protocol to it), through
 * the hub's /demo page (the widget in a mock Zendesk user sidebar), and from the Salesforce static resource (the
 * IIFE mounted into a shadow root, as an LWC would), sharing one hub.
 * Needs: apt-get install -y chromium fonts-wqy-microhei; the hub test support (test/support/hub.ts).
 * Screenshots go to test-artifacts/.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Frame, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { startTestHub } from '../support/hub';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { cliActor } from '../../app/shared/actor';
import { zendeskPublicKeyChecker } from '../../bin/commands/zendesk.command';
import { ensureWidgetsBuilt } from '../../manifests/zendesk/build';
import { SALESFORCE_DIR } from '../../widgets/vite.config';
import { salesforceBundleFile } from '../../widgets/hosts/salesforce/salesforce-components';

interface CallSummary {
  readonly id: string;
  readonly agentId: string | null;
  readonly durationS: number;
}

const artifacts = resolve(__dirname, '../../test-artifacts');
const widgetsDir = resolve(__dirname, '../../dist/widgets');
// The fake Zendesk page counts as public and the test hub is on loopback: Chromium's Local Network Access checks
// would block that frame, a boundary a real install (Zendesk framing a public https hub) never crosses.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-features=LocalNetworkAccessChecks',
];

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let customerPhone: string;
let customerCalls: CallSummary[];
let otherCustomer: { phone: string; calls: CallSummary[] };
let zafKey: KeyObject;

const ZENDESK_ORIGIN = 'https://acme.zendesk.com';
const INSTALLATION_ID = '360001234567';
const ZENDESK_ADMIN = '1003';
const ZENDESK_UNMAPPED = '4242';

async function hubGet<T>(path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

async function openDemo(params: Record<string, string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${hub.url}/demo?${new URLSearchParams(params).toString()}`);
  await page.locator('[role="listbox"], .cs-message').first().waitFor({ timeout: 15_000 });
  expect(problems).toEqual([]);
  return page;
}

async function listedCallIds(page: Page): Promise<string[]> {
  await page.locator('[role="option"]').first().waitFor({ timeout: 15_000 });
  return page.$$eval('[role="option"]', (options) => options.map((option) => option.id.replace(/^cs-call-/, '')));
}

async function audioState(page: Page): Promise<{ currentTime: number; paused: boolean; duration: number; error: number | null }> {
  return page.$eval('audio', (element) => {
    const audio = element as HTMLAudioElement;
    return { currentTime: audio.currentTime, paused: audio.paused, duration: audio.duration, error: audio.error?.code ?? null };
  });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // The hub serves /demo from dist/widgets (npm start builds it first; a fresh checkout has none).
  await ensureWidgetsBuilt(widgetsDir, 'auto');
  hub = await startTestHub({ demoCalls: 40 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

  const customersResponse = await fetch(`${hub.url}/demo/customers`);
  if (!customersResponse.ok) throw new Error(`GET /demo/customers answered ${customersResponse.status}: the hub must serve the demo routes`);
  const customers = (await customersResponse.json()) as Array<{ phone: string; name: string }>;
  const admin = await hub.token('admin');
  // The customer whose calls were handled by the most agents shows the permission model best.
  let best: { phone: string; calls: CallSummary[]; agents: number } | null = null;
  const withCalls: Array<{ phone: string; calls: CallSummary[] }> = [];
  for (const customer of customers) {
    const { body } = await hubGet<{ items: CallSummary[] }>(`/api/v1/calls?customerPhone=${encodeURIComponent(customer.phone)}&limit=25`, admin);
    if (body.items.length > 0) withCalls.push({ phone: customer.phone, calls: body.items });
    const agents = new Set(body.items.map((call) => call.agentId).filter((id) => id !== null)).size;
    if (best === null || agents > best.agents || (agents === best.agents && body.items.length > best.calls.length)) {
      best = { phone: customer.phone, calls: body.items, agents };
    }
  }
  if (best === null || best.calls.length === 0) throw new Error('The test hub has no demo customer with calls: seed demo data in startTestHub');
  customerPhone = best.phone;
  customerCalls = best.calls;
  const other = withCalls.find((customer) => customer.phone !== customerPhone);
  if (other === undefined) throw new Error('The demo data needs two customers with calls to show a customer change');
  otherCustomer = other;

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  zafKey = privateKey;
  await registerZendeskApp.bind({
    calls: hub.hub.calls,
    accounts: hub.hub.accounts,
    keys: hub.hub.keys,
    publicKeys: zendeskPublicKeyChecker,
    clock: hub.hub.clock,
    audit: (entry) => hub.hub.audit(entry),
  })(cliActor('demo'), { subdomain: 'acme', installationId: INSTALLATION_ID, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const account = await hub.hub.accounts.find('zendesk', 'acme');
  await hub.hub.accounts.save({ ...account!, settings: { ...account!.settings, users: { [ZENDESK_ADMIN]: { role: 'admin' } } } }, new Date());
}, 120_000);

/** A ZAF JWT as Zendesk signs it for the acme installation (RS256, iss, aud naming the installation, 5 minutes). */
async function zafToken(userId: string): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'acme.zendesk.com',
    aud: `https://acme.zendesk.com/api/v2/apps/installations/${INSTALLATION_ID}.json`,
    sub: userId,
    jti: `e2e-${Math.random().toString(36).slice(2)}`,
    context: { product: 'support', location: 'user_sidebar' },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 300)
    .sign(zafKey);
}

/**
 * A stand-in for Zendesk's agent page: it POSTs the signed page request into the app iframe (as Zendesk does
 * with `signedUrls: true`) and answers the ZAF SDK's messages (iframe.handshake, get, invoke) like Zendesk's
 * side of the protocol, with the user sidebar showing a customer.
 */
function fakeZendeskPage(token: string, zafLocale: string, customer: { phone: string; name: string }): string {
  const action = `${hub.url}/zendesk/app?origin=${encodeURIComponent(ZENDESK_ORIGIN)}&app_guid=e2e-guid`;
  const data = {
    currentUser: { id: Number(ZENDESK_ADMIN), name: 'Admin Wang', locale: zafLocale, role: 'admin' },
    user: { id: 501, name: customer.name, phone: customer.phone },
  };
  return `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style></head>
<body><iframe name="app" title="Callsight"></iframe>
<form id="signed" method="post" target="app" action="${action}"><input type="hidden" name="token" value="${token}"></form>
<script>
const data = ${JSON.stringify(data)};
const hubOrigin = ${JSON.stringify(new URL(hub.url).origin)};
window.zafCalls = [];
window.addEventListener('message', (event) => {
  if (event.origin !== hubOrigin) return;
  const message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
  const reply = (payload) => event.source.postMessage(JSON.stringify(payload), hubOrigin);
  if (message.key === 'iframe.handshake') {
    reply({ key: 'zaf.app.registered', message: { metadata: { appId: 1, installationId: ${INSTALLATION_ID}, settings: {} }, context: { product: 'support', location: 'user_sidebar', account: { subdomain: 'acme' } } } });
  } else if (message.request === 'get') {
    const result = {};
    for (const path of message.params) result[path] = data[path];
    reply({ id: message.id, result });
  } else if (message.request === 'invoke') {
    window.zafCalls.push(Object.keys(message.params)[0]);
    reply({ id: message.id, result: {} });
  }
});
document.getElementById('signed').submit();
</script></body></html>`;
}

/** Opens the fake Zendesk page at `width` and returns the app frame once its first answer is on screen. */
async function openInZendesk(token: string, zafLocale: string, width: number, waitFor: string): Promise<{ page: Page; app: Frame; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const customer = { phone: customerPhone, name: '李雷 Li Lei' };
  await page.route(`${ZENDESK_ORIGIN}/agent/**`, (route) => route.fulfill({ contentType: 'text/html', body: fakeZendeskPage(token, zafLocale, customer) }));
  await page.goto(`${ZENDESK_ORIGIN}/agent/users/501`);
  const frame = page.frameLocator('iframe[name="app"]');
  await frame.locator(waitFor).first().waitFor({ timeout: 20_000 });
  const app = page.frames().find((candidate) => candidate.name() === 'app');
  if (app === undefined) throw new Error('the app iframe is missing');
  return { page, app, problems };
}

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('call history widget in Chromium', () => {
  it("lists the customer's calls for an admin", async () => {
    const page = await openDemo({ role: 'admin', customer: customerPhone, locale: 'en' });
    expect(await listedCallIds(page)).toEqual(customerCalls.map((call) => call.id));
    await page.screenshot({ path: join(artifacts, 'zendesk-widget-list-en.png'), fullPage: true });
    await page.close();
  });

  it('plays a call: playback starts, currentTime advances, and seeking works', async () => {
    const page = await openDemo({ role: 'admin', customer: customerPhone, locale: 'en' });
    const target = [...customerCalls].sort((a, b) => b.durationS - a.durationS)[0]!;
    await page.locator(`[id="cs-call-${target.id}"]`).click();
    await page.locator('audio').waitFor({ state: 'attached', timeout: 15_000 });
    await page.waitForFunction(() => (document.querySelector('audio') as HTMLAudioElement | null)?.readyState! >= 1, undefined, { timeout: 15_000 });

    await page.locator('[role="listbox"]').focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => {
      const audio = document.querySelector('audio') as HTMLAudioElement;
      return !audio.paused && audio.currentTime > 0.5;
    }, undefined, { timeout: 15_000 });
    const first = await audioState(page);
    await page.waitForTimeout(700);
    const second = await audioState(page);
    expect(second.error).toBeNull();
    expect(second.currentTime).toBeGreaterThan(first.currentTime);

    const seekToS = Math.floor(Math.min(target.durationS, first.duration) * 0.6);
    await page.$eval('audio', (element, time) => {
      (element as HTMLAudioElement).currentTime = time;
    }, seekToS);
    await page.waitForFunction((time) => {
      const audio = document.querySelector('audio') as HTMLAudioElement;
      return !audio.seeking && audio.currentTime >= time && audio.currentTime < time + 3;
    }, seekToS, { timeout: 15_000 });
    await page.waitForTimeout(500);
    const afterSeek = await audioState(page);
    expect(afterSeek.error).toBeNull();
    expect(afterSeek.currentTime).toBeGreaterThanOrEqual(seekToS);

    const segment = page.locator('.cs-segment__button').nth(1);
    if ((await segment.count()) > 0) {
      await segment.click();
      await page.waitForFunction(() => document.querySelector('.cs-segment__button[aria-current="true"]') !== null, undefined, { timeout: 10_000 });
    }
    await page.screenshot({ path: join(artifacts, 'zendesk-widget-playing.png'), fullPage: true });
    await page.close();
  });

  it("does not let an agent see or play another agent's call", async () => {
    const agentIds = [...new Set(customerCalls.map((call) => call.agentId).filter((id): id is string => id !== null))];
    const agentId = agentIds[0];
    if (agentId === undefined) throw new Error('Demo data needs calls with an agent');
    const own = customerCalls.filter((call) => call.agentId === agentId).map((call) => call.id);

    const page = await openDemo({ role: 'agent', agentId, customer: customerPhone, locale: 'en' });
    const listed = await listedCallIds(page);
    expect(listed.sort()).toEqual([...own].sort());
    await page.screenshot({ path: join(artifacts, 'zendesk-widget-agent-view.png'), fullPage: true });
    await page.close();

    const foreign = customerCalls.find((call) => call.agentId !== agentId);
    if (foreign === undefined) throw new Error('Demo data needs a customer served by two agents to show isolation');
    expect(listed).not.toContain(foreign.id);
    const agentToken = await hub.token('agent', { agentId });
    const response = await fetch(`${hub.url}/api/v1/calls/${foreign.id}/playback-url`, { method: 'POST', headers: { Authorization: `Bearer ${agentToken}` } });
    expect([403, 404]).toContain(response.status);
    const body = (await response.json()) as { error?: { code?: string } };
    expect(['FORBIDDEN', 'CALL_NOT_FOUND']).toContain(body.error?.code);
  });

  it('renders Chinese with real glyphs', async () => {
    const page = await openDemo({ role: 'admin', customer: customerPhone, locale: 'zh-cn' });
    await listedCallIds(page);
    expect(await page.locator('.cs-heading').textContent()).toBe('通话记录');
    expect(await page.locator('[role="option"]').first().textContent()).toMatch(/呼入|呼出/);
    // A missing CJK font draws every character as the same box; distinct glyphs prove the font is there.
    const distinct = await page.evaluate(() => {
      const font = getComputedStyle(document.querySelector('.cs-root')!).fontFamily;
      const draw = (text: string) => {
        const canvas = document.createElement('canvas');
        canvas.width = 40;
        canvas.height = 40;
        const context = canvas.getContext('2d')!;
        context.font = `28px ${font}`;
        context.fillText(text, 4, 30);
        return Array.from(context.getImageData(0, 0, 40, 40).data).join(',');
      };
      return draw('通') !== draw('话') && draw('通') !== draw('\u{E000}');
    });
    expect(distinct).toBe(true);
    await page.screenshot({ path: join(artifacts, 'zendesk-widget-list-zh-cn.png'), fullPage: true });
    await page.close();
  });

  it('follows a customer change in place: the same widget lists the new customer, without a new session', async () => {
    const page = await openDemo({ role: 'admin', customer: customerPhone, locale: 'en' });
    expect(await listedCallIds(page)).toEqual(customerCalls.map((call) => call.id));
    const sessions: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/demo/token')) sessions.push(request.url());
    });
    await page.$eval('.cs-root', (element) => element.setAttribute('data-test-mounted', 'first'));

    await page.selectOption('select[name="customer"]', otherCustomer.phone);
    const expected = otherCustomer.calls.map((call) => call.id);
    await page.waitForFunction(
      (ids) => JSON.stringify([...document.querySelectorAll('[role="option"]')].map((option) => option.id.replace(/^cs-call-/, ''))) === JSON.stringify(ids),
      expected,
      { timeout: 15_000 },
    );
    expect(await page.$eval('.cs-root', (element) => element.getAttribute('data-test-mounted'))).toBe('first');
    expect(sessions).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'zendesk-widget-customer-changed.png'), fullPage: true });
    await page.close();
  });
});

describe('Zendesk app opened through a signed page request (signed URLs)', () => {
  it.each([
    ['en-US', 'en', 1280],
    ['en-US', 'en', 320],
    ['zh-CN', 'zh-cn', 1280],
    ['zh-CN', 'zh-cn', 320],
  ])("lists the customer's calls for a verified Zendesk admin (Zendesk locale %s, widget %s, %i px)", async (zafLocale, locale, width) => {
    const { page, app, problems } = await openInZendesk(await zafToken(ZENDESK_ADMIN), zafLocale, width, '[role="option"]');
    const ids = await app.$$eval('[role="option"]', (options) => options.map((option) => option.id.replace(/^cs-call-/, '')));
    expect(ids).toEqual(customerCalls.map((call) => call.id));
    expect(await app.locator('.cs-heading').textContent()).toBe(locale === 'en' ? 'Call history' : '通话记录');
    // The session reached the page only through the hub's verified answer; the block is gone once read.
    expect(await app.evaluate(() => document.getElementById('callsight-session'))).toBeNull();
    expect(app.url()).toContain('/zendesk/app?origin=');
    expect(await page.evaluate(() => (window as unknown as { zafCalls: string[] }).zafCalls)).toContain('resize');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(artifacts, `zendesk-signed-${locale}-${width}.png`), fullPage: true });
    await page.close();
  });

  it('plays a call in the signed page', async () => {
    const { page, app } = await openInZendesk(await zafToken(ZENDESK_ADMIN), 'en-US', 1280, '[role="option"]');
    await app.locator('[role="option"]').first().click();
    await app.locator('audio').waitFor({ state: 'attached', timeout: 15_000 });
    await app.waitForFunction(() => (document.querySelector('audio') as HTMLAudioElement | null)?.readyState! >= 1, undefined, { timeout: 15_000 });
    expect(await app.$eval('audio', (element) => (element as HTMLAudioElement).error)).toBeNull();
    await page.close();
  });

  it.each([320, 1280])('shows a user without Callsight rights why, in English and Chinese (%i px)', async (width) => {
    const { page, app } = await openInZendesk(await zafToken(ZENDESK_UNMAPPED), 'en-US', width, 'section[lang="zh-CN"]');
    expect(await app.locator('section[lang="en"] h1').textContent()).toBe('No Callsight access');
    expect(await app.locator('section[lang="en"] p').first().textContent()).toMatch(/ask a Callsight admin/);
    expect(await app.locator('section[lang="zh-CN"] h1').textContent()).toBe('没有 Callsight 权限');
    await page.screenshot({ path: join(artifacts, `zendesk-signed-refused-${width}.png`), fullPage: true });
    await page.close();
  });

  it('refuses the same signed request a second time (replay)', async () => {
    const token = await zafToken(ZENDESK_ADMIN);
    const first = await openInZendesk(token, 'en-US', 1280, '[role="option"]');
    await first.page.close();
    const second = await openInZendesk(token, 'en-US', 1280, 'section[lang="en"]');
    expect(await second.app.locator('section[lang="en"] p').first().textContent()).toMatch(/already used/);
    await second.page.close();
  });
});

describe('Salesforce static resource in Chromium', () => {
  it('mounts the call history from the IIFE into a shadow root, styled, and unmounts it', async () => {
    const bundle = readFileSync(join(widgetsDir, SALESFORCE_DIR, salesforceBundleFile('callsightCallHistory')), 'utf8');
    const token = await hub.token('admin');
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // A page on the hub's origin (as the LWC's Apex-minted session would reach the hub), without the demo's CSP.
    const hostUrl = `${hub.url}/__salesforce-host-test`;
    await page.route(hostUrl, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><body style="margin:0"><c-callsight-call-history></c-callsight-call-history></body></html>' }),
    );
    await page.goto(hostUrl);
    await page.addScriptTag({ content: bundle });
    const feature = await page.evaluate(
      async ({ sessionToken, hubUrl, phone }) => {
        const host = document.querySelector('c-callsight-call-history')!;
        const shadow = host.attachShadow({ mode: 'open' });
        const container = document.createElement('div');
        container.className = 'callsight';
        shadow.appendChild(container);
        const bridge = {
          context: async () => ({ locale: 'en', location: 'customer-record', customer: { phone, name: 'Contact' } }),
          resize: () => {},
          fetchToken: async () => ({ token: sessionToken, hubUrl }),
          onCustomerChanged: () => () => {},
        };
        const api = (window as unknown as { Callsight: { mount(element: Element, options: object): Promise<string> } }).Callsight;
        return api.mount(container, { component: 'callsightCallHistory', bridge });
      },
      { sessionToken: token, hubUrl: hub.url, phone: customerPhone },
    );
    expect(feature).toBe('call-history');
    expect(await listedCallIds(page)).toEqual(customerCalls.map((call) => call.id));
    const styled = await page.evaluate(() => {
      const shadow = document.querySelector('c-callsight-call-history')!.shadowRoot!;
      const list = shadow.querySelector('.cs-list')!;
      return {
        radius: getComputedStyle(list).borderTopLeftRadius,
        sheetsInShadow: shadow.querySelectorAll('style[data-callsight-styles]').length,
        sheetsInDocument: document.querySelectorAll('style[data-callsight-styles]').length,
      };
    });
    expect(styled).toEqual({ radius: '4px', sheetsInShadow: 2, sheetsInDocument: 0 });
    await page.screenshot({ path: join(artifacts, 'salesforce-bundle-shadow-root.png'), fullPage: true });

    const left = await page.evaluate(() => {
      const shadow = document.querySelector('c-callsight-call-history')!.shadowRoot!;
      const container = shadow.querySelector('.callsight')!;
      (window as unknown as { Callsight: { unmount(element: Element): void } }).Callsight.unmount(container);
      return container.childNodes.length;
    });
    expect(left).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
