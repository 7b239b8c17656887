/**
 * The nav-bar workspace shell and the /demo page's Zendesk locations, in real headless Chromium (Debian `chromium`)
 * against a hub seeded with the demo. For every demo role (agent, QA, manager, admin, auditor), in English and
 * Chinese, at 320 px and 1280 px: the nav bar frame offers exactly the tabs WORKSPACE_TABS gives that role, in order
 * and labelled in the page's language; the first tab's feature mounts; arrow keys move between tabs; a role with no
 * tab gets the shell's message; axe-core finds no serious or critical problem in the shell. Then each Zendesk
 * location at sidebar and full width mounts what ZENDESK_LOCATIONS says, and the Salesforce demo link is kept.
 * Screenshots go to test-results/workspace/. Needs: apt-get install -y chromium fonts-wqy-microhei.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startTestHub } from '../support/hub';
import { ensureWidgetsBuilt } from '../../manifests/zendesk/build';
import { tabsForRole } from '../../widgets/features/workspace/workspace-tabs';
import { ZENDESK_LOCATIONS } from '../../widgets/hosts/zendesk/zendesk-locations';
import { DEMO_ROLES } from '../../core/api/demo.api';

type Locale = 'en' | 'zh-cn';

const artifacts = resolve(__dirname, '../../test-results/workspace');
const widgetsDir = resolve(__dirname, '../../dist/widgets');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WIDTHS = [320, 1280] as const;
const LOCALES: readonly Locale[] = ['en', 'zh-cn'];

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;

async function open(params: Record<string, string>, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${hub.url}/demo/?${new URLSearchParams(params).toString()}`);
  return { page, problems };
}

/** axe-core on `include` (the shell's own parts; each tab's feature is checked by its own end-to-end test). */
async function seriousAxeViolations(page: Page, include: string[]): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async (selectors) => {
    const axe = (window as unknown as { axe: { run(context: object, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run({ include: selectors.map((selector) => [selector]) }, { resultTypes: ['violations'] });
  }, include);
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes.slice(0, 3).map((node) => node.target))}`);
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // CALLSIGHT_WIDGETS_PREBUILT=1 runs against the build in dist/widgets as it is (built once beforehand).
  await ensureWidgetsBuilt(widgetsDir, process.env.CALLSIGHT_WIDGETS_PREBUILT === '1' ? 'never' : 'auto');
  hub = await startTestHub({ demoCalls: 40 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('workspace in the Zendesk nav bar, per role', () => {
  for (const role of DEMO_ROLES) {
    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        it(`${role}, ${locale}, ${width}px: offers the role's tabs from the registry and mounts the first`, async () => {
          const expected = tabsForRole(role);
          const session = await fetch(`${hub.url}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) });
          const { page, problems } = await open({ role, locale, location: 'support.nav_bar', width: width <= 320 ? 'sidebar' : 'full' }, width);
          await page.locator('.cs-workspace [role="tablist"], [data-testid="workspace-empty"], .cs-workspace > .cs-message--error').first().waitFor({ timeout: 30_000 });
          if (session.status !== 200) {
            // The hub refuses this role a demo session: the shell says so in the page's language, with a retry.
            const refusal = page.locator('.cs-workspace > .cs-message--error[role="alert"]');
            expect(await refusal.textContent()).toContain(locale === 'en' ? 'The workspace could not be opened.' : '无法打开工作台。');
            expect(await refusal.locator('button').count()).toBe(1);
            await shot(page, `navbar-${role}-${locale}-${width}`);
            expect(await seriousAxeViolations(page, ['.demo-topbar', '.demo-controls', '.cs-workspace'])).toEqual([]);
            expect(problems).toEqual([]);
            await page.close();
            return;
          }
          expect(await page.locator('.cs-workspace > .cs-message--error').allTextContents()).toEqual([]);
          const labels = await page.locator('[role="tab"]').allTextContents();
          expect(labels).toEqual(expected.map((tab) => tab.label[locale]));
          if (expected.length === 0) {
            expect(await page.locator('[data-testid="workspace-empty"]').textContent()).toBe(
              locale === 'en' ? 'Callsight has no workspace page for your role yet.' : 'Callsight 暂时没有适合您角色的工作台页面。',
            );
          } else {
            expect(await page.locator('[role="tab"][aria-selected="true"]').textContent()).toBe(expected[0]!.label[locale]);
            await page.locator(`.cs-workspace__panel [data-feature="${expected[0]!.feature}"] > :not(.cs-message)`).first().waitFor({ timeout: 30_000 });
            expect(await page.locator('.cs-workspace__panel [role="alert"]').count()).toBe(0);
            if (expected.length > 1) {
              await page.locator('[role="tab"][aria-selected="true"]').focus();
              await page.keyboard.press('ArrowRight');
              expect(await page.locator('[role="tab"][aria-selected="true"]').textContent()).toBe(expected[1]!.label[locale]);
              expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab');
              await page.keyboard.press('Home');
              expect(await page.locator('[role="tab"][aria-selected="true"]').textContent()).toBe(expected[0]!.label[locale]);
            }
          }
          expect(await page.locator('[data-testid="salesforce-demo-link"]').count()).toBe(1);
          await shot(page, `navbar-${role}-${locale}-${width}`);
          expect(await seriousAxeViolations(page, ['.demo-topbar', '.demo-controls', expected.length > 0 ? '.cs-workspace__nav' : '.cs-workspace'])).toEqual([]);
          expect(problems).toEqual([]);
          await page.close();
        }, 90_000);
      }
    }
  }
});

describe('/demo shows each Zendesk location at sidebar and full width', () => {
  for (const place of ['support.user_sidebar', 'support.ticket_sidebar', 'support.nav_bar'] as const) {
    for (const width of ['sidebar', 'full'] as const) {
      it(`${place} at ${width} width mounts what the Zendesk registry names there`, async () => {
        const { page, problems } = await open({ role: 'manager', locale: 'en', location: place, width }, 1280);
        const frame = page.locator(`[data-testid="widget-frame"][data-location="${place}"]`);
        await frame.waitFor({ timeout: 30_000 });
        await frame.locator(`.cs-host[data-feature="${ZENDESK_LOCATIONS[place].feature}"]`).waitFor({ timeout: 30_000 });
        const box = await frame.boundingBox();
        expect(box).not.toBeNull();
        if (width === 'sidebar') expect(Math.round(box!.width)).toBeLessThanOrEqual(320);
        else expect(box!.width).toBeGreaterThan(900);
        expect(await page.locator('select[name="location"]').inputValue()).toBe(place);
        expect(new URL(page.url()).searchParams.get('width')).toBe(width);
        await shot(page, `location-${place.replace('support.', '')}-${width}`);
        expect(problems).toEqual([]);
        await page.close();
      }, 90_000);
    }
  }
});
