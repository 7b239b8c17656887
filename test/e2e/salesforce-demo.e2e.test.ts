/**
 * The hub's Salesforce demo page (`/demo/salesforce`) in real headless Chromium (Debian `chromium`, never a
 * downloaded browser) against a running hub with demo data: Lightning record pages built with SLDS, where each
 * Callsight component is the built Salesforce static resource mounted into an LWC-like shadow root through the
 * demo's Salesforce bridge. For each role (agent, QA, manager), in English and Chinese, at 320 px and 1280 px:
 * the contact's calls that role may see, a call that plays, and axe-core's accessibility rules. Then a contact
 * change in place, the Case page with the QA review panel (call history for other roles), in-page navigation and a refused
 * session's toast. What each role may see is asked of the hub's own API with the demo's own tokens, so the page
 * is checked against the hub, not against itself.
 * Needs: apt-get install -y chromium fonts-wqy-microhei. Screenshots go to test-results/salesforce-demo/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startTestHub } from '../support/hub';
import { ensureWidgetsBuilt } from '../../manifests/zendesk/build';

interface CallSummary {
  readonly id: string;
  readonly agentId: string | null;
  readonly customerPhone: string | null;
  readonly durationS: number;
}

type Role = 'agent' | 'qa' | 'manager';
type Locale = 'en' | 'zh-cn';

const artifacts = resolve(__dirname, '../../test-results/salesforce-demo');
const widgetsDir = resolve(__dirname, '../../dist/widgets');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WIDTHS = [320, 1280] as const;
const LOCALES: readonly Locale[] = ['en', 'zh-cn'];
const HISTORY = 'c-callsight-call-history';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let customer: { phone: string; calls: CallSummary[] };
let otherCustomer: { phone: string; calls: CallSummary[] };
let agentId: string;
/** Whether the hub's demo token endpoint issues manager sessions (it answers VALIDATION_FAILED otherwise). */
let managerSupported: boolean;

async function demoToken(role: string, extra: Record<string, string> = {}): Promise<{ status: number; token?: string; code?: string }> {
  const response = await fetch(`${hub.url}/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role, ...extra }),
  });
  const body = (await response.json()) as { token?: string; error?: { code?: string } };
  return { status: response.status, token: body.token, code: body.error?.code };
}

/** The calls of a customer the hub lists for the demo session of `role`, in the hub's order. */
async function visibleCalls(role: Role | 'admin', phone: string): Promise<CallSummary[]> {
  const session = await demoToken(role, role === 'agent' ? { agentId } : {});
  if (session.token === undefined) throw new Error(`POST /demo/token refused role ${role}: ${session.code}`);
  const response = await fetch(`${hub.url}/api/v1/calls?customerPhone=${encodeURIComponent(phone)}&limit=25`, {
    headers: { Authorization: `Bearer ${session.token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: CallSummary[] }).items;
}

function pageUrl(params: Record<string, string>): string {
  return `${hub.url}/demo/salesforce?${new URLSearchParams(params).toString()}`;
}

async function openPage(params: Record<string, string>, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
  });
  await page.goto(pageUrl(params));
  await page.locator(`${HISTORY} [role="listbox"], ${HISTORY} .cs-message, .slds-notify_toast`).first().waitFor({ timeout: 20_000 });
  return { page, problems };
}

async function listedCallIds(page: Page): Promise<string[]> {
  await page.locator(`${HISTORY} [role="option"]`).first().waitFor({ timeout: 20_000 });
  return page.locator(`${HISTORY} [role="option"]`).evaluateAll((options) => options.map((option) => option.id.replace(/^cs-call-/, '')));
}

/** Text of the call-history component's shadow root (Playwright's locators pierce it; textContent of the host does not). */
async function widgetText(page: Page): Promise<string> {
  return page.locator(HISTORY).evaluate((host) => host.shadowRoot?.textContent ?? '');
}

async function playFirstCall(page: Page): Promise<{ src: string; readyState: number; error: number | null; duration: number }> {
  await page.locator(`${HISTORY} [role="option"]`).first().click();
  const audio = page.locator(`${HISTORY} audio`);
  await audio.waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForFunction(
    (tag) => {
      const element = document.querySelector(tag)?.shadowRoot?.querySelector('audio');
      return element !== null && element !== undefined && (element.readyState >= 1 || element.error !== null);
    },
    HISTORY,
    { timeout: 20_000 },
  );
  return audio.evaluate((element) => {
    const player = element as HTMLAudioElement;
    return { src: player.currentSrc, readyState: player.readyState, error: player.error?.code ?? null, duration: player.duration };
  });
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes.slice(0, 3).map((node) => node.target))}`);
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // The hub serves /demo/salesforce and the static resource from dist/widgets (built here when stale).
  await ensureWidgetsBuilt(widgetsDir, 'auto');
  hub = await startTestHub({ demoCalls: 40 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

  const customersResponse = await fetch(`${hub.url}/demo/customers`);
  if (!customersResponse.ok) throw new Error(`GET /demo/customers answered ${customersResponse.status}: the hub must serve the demo routes`);
  const customers = (await customersResponse.json()) as Array<{ phone: string; name: string }>;
  const admin = await hub.token('admin');
  // The customer whose calls were handled by the most agents, with calls QA can see, shows the permission model best.
  const withCalls: Array<{ phone: string; calls: CallSummary[]; agents: number }> = [];
  for (const { phone } of customers) {
    const response = await fetch(`${hub.url}/api/v1/calls?customerPhone=${encodeURIComponent(phone)}&limit=25`, { headers: { Authorization: `Bearer ${admin}` } });
    const { items } = (await response.json()) as { items: CallSummary[] };
    if (items.length > 0) withCalls.push({ phone, calls: items, agents: new Set(items.map((call) => call.agentId).filter((id) => id !== null)).size });
  }
  withCalls.sort((a, b) => b.agents - a.agents || b.calls.length - a.calls.length);
  const best = withCalls[0];
  const other = withCalls[1];
  if (best === undefined || other === undefined) throw new Error('The demo data needs two customers with calls: seed demo data in startTestHub');
  customer = best;
  otherCustomer = other;
  const firstAgent = customer.calls.map((call) => call.agentId).find((id): id is string => id !== null);
  if (firstAgent === undefined) throw new Error('Demo data needs calls with an agent');
  agentId = firstAgent;
  managerSupported = (await demoToken('manager')).status === 200;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('Salesforce demo page: the Callsight app page', () => {
  const INSIGHTS = 'c-callsight-insights';
  for (const width of WIDTHS) {
    for (const locale of LOCALES) {
      it(`manager, ${locale}, ${width}px: the insights component draws its charts with the chart runtime loaded from the static resource on demand, passes axe`, async (context) => {
        if (!managerSupported) context.skip();
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const problems: string[] = [];
        const scripts: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('response', (response) => {
          if (response.status() >= 400) problems.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
        });
        page.on('request', (request) => {
          if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
        });
        try {
          await page.goto(pageUrl({ role: 'manager', page: 'app', locale }));
          expect(await page.locator('#sfd-app-tab-insights').getAttribute('aria-selected')).toBe('true');
          await page.locator(`${INSIGHTS} .cs-tiles`).waitFor({ timeout: 60_000 });
          await page.locator(`${INSIGHTS} .cs-chart[data-chart="ready"]`).first().waitFor({ timeout: 60_000 });
          expect(await page.locator(`${INSIGHTS} .cs-chart canvas`).count()).toBeGreaterThanOrEqual(1);
          // The insights bundle came first; the chart runtime only once a chart was shown, from the same static resource.
          const insightsAt = scripts.indexOf('/demo/salesforce/callsight-insights.iife.js');
          const chartsAt = scripts.indexOf('/demo/salesforce/callsight-charts.iife.js');
          expect(insightsAt).toBeGreaterThanOrEqual(0);
          expect(chartsAt).toBeGreaterThan(insightsAt);
          const text = await page.locator(INSIGHTS).evaluate((host) => host.shadowRoot?.textContent ?? '');
          expect(text).toMatch(locale === 'zh-cn' ? /[\u4e00-\u9fff]/ : /[A-Za-z]{4}/);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow).toBeLessThanOrEqual(0);
          expect(await seriousAxeViolations(page)).toEqual([]);
          await shot(page, `app-insights-manager-${locale}-${width}`);
          expect(problems).toEqual([]);
        } finally {
          await page.close();
        }
      });
    }
  }

  it('opens the tab each role comes for, and every tab mounts its own component', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(pageUrl({ role: 'agent', agentId, page: 'app', locale: 'en' }));
      expect(await page.locator('#sfd-app-tab-my-calls').getAttribute('aria-selected')).toBe('true');
      await page.locator('c-callsight-my-calls [data-feature="my-calls"]').waitFor({ timeout: 60_000 });
      await shot(page, 'app-my-calls-agent-en-1280');
      await page.locator('#sfd-app-tab-training').click();
      await page.locator('c-callsight-training [data-feature="training"]').waitFor({ timeout: 60_000 });
      expect(new URL(page.url()).searchParams.get('tab')).toBe('training');
      expect(await page.locator('c-callsight-my-calls').count()).toBe(0);
      await page.goto(pageUrl({ role: 'admin', page: 'app', locale: 'zh-cn' }));
      expect(await page.locator('#sfd-app-tab-setup').getAttribute('aria-selected')).toBe('true');
      await page.locator('c-callsight-admin-setup [data-feature="admin-setup"]').waitFor({ timeout: 60_000 });
      await shot(page, 'app-setup-admin-zh-cn-1280');
    } finally {
      await page.close();
    }
  });
});

describe('Salesforce demo page: the Contact record page per role', () => {
  for (const width of WIDTHS) {
    for (const locale of LOCALES) {
      it(`agent, ${locale}, ${width}px: lists only the agent's own calls with this contact, plays one, passes axe`, async () => {
        const own = customer.calls.filter((call) => call.agentId === agentId).map((call) => call.id);
        expect(own.length).toBeGreaterThan(0);
        expect(own.length).toBeLessThan(customer.calls.length);
        expect((await visibleCalls('agent', customer.phone)).map((call) => call.id)).toEqual(own);

        const { page, problems } = await openPage({ role: 'agent', agentId, customer: customer.phone, locale }, width);
        expect(await listedCallIds(page)).toEqual(own);
        expect(await page.locator('[data-testid="record-title"]').textContent()).not.toBe('');
        expect(await page.locator(`${HISTORY} .cs-heading`).textContent()).toBe(locale === 'en' ? 'Call history' : '通话记录');
        await shot(page, `contact-agent-${locale}-${width}`);
        const audio = await playFirstCall(page);
        expect(audio.error).toBeNull();
        expect(audio.src).toMatch(new RegExp(`^${hub.url}/`));
        expect(audio.readyState).toBeGreaterThanOrEqual(1);
        expect(audio.duration).toBeGreaterThan(0);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await shot(page, `contact-agent-${locale}-${width}-playing`);
        expect(problems).toEqual([]);
        await page.close();
      });

      it(`QA, ${locale}, ${width}px: lists the team's calls with masked phone numbers, plays one, passes axe`, async () => {
        const expected = await visibleCalls('qa', customer.phone);
        expect(expected.length).toBeGreaterThan(0);
        for (const call of expected) {
          expect(call.customerPhone).not.toBe(customer.phone);
          expect(call.customerPhone).toMatch(/\*{3,}/);
        }
        const received: unknown[] = [];
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        page.on('response', (response) => {
          if (response.url().includes('/api/v1/calls?')) received.push(response.json().catch(() => null));
        });
        await page.goto(pageUrl({ role: 'qa', customer: customer.phone, locale }));
        expect(await listedCallIds(page)).toEqual(expected.map((call) => call.id));
        const pages = (await Promise.all(received)) as Array<{ items: CallSummary[] } | null>;
        const phones = pages.flatMap((body) => body?.items.map((call) => call.customerPhone) ?? []);
        expect(phones.length).toBe(expected.length);
        for (const phone of phones) expect(phone).toMatch(/\*{3,}/);
        const digits = customer.phone.replace(/\D/g, '');
        expect((await widgetText(page)).replace(/\D/g, '')).not.toContain(digits.slice(-8));
        await shot(page, `contact-qa-${locale}-${width}`);
        const audio = await playFirstCall(page);
        expect(audio.error).toBeNull();
        expect(audio.readyState).toBeGreaterThanOrEqual(1);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await shot(page, `contact-qa-${locale}-${width}-playing`);
        await page.close();
      });

      it(`manager, ${locale}, ${width}px: lists the team's calls and plays one where the hub issues manager sessions, else says clearly that it cannot start`, async () => {
        const { page, problems } = await openPage({ role: 'manager', customer: customer.phone, locale }, width);
        if (managerSupported) {
          const expected = (await visibleCalls('manager', customer.phone)).map((call) => call.id);
          expect(await listedCallIds(page)).toEqual(expected);
          const audio = await playFirstCall(page);
          expect(audio.error).toBeNull();
          expect(audio.readyState).toBeGreaterThanOrEqual(1);
        } else {
          const toast = page.locator('.slds-notify_toast[role="alert"]');
          await toast.waitFor({ timeout: 20_000 });
          expect(await toast.locator('h2').textContent()).toBe(locale === 'en' ? 'Callsight could not start a session' : 'Callsight 无法建立会话');
          await page.locator(`${HISTORY} .cs-message--error`).waitFor({ timeout: 20_000 });
          expect(await page.locator(`${HISTORY} [role="option"]`).count()).toBe(0);
          expect(await page.locator(`${HISTORY} .cs-message--error button`).textContent()).toBe(locale === 'en' ? 'Try again' : '重试');
          expect([...new Set(problems)]).toEqual(['POST /demo/token 400']);
        }
        expect(await seriousAxeViolations(page)).toEqual([]);
        await shot(page, `contact-manager-${locale}-${width}`);
        await page.close();
      });
    }
  }
});

describe('Salesforce demo page: record changes, the Case page, navigation and toasts', () => {
  it('follows a contact change in place for each role: the same component lists the new contact, without a new session', async () => {
    for (const role of ['agent', 'qa'] as const) {
      const { page } = await openPage({ role, ...(role === 'agent' ? { agentId } : {}), customer: customer.phone, locale: 'en' }, 1280);
      await listedCallIds(page);
      const sessions: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/demo/token')) sessions.push(request.url());
      });
      await page.locator(`${HISTORY} .cs-root`).evaluate((element) => element.setAttribute('data-test-mounted', 'first'));
      const expected = (await visibleCalls(role, otherCustomer.phone)).map((call) => call.id);
      await page.selectOption('select[name="customer"]', otherCustomer.phone);
      await expect
        .poll(async () => page.locator(`${HISTORY} [role="option"], ${HISTORY} .cs-message`).evaluateAll((nodes) =>
          nodes.filter((node) => node.getAttribute('role') === 'option').map((node) => node.id.replace(/^cs-call-/, '')),
        ), { timeout: 20_000 })
        .toEqual(expected);
      expect(await page.locator(`${HISTORY} .cs-root`).getAttribute('data-test-mounted')).toBe('first');
      expect(sessions).toEqual([]);
      expect(new URL(page.url()).searchParams.get('customer')).toBe(otherCustomer.phone);
      await shot(page, `contact-${role}-customer-changed`);
      await page.close();
    }
  });

  for (const locale of LOCALES) {
    it(`Case page, ${locale}: QA sees the real review panel (SLDS themed), the call history lists the contact's calls`, async () => {
      const { page, problems } = await openPage({ role: 'qa', customer: customer.phone, page: 'case', locale }, 1280);
      const panel = page.locator('c-callsight-review-panel .cs-root.cs-qa');
      await panel.waitFor({ timeout: 20_000 });
      await expect.poll(() => panel.locator('h2.cs-heading').textContent()).toBe(locale === 'en' ? 'QA review' : '质检评审');
      await expect.poll(() => panel.locator(':scope > .cs-message[role="status"]').count(), { timeout: 20_000 }).toBe(0);
      expect(await panel.textContent()).not.toContain('callsightReviewPanel');
      expect(await panel.evaluate((element) => element.closest('.callsight')?.getAttribute('data-callsight-theme'))).toBe('slds');
      expect(await page.locator('c-callsight-review-panel [role="alert"]').count()).toBe(0);
      expect(await listedCallIds(page)).toEqual((await visibleCalls('qa', customer.phone)).map((call) => call.id));
      expect(await page.locator('.slds-notify_toast').count()).toBe(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await shot(page, `case-qa-${locale}-1280`);
      await page.setViewportSize({ width: 320, height: 900 });
      await shot(page, `case-qa-${locale}-320`);
      // No plan made yet for this month is the hub's 404, which the panel shows as "not made yet".
      expect(problems.filter((problem) => !/^GET \/api\/v1\/sampling\/plans\/\d{4}-\d{2} 404$/.test(problem))).toEqual([]);
      await page.close();
    });

    it(`Case page, ${locale}: for an agent the review panel falls back to the call history of the agent's own calls`, async () => {
      const { page, problems } = await openPage({ role: 'agent', agentId, customer: customer.phone, page: 'case', locale }, 1280);
      const panel = page.locator('c-callsight-review-panel .cs-root');
      await panel.first().waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('c-callsight-review-panel .cs-qa').count(), { timeout: 20_000 }).toBe(0);
      await page.locator('c-callsight-review-panel [role="listbox"], c-callsight-review-panel .cs-root > .cs-message:not([role="status"])').first().waitFor({ timeout: 20_000 });
      expect(await panel.first().textContent()).not.toContain(locale === 'en' ? 'QA review' : '质检评审');
      expect(await page.locator('c-callsight-review-panel [role="alert"]').count()).toBe(0);
      expect(await page.locator('.slds-notify_toast').count()).toBe(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await shot(page, `case-agent-${locale}-1280`);
      await page.setViewportSize({ width: 320, height: 900 });
      await shot(page, `case-agent-${locale}-320`);
      // The panel asks for the reviewer's assignments and takes the hub's 403 as "not a reviewer": that answer is the fallback's trigger.
      expect(problems.filter((problem) => !/^GET \/api\/v1\/reviews\/mine 403$/.test(problem))).toEqual([]);
      expect(problems.length).toBeGreaterThan(0);
      await page.close();
    });
  }

  it('navigates in the page: a related Case opens the Case page and its contact link leads back, without loading a document', async () => {
    const { page } = await openPage({ role: 'agent', agentId, customer: customer.phone, locale: 'en' }, 1280);
    await listedCallIds(page);
    await page.evaluate(() => {
      (window as unknown as { sfdMarker: string }).sfdMarker = 'same-document';
    });
    await page.locator('#sfd-tab-related').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#sfd-tab-details').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sfd-tab-details');
    expect(await page.locator('#sfd-panel-details').textContent()).toContain(customer.phone);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#sfd-tab-related').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid="cases-card"] a').first().click();
    await page.locator('c-callsight-review-panel .cs-root').first().waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('page')).toBe('case');
    await page.locator('[data-testid="case-details-card"] a').click();
    await page.locator('[data-testid="cases-card"]').waitFor({ timeout: 20_000 });
    expect(await listedCallIds(page)).toEqual(customer.calls.filter((call) => call.agentId === agentId).map((call) => call.id));
    expect(await page.evaluate(() => (window as unknown as { sfdMarker?: string }).sfdMarker)).toBe('same-document');
    await page.close();
  });

  it('shows a refused session as an SLDS error toast without any secret, and the component offers a retry that recovers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    let refuse = true;
    await page.route(`${hub.url}/demo/token`, async (route) => {
      if (!refuse) return route.continue();
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UPSTREAM_FAILED', message: 'down' } }) });
    });
    await page.goto(pageUrl({ role: 'qa', customer: customer.phone, locale: 'zh-cn' }));
    const toast = page.locator('.slds-notify_toast[role="alert"]');
    await toast.waitFor({ timeout: 20_000 });
    expect(await toast.locator('h2').textContent()).toBe('Callsight 无法建立会话');
    expect(await toast.getAttribute('class')).toContain('slds-theme_error');
    await shot(page, 'toast-session-refused-zh-cn');
    refuse = false;
    await page.locator(`${HISTORY} .cs-message--error button`).click();
    expect(await listedCallIds(page)).toEqual((await visibleCalls('qa', customer.phone)).map((call) => call.id));
    await toast.locator('button').click();
    expect(await page.locator('.slds-notify_toast').count()).toBe(0);
    await page.close();
  });

  it("the static resource's SLDS theme is opt-in per container: an unknown theme is refused before anything renders, unmount removes the mark", async () => {
    const { page } = await openPage({ role: 'qa', customer: customer.phone, locale: 'en' }, 1280);
    await listedCallIds(page);
    const outcome = await page.evaluate(async () => {
      type Api = { mount(element: Element, options: object): Promise<string>; unmount(element: Element): void };
      const api = (window as unknown as { Callsight: Api }).Callsight;
      const bridge = {
        context: async () => ({ locale: 'en', location: 'customer-record', customer: {} }),
        resize: () => {},
        fetchToken: async () => ({ token: 'unused', hubUrl: location.origin }),
        onCustomerChanged: () => () => {},
      };
      const refused = document.createElement('div');
      document.body.appendChild(refused);
      const error = await api.mount(refused, { component: 'callsightCallHistory', bridge, theme: 'dark' }).then(
        () => null,
        (reason: { code?: string; name?: string }) => ({ code: reason.code, name: reason.name }),
      );
      const themed = document.createElement('div');
      document.body.appendChild(themed);
      await api.mount(themed, { component: 'callsightCallHistory', bridge, theme: 'slds' });
      const markWhileMounted = themed.getAttribute('data-callsight-theme');
      api.unmount(themed);
      return { error, refusedChildren: refused.childNodes.length, markWhileMounted, markAfter: themed.getAttribute('data-callsight-theme'), left: themed.childNodes.length };
    });
    expect(outcome).toEqual({
      error: { code: 'MOUNT_INVALID', name: 'CallsightMountError' },
      refusedChildren: 0,
      markWhileMounted: 'slds',
      markAfter: null,
      left: 0,
    });
    await page.close();
  });

  it('links the two demos: the Zendesk demo opens the Salesforce page for the same role and customer, and back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${hub.url}/demo?role=qa&customer=${encodeURIComponent(customer.phone)}&locale=en`);
    await page.locator('[data-testid="widget-frame"] [role="option"]').first().waitFor({ timeout: 20_000 });
    await shot(page, 'zendesk-demo-with-link-en-1280');
    await page.locator('[data-testid="salesforce-demo-link"]').click();
    await page.waitForURL(/\/demo\/salesforce\?/);
    expect(await listedCallIds(page)).toEqual((await visibleCalls('qa', customer.phone)).map((call) => call.id));
    expect(await page.locator('select[name="role"]').inputValue()).toBe('qa');
    await page.locator('[data-testid="zendesk-demo-link"]').click();
    await page.waitForURL(/\/demo\/\?/);
    await page.locator('[data-testid="widget-frame"] [role="option"]').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('select[name="customer"]').inputValue()).toBe(customer.phone);
    await page.close();
  });
});
