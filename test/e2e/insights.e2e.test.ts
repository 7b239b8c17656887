/**
 * Manager insights (issue 15 item 2) in real headless Chromium (Debian `chromium`, never a downloaded browser) on
 * the hub's /demo page, framed as the Zendesk nav bar app, against a hub seeded with the demo. For the manager and
 * the admin, in English and Chinese, at 320 px and 1280 px: the KPI tiles, weekly trend, segment comparison, demand
 * trends and the agents table, each checked against what the hub's own API answers that role for the same period,
 * and axe-core's rules. Then the acceptance scenario: a manager opens the high-value segment, drills from a bar's
 * row into its calls (the same calls the hub lists for that tag and flag or demand), opens a call's evaluations and
 * exports the table as CSV. Screenshots go to test-results/insights/.
 * Needs: apt-get install -y chromium fonts-wqy-microhei.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startTestHub } from '../support/hub';
import { ensureWidgetsBuilt } from '../../manifests/zendesk/build';
import { weeksEndingAt } from '../../widgets/features/insights/insights-model';

type Role = 'manager' | 'admin';
type Locale = 'en' | 'zh-cn';

interface SegmentItem {
  kind: 'demand' | 'flag';
  key: string;
  tagged: { count: number; share: number | null };
  rest: { count: number; share: number | null };
}

const artifacts = resolve(__dirname, '../../test-results/insights');
const widgetsDir = resolve(__dirname, '../../dist/widgets');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WIDTHS = [320, 1280] as const;
const LOCALES: readonly Locale[] = ['en', 'zh-cn'];
const ROLES: readonly Role[] = ['manager', 'admin'];

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;

async function api<T>(role: Role, path: string): Promise<T> {
  const session = (await (await fetch(`${hub.url}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) })).json()) as { token: string };
  const response = await fetch(`${hub.url}${path}`, { headers: { Authorization: `Bearer ${session.token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

function period() {
  return weeksEndingAt(new Date(), 12).range;
}

async function openInsights(role: string, locale: Locale, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
  });
  const params = new URLSearchParams({ role, locale, location: 'support.nav_bar', width: width <= 320 ? 'sidebar' : 'full' });
  await page.goto(`${hub.url}/demo/?${params.toString()}`);
  return { page, problems };
}

async function waitForInsights(page: Page): Promise<void> {
  await page.locator('.cs-insights .cs-tiles, .cs-insights .cs-message--error, .cs-insights .cs-message').first().waitFor({ timeout: 60_000 });
  await page.locator('.cs-tiles').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="segment-summary"], .cs-insights [data-testid="segment-tag"] ~ .cs-message').first().waitFor({ timeout: 60_000 });
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

/** Elements reaching past the viewport's right edge (the page must not scroll sideways at 320 px). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth + 1;
    const out: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > limit && !element.closest('.cs-table-wrap')) out.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)}`);
    }
    if (document.documentElement.scrollWidth > limit) out.push(`document scrollWidth=${document.documentElement.scrollWidth}`);
    return out.slice(0, 8);
  });
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // CALLSIGHT_WIDGETS_PREBUILT=1 runs against the build in dist/widgets as it is (built once beforehand).
  await ensureWidgetsBuilt(widgetsDir, process.env.CALLSIGHT_WIDGETS_PREBUILT === '1' ? 'never' : 'auto');
  hub = await startTestHub({ demoCalls: 120 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('insights in the Zendesk nav bar', () => {
  for (const role of ROLES) {
    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        it(`${role}, ${locale}, ${width}px: tiles, trend, segment, demands and people show what the hub answers; axe passes`, async () => {
          const range = period();
          const query = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
          const overall = await api<{ rows: Array<{ calls: number; sensitiveWords: { hits: number } }> }>(role, `/api/v1/kpis?groupBy=all&${query}`);
          const agents = await api<{ rows: Array<{ group: string }> }>(role, `/api/v1/kpis?groupBy=agent&${query}`);
          const { page, problems } = await openInsights(role, locale, width);
          await waitForInsights(page);
          const calls = overall.rows[0]?.calls ?? 0;
          expect(calls).toBeGreaterThan(0);
          expect(await page.locator('.cs-insights__note').first().textContent()).toContain(String(calls));
          expect(await page.locator('[data-kpi="sensitive"] .cs-tile__value').textContent()).toBe(String(overall.rows[0]!.sensitiveWords.hits));
          expect(await page.locator('.cs-tile').count()).toBeGreaterThanOrEqual(7);
          expect(await page.locator('.cs-insights__title').textContent()).toBe(locale === 'en' ? 'Quality insights' : '质量洞察');
          expect(await page.locator('[data-testid="trend-table"] tbody tr').count()).toBe(12);
          expect(await page.locator('[data-testid="people-table"] tbody tr').count()).toBe(agents.rows.length);
          await page.locator('.cs-chart[data-chart="ready"]').nth(1).waitFor({ timeout: 60_000 });
          expect(await page.locator('.cs-chart canvas').count()).toBeGreaterThanOrEqual(2);
          expect(await page.locator('[role="tab"][aria-selected="true"]').textContent()).toBe(locale === 'en' ? 'Insights' : '质量洞察');
          expect(await overflowing(page)).toEqual([]);
          await shot(page, `insights-${role}-${locale}-${width}`);
          expect(await seriousAxeViolations(page)).toEqual([]);
          expect(problems).toEqual([]);
          await page.close();
        }, 120_000);
      }
    }
  }
});

describe('mined demands: what customers ask for in their own words', () => {
  for (const locale of LOCALES) {
    it(`${locale}: lists the demands the hub mines, strongest first, marks the emerging ones, and each opens its calls`, async () => {
      const range = period();
      const query = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
      const mined = await api<{ demands: Array<{ id: string; label: string; calls: number; callIds: string[] }>; emerging: Array<{ id: string }> }>(
        'manager',
        `/api/v1/insights/demands?top=8&${query}`,
      );
      const { page, problems } = await openInsights('manager', locale, 1280);
      await waitForInsights(page);
      const section = page.locator('[data-testid="mined-demands"]');
      await section.waitFor();
      expect(await section.locator('h2').textContent()).toBe(locale === 'en' ? 'What customers ask for, in their own words' : '客户用自己的话在问什么');
      const shown = await section.locator('li[data-demand]').evaluateAll((items) => items.map((item) => item.getAttribute('data-demand')));
      expect(shown).toEqual(mined.demands.map((demand) => demand.id));
      expect(await section.locator('.cs-badge--emerging').count()).toBe(mined.emerging.filter((e) => shown.includes(e.id)).length);
      if (mined.demands.length > 0) {
        const first = mined.demands[0]!;
        await section.locator(`li[data-demand="${first.id}"] button`).click();
        const drill = page.locator('[data-testid="drill-down"]');
        await drill.waitFor();
        const listedIds = await drill.locator('[data-call-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-call-id')));
        expect([...listedIds].sort()).toEqual([...first.callIds].sort());
      } else {
        expect(await section.locator('.cs-message').count()).toBe(1);
      }
      await shot(page, `mined-demands-${locale}`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }, 120_000);
  }
});

describe('acceptance: a manager opens the high-value segment and drills into its calls', () => {
  for (const locale of LOCALES) {
    it(`${locale}: the bar's calls are the calls the hub lists for that tag, and a call opens its evaluations`, async () => {
      const range = period();
      const query = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
      const tags = await api<{ rows: Array<{ group: string; calls: number }> }>('manager', `/api/v1/kpis?groupBy=tag&${query}`);
      expect(tags.rows.map((row) => row.group)).toContain('high-value');
      const segment = await api<{ taggedCalls: number; restCalls: number; items: SegmentItem[] }>('manager', `/api/v1/insights/segments?tag=high-value&${query}`);
      const { page, problems } = await openInsights('manager', locale, 1280);
      await waitForInsights(page);
      expect(await page.locator('[data-testid="segment-tag"]').inputValue()).toBe('high-value');
      expect(await page.locator('[data-testid="segment-summary"]').textContent()).toContain(String(segment.taggedCalls));
      const shown = segment.items.filter((item) => item.tagged.count + item.rest.count > 0);
      expect(await page.locator('[data-testid="segment-table"] tbody tr').count()).toBe(shown.length);
      await shot(page, `acceptance-segment-${locale}`);

      const item = shown.filter((candidate) => candidate.tagged.count > 0).sort((a, b) => b.tagged.count - a.tagged.count)[0];
      expect(item, 'the demo needs a demand or flag among high-value calls').toBeDefined();
      const row = page.locator(`[data-testid="segment-table"] tr[data-item="${item!.kind}:${item!.key}"]`);
      expect(await row.locator('button[data-side="tagged"]').textContent()).toContain(String(item!.tagged.count));
      await row.locator('button[data-side="tagged"]').click();
      const drill = page.locator('[data-testid="drill-down"]');
      await drill.waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('cs-drill-heading');

      let expected: string[];
      if (item!.kind === 'flag') {
        const listed = await api<{ items: Array<{ id: string }> }>('manager', `/api/v1/calls?tag=high-value&flag=${encodeURIComponent(item!.key)}&limit=200&${query}`);
        expected = listed.items.map((call) => call.id);
      } else {
        const demands = await api<{ categories: Array<{ id: string; callIds: string[] }> }>('manager', `/api/v1/insights/demands?tag=high-value&top=1&${query}`);
        expected = demands.categories.find((category) => category.id === item!.key)?.callIds ?? [];
      }
      const listedIds = await drill.locator('[data-call-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-call-id')));
      expect([...listedIds].sort()).toEqual([...expected].sort());
      expect(listedIds.length).toBeGreaterThan(0);
      expect(await drill.locator('[data-testid="drill-count"]').textContent()).toContain(String(listedIds.length));

      const first = listedIds[0]!;
      const evaluations = await api<{ items: Array<{ id: string }>; blind: boolean }>('manager', `/api/v1/calls/${first}/evaluations`);
      await drill.locator(`[data-call-id="${first}"] button[aria-expanded]`).click();
      const panel = drill.locator(`[data-call-id="${first}"] [data-testid="evaluations"]`);
      await panel.waitFor();
      expect(await panel.locator('li').count()).toBe(evaluations.items.length);

      const download = page.waitForEvent('download');
      await drill.locator('button[data-csv]').click();
      const file = await download;
      const csv = readFileSync((await file.path())!, 'utf8');
      expect(csv.trim().split('\r\n')).toHaveLength(listedIds.length + 1);
      await shot(page, `acceptance-drill-${locale}`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }, 180_000);
  }
});

describe('loading, empty and error states', () => {
  for (const locale of LOCALES) {
    for (const width of WIDTHS) {
      it(`${locale}, ${width}px: loading while the hub has not answered, then its refusal, with a retry that recovers`, async () => {
        const { page, problems } = await openInsights('manager', locale, width);
        // Hold the KPI request until the loading state has been seen, then let the hub's rate limit answer it.
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        await page.route('**/api/v1/kpis?**', async (route) => {
          await held;
          await route.fulfill({
            status: 429,
            contentType: 'application/json',
            headers: { 'Retry-After': '1' },
            body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded, retry in 1 second' } }),
          });
        });
        const loading = page.locator('.cs-insights > [role="status"]');
        await loading.waitFor({ timeout: 60_000 });
        expect(await loading.textContent()).toBe(locale === 'en' ? 'Loading insights…' : '正在加载洞察…');
        await shot(page, `state-loading-${locale}-${width}`);
        release();

        const alert = page.locator('.cs-insights > [role="alert"]');
        await alert.waitFor({ timeout: 60_000 });
        expect(await alert.textContent()).toContain(locale === 'en' ? 'The insights could not be loaded.' : '无法加载洞察。');
        expect(await alert.textContent()).toContain(locale === 'en' ? 'Too many requests' : '请求过于频繁');
        expect(await overflowing(page)).toEqual([]);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await shot(page, `state-error-${locale}-${width}`);

        // The hub answers again: "try again" loads the page in place.
        await page.unroute('**/api/v1/kpis?**');
        await alert.locator('button').click();
        await waitForInsights(page);
        expect(await page.locator('.cs-insights [role="alert"]').count()).toBe(0);
        expect(problems.filter((problem) => problem !== 'GET /api/v1/kpis 429')).toEqual([]);
        await page.close();
      }, 120_000);
    }
  }

  it('a tenant without calls sees the empty state in both languages, at 320 and 1280 px', async () => {
    // A hub whose demo tenant exists (as `callsight seed` makes it) but has recorded nothing yet.
    const empty = await startTestHub({ config: { demo: true } });
    await empty.hub.ensureTenant({ id: 'demo', name: 'Callsight demo', defaultRegion: 'CN', industry: 'general' });
    try {
      for (const locale of LOCALES) {
        for (const width of WIDTHS) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          const problems: string[] = [];
          page.on('pageerror', (error) => problems.push(error.message));
          const params = new URLSearchParams({ role: 'manager', locale, location: 'support.nav_bar', width: width <= 320 ? 'sidebar' : 'full' });
          await page.goto(`${empty.url}/demo/?${params.toString()}`);
          const message = page.locator('.cs-insights > p.cs-message:not([role])');
          await message.waitFor({ timeout: 60_000 });
          expect(await message.textContent()).toBe(
            locale === 'en' ? 'No calls in this period yet. Calls appear here once they are recorded and analysed.' : '该时间段还没有通话。通话录音并分析后会显示在这里。',
          );
          expect(await page.locator('.cs-tiles').count()).toBe(0);
          expect(await overflowing(page)).toEqual([]);
          expect(await seriousAxeViolations(page)).toEqual([]);
          await shot(page, `state-empty-${locale}-${width}`);
          expect(problems).toEqual([]);
          await page.close();
        }
      }
    } finally {
      await empty.close();
    }
  }, 180_000);
});
