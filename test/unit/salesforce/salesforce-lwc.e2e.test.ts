/**
 * The package's Lightning web components in real headless Chromium (Debian `chromium`): compiled with
 * @lwc/rollup-plugin and synthetic shadow as on a Lightning page, styled with SLDS, loading the built widget bundle
 * (dist/widgets/salesforce/callsight-<component>.iife.js, served as the zip resource's files under /callsight/) through loadScript, with the platform modules standing in for the
 * org (lwc-browser/platform.js). For English and Chinese at 320 px and 1280 px: the message for a user without a
 * Callsight permission set, the message for an unreachable hub, and the QA review panel's placeholder from the real
 * bundle. Screenshots go to test-results/salesforce-lwc/.
 * Needs: apt-get install -y chromium fonts-wqy-microhei.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWidgetsBuilt } from '../../../manifests/zendesk/build';
import { bundleComponents } from './lwc-browser/bundle';
import { SALESFORCE_BUNDLE_FILES } from '../../../widgets/hosts/salesforce/salesforce-components';

const root = resolve(import.meta.dirname, '../../..');
const artifacts = join(root, 'test-results/salesforce-lwc');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CONTACT = JSON.parse(readFileSync(join(root, 'manifests/salesforce/force-app/main/default/lwc/callsightCallHistory/__tests__/data/getRecordContact.json'), 'utf8'));
const CASE = JSON.parse(readFileSync(join(root, 'manifests/salesforce/force-app/main/default/lwc/callsightCallHistory/__tests__/data/getRecordCase.json'), 'utf8'));

const EXPECTED = {
  en: { noPermission: 'You have no Callsight permission set', unreachable: 'The Callsight hub cannot be reached', placeholder: 'Callsight has nothing to show here yet (callsightReviewPanel)' },
  'zh-cn': { noPermission: '您没有 Callsight 权限集', unreachable: '无法连接 Callsight 服务', placeholder: 'callsightReviewPanel' },
} as const;

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  await ensureWidgetsBuilt(join(root, 'dist/widgets'), 'auto');
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
});

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

    it("shows the real bundle's placeholder for the QA review panel on a Case", async () => {
      const page = await openComponent({
        lang, width, tag: 'c-callsight-review-panel', objectApiName: 'Case', record: CASE,
        session: { ok: true, token: 'hub-session', expiresAt: '2026-01-06T10:17:44.000Z', role: 'qa', tenantId: 't-1', hubUrl: origin },
      });
      const message = page.locator('.callsight .cs-message');
      await expect.poll(() => message.textContent()).toContain(EXPECTED[locale].placeholder);
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      expect(await page.locator('lightning-spinner').count()).toBe(0);
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(artifacts, `review-placeholder-${locale}-${width}.png`), fullPage: true });
      await page.close();
    });
  });
});
