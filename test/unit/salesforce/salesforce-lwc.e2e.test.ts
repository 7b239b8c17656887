/**
 * The package's Lightning web components in real headless Chromium (Debian `chromium`): compiled with
 * @lwc/rollup-plugin and synthetic shadow as on a Lightning page, styled with SLDS, loading the built widget bundle
 * (dist/widgets/salesforce/callsight-<component>.iife.js, served as the zip resource's files under /callsight/) through loadScript, with the platform modules standing in for the
 * org (lwc-browser/platform.js). For English and Chinese at 320 px and 1280 px: the message for a user without a
 * Callsight permission set, the message for an unreachable hub, and on a Case the real QA review panel for a QA
 * reviewer and the call history for an agent, both talking to a real hub (its /api/ proxied on the page's origin).
 * Screenshots go to test-results/salesforce-lwc/.
 * Needs: apt-get install -y chromium fonts-wqy-microhei.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWidgetsBuilt } from '../../../manifests/zendesk/build';
import { bundleComponents } from './lwc-browser/bundle';
import { SALESFORCE_BUNDLE_FILES } from '../../../widgets/hosts/salesforce/salesforce-components';
import { startTestHub, type TestHub } from '../../support/hub';

const root = resolve(import.meta.dirname, '../../..');
const artifacts = join(root, 'test-results/salesforce-lwc');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CONTACT = JSON.parse(readFileSync(join(root, 'manifests/salesforce/force-app/main/default/lwc/callsightCallHistory/__tests__/data/getRecordContact.json'), 'utf8'));
const CASE = JSON.parse(readFileSync(join(root, 'manifests/salesforce/force-app/main/default/lwc/callsightCallHistory/__tests__/data/getRecordCase.json'), 'utf8'));

const EXPECTED = {
  en: { noPermission: 'You have no Callsight permission set', unreachable: 'The Callsight hub cannot be reached', reviewTitle: 'QA review' },
  'zh-cn': { noPermission: '您没有 Callsight 权限集', unreachable: '无法连接 Callsight 服务', reviewTitle: '质检评审' },
} as const;

let server: Server;
let origin: string;
let browser: Browser;
let hub: TestHub;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  await ensureWidgetsBuilt(join(root, 'dist/widgets'), 'auto');
  hub = await startTestHub({ demoCalls: 10 });
  const files: Record<string, { type: string; body: string | Buffer }> = {
    '/': {
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><html style="background:#f3f3f3"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/slds.css"></head><body class="slds-scope" style="background:#f3f3f3;min-height:100vh"><main id="page" class="slds-p-around_small"></main><script src="/components.js"></script></body></html>',
    },
    '/slds.css': { type: 'text/css', body: readFileSync(join(root, 'node_modules/@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css')) },
    '/components.js': { type: 'text/javascript', body: await bundleComponents() },
    ...Object.fromEntries(
      SALESFORCE_BUNDLE_FILES.filter((file) => existsSync(join(root, 'dist/widgets/salesforce', file))).map((file) => [
        `/callsight/${file}`,
        { type: 'text/javascript', body: readFileSync(join(root, 'dist/widgets/salesforce', file)) },
      ]),
    ),
  };
  server = createServer((request, response) => {
    if ((request.url ?? '').startsWith('/api/')) {
      void proxyToHub(request, response);
      return;
    }
    const file = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
  await hub?.close();
});

async function proxyToHub(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept', 'accept-language', 'range']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(`${hub.url}${request.url}`, { method: request.method, headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) });
  const body = Buffer.from(await answer.arrayBuffer());
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
  });
  response.writeHead(answer.status, out).end(body);
}

async function openComponent(options: { lang: string; width: number; session: unknown; tag: string; objectApiName: string; record: unknown }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width, height: 640 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript((setup) => {
    (window as unknown as { __callsightPage: unknown }).__callsightPage = { ...setup, navigations: [] };
    (window as unknown as { process: unknown }).process = { env: { NODE_ENV: 'production' } };
  }, { lang: options.lang, session: options.session, record: options.record });
  await page.goto(`${origin}/`);
  await page.evaluate(({ tag, objectApiName, recordId }) => {
    (window as unknown as { renderCallsight: (tag: string, props: unknown) => void }).renderCallsight(tag, { objectApiName, recordId });
  }, { tag: options.tag, objectApiName: options.objectApiName, recordId: (options.record as { id: string }).id });
  expect(errors).toEqual([]);
  return page;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

describe.each([
  ['en', 'en-US'],
  ['zh-cn', 'zh-CN'],
] as const)('Callsight components in Chromium (%s)', (locale, lang) => {
  describe.each([320, 1280])('%i px wide', (width) => {
    it('tells a user without a Callsight permission set why nothing shows', async () => {
      const page = await openComponent({
        lang, width, tag: 'c-callsight-call-history', objectApiName: 'Contact', record: CONTACT,
        session: { ok: false, code: 'NO_PERMISSION_SET', message: 'You have no Callsight permission set.' },
      });
      const alert = page.locator('[role="alert"]');
      await expect.poll(() => alert.textContent()).toContain(EXPECTED[locale].noPermission);
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(artifacts, `no-permission-${locale}-${width}.png`), fullPage: true });
      await page.close();
    });

    it('tells the user when the hub cannot be reached', async () => {
      const page = await openComponent({
        lang, width, tag: 'c-callsight-call-history', objectApiName: 'Contact', record: CONTACT,
        session: { ok: false, code: 'HUB_UNREACHABLE', message: 'The Callsight hub cannot be reached.' },
      });
      await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain(EXPECTED[locale].unreachable);
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(artifacts, `hub-unreachable-${locale}-${width}.png`), fullPage: true });
      await page.close();
    });

    it('mounts the real QA review panel on a Case for a QA reviewer', async () => {
      const token = await hub.token('qa', { user: 'lwc-qa' });
      const page = await openComponent({
        lang, width, tag: 'c-callsight-review-panel', objectApiName: 'Case', record: CASE,
        session: { ok: true, token, expiresAt: '2099-01-06T10:17:44.000Z', role: 'qa', tenantId: 'demo', hubUrl: origin },
      });
      const panel = page.locator('.callsight .cs-root.cs-qa').first();
      await panel.waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('.callsight').first().textContent()).toContain(EXPECTED[locale].reviewTitle);
      await expect.poll(() => page.locator('.callsight .cs-qa > .cs-message[role="status"]').count(), { timeout: 30_000 }).toBe(0);
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      expect(await page.locator('lightning-spinner').count()).toBe(0);
      expect(await page.locator('.callsight').first().textContent()).not.toContain('nothing to show here yet');
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(artifacts, `review-panel-qa-${locale}-${width}.png`), fullPage: true });
      await page.close();
    });

    it("falls back to the requester's call history on a Case for an agent", async () => {
      const token = await hub.token('agent', { agentId: 'lwc-agent', user: 'lwc-agent' });
      const page = await openComponent({
        lang, width, tag: 'c-callsight-review-panel', objectApiName: 'Case', record: CASE,
        session: { ok: true, token, expiresAt: '2099-01-06T10:17:44.000Z', role: 'agent', tenantId: 'demo', hubUrl: origin },
      });
      await page.locator('.callsight .cs-root').first().waitFor({ timeout: 30_000 });
      // The panel renders its own root first and swaps in the call history once the hub refuses the agent the plan.
      await expect.poll(() => page.locator('.callsight .cs-qa').count(), { timeout: 30_000 }).toBe(0);
      await page.locator('.callsight .cs-root').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('.callsight').first().textContent()).not.toContain(EXPECTED[locale].reviewTitle);
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(artifacts, `review-panel-agent-${locale}-${width}.png`), fullPage: true });
      await page.close();
    });
  });
});
