/**
 * The admin setup workspace in real headless Chromium (Debian `chromium`, never a downloaded browser) against a
 * running hub seeded with the demo: the Salesforce static resource is built from this tree into
 * test-results/admin-setup/bundle and mounted as `callsightAdminSetup`, once with Zendesk's look (no theme) and once
 * with the SLDS theme, in en and zh-CN at 320 and 1280 px; sessions come from the hub's /demo/token like the demo
 * pages. Assertions read what the hub answers (the dry run, the policy, the holds) rather than demo numbers.
 * Acceptance: an admin changes the retention preset after seeing the dry run.
 * Screenshots: test-results/admin-setup/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { generateKeyPairSync } from 'node:crypto';
import { setupServer } from 'msw/node';
import { build } from 'vite';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { cliActor } from '../../app/shared/actor';
import { zendeskPublicKeyChecker } from '../../bin/commands/zendesk.command';
import { crmUseCasesOf } from '../../bin/wiring/zendesk.wiring';
import { createZendeskUsersFake } from '../fakes/zendesk-users.fake';
import { salesforceBuildConfig, salesforceBundleFile } from '../../widgets/vite.config';

import { startTestHub } from '../support/hub';

type Locale = 'en' | 'zh-cn';
type Look = 'zendesk' | 'salesforce';
interface Plan {
  total: number;
  counts: { keep: number; archive: number; delete: number; held: number };
  policy: { name: string };
}

const artifacts = resolve(__dirname, '../../test-results/admin-setup');
const bundleDir = join(artifacts, 'bundle');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WIDTHS = [320, 1280] as const;
const LOCALES: readonly Locale[] = ['en', 'zh-cn'];
const LOOKS: readonly Look[] = ['zendesk', 'salesforce'];
const PRESETS = ['general', 'finance', 'medical', 'ecommerce', 'education'] as const;
const PRESET_LABELS: Record<(typeof PRESETS)[number], { en: string; zh: string }> = {
  general: { en: 'General', zh: '通用' },
  finance: { en: 'Finance', zh: '金融' },
  medical: { en: 'Medical', zh: '医疗' },
  ecommerce: { en: 'E-commerce', zh: '电商' },
  education: { en: 'Education', zh: '教育' },
};

const zendeskFake = createZendeskUsersFake({
  subdomain: 'acme',
  email: 'ops@acme.example',
  apiToken: 'zd-token-e2e',
  users: [
    { id: 1001, name: 'Wang Fang', email: 'wang.fang@acme.example', role: 'agent' },
    { id: 1002, name: '王磊', email: 'wang.lei@acme.example', role: 'admin' },
    { id: 2001, name: 'Wang Customer', email: 'customer@example.com', role: 'end-user' },
  ],
});
// The hub runs in this process: its Zendesk calls (https://acme.zendesk.com) are answered by the fake; loopback
// requests to the hub itself pass through.
const zendeskServer = setupServer(...zendeskFake.handlers);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let bundle: string;

const PAGE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callsight admin setup</title>
<style>body{margin:0;background:#f8f9f9}main{padding:0}</style></head>
<body><main><div id="admin-host"></div></main><script src="/e2e/callsight.iife.js"></script><script>
const params = new URLSearchParams(location.search);
document.documentElement.lang = params.get("locale") === "zh-cn" ? "zh-CN" : "en";
const bridge = {
  context: async () => ({ locale: params.get('locale'), location: 'workspace', customer: {} }),
  resize: () => {},
  fetchToken: async () => {
    const response = await fetch('/demo/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: params.get('role') }) });
    if (!response.ok) throw new Error('demo token refused');
    return response.json();
  },
  onCustomerChanged: () => () => {},
};
const host = document.getElementById('admin-host');
const root = params.get('look') === 'salesforce' ? host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div')) : host;
window.mounted = Callsight.mount(root, { component: 'callsightAdminSetup', bridge, ...(params.get('look') === 'salesforce' ? { theme: 'slds' } : {}) });
</script></body></html>`;

async function demoToken(role: string): Promise<string> {
  const response = await fetch(`${hub.url}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) });
  const body = (await response.json()) as { token?: string };
  if (body.token === undefined) throw new Error(`POST /demo/token refused role ${role}`);
  return body.token;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await demoToken('admin')}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

async function openAdmin(options: { look: Look; locale: Locale; width: number; role?: string }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: options.width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.route(`${hub.url}/e2e/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/e2e/admin-setup.html') return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE_HTML });
    if (path === '/e2e/callsight.iife.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
    return route.fulfill({ status: 404, body: '' });
  });
  const query = new URLSearchParams({ look: options.look, locale: options.locale, role: options.role ?? 'admin' });
  await page.goto(`${hub.url}/e2e/admin-setup.html?${query.toString()}`);
  await page.evaluate(() => (window as unknown as { mounted: Promise<unknown> }).mounted);
  return { page, problems };
}

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid="current-policy"]').waitFor({ timeout: 20_000 });
  await page.locator('.cs-admin__row[data-kind]').first().waitFor({ timeout: 20_000 });
  await page.locator('[aria-labelledby="cs-admin-holds"] .cs-message, [data-testid="holds"]').first().waitFor({ timeout: 20_000 });
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Checked at rest: the pointer left on a just-clicked button would test its hover colours instead.
  await page.mouse.move(0, 0);
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

function text(locale: Locale, en: string, zh: string): string {
  return locale === 'zh-cn' ? zh : en;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // The admin component's own static resource, built from this tree with the build report's 50 KB budget check.
  await build({ ...salesforceBuildConfig(bundleDir, 'callsightAdminSetup'), logLevel: 'warn' });
  bundle = readFileSync(join(bundleDir, salesforceBundleFile('callsightAdminSetup')), 'utf8');
  zendeskServer.listen({ onUnhandledRequest: 'bypass' });
  hub = await startTestHub({ demoCalls: 40 });
  await crmUseCasesOf(hub.hub).connectZendesk(cliActor('demo'), { subdomain: 'acme', email: 'ops@acme.example', apiToken: 'zd-token-e2e', notes: { enabled: false } });
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await registerZendeskApp.bind({
    calls: hub.hub.calls,
    accounts: hub.hub.accounts,
    keys: hub.hub.keys,
    publicKeys: zendeskPublicKeyChecker,
    clock: hub.hub.clock,
    audit: (entry) => hub.hub.audit(entry),
  })(cliActor('demo'), { subdomain: 'acme', installationId: '360001234567', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  zendeskServer.close();
});

describe('admin setup: every view in both looks, languages and widths', () => {
  for (const look of LOOKS) {
    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        it(`${look}, ${locale}, ${width}px: connections, the policy in force, holds and the lexicon box as the hub answers them; passes axe`, async () => {
          const { page, problems } = await openAdmin({ look, locale, width });
          await waitReady(page);
          const connections = await api<{ items: Array<{ kind: string; status: string }> }>('GET', '/api/v1/admin/connections');
          const shown = await page.locator('.cs-admin__row[data-kind]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-kind'), row.querySelector('[data-status]')?.getAttribute('data-status')]));
          expect(shown).toEqual(connections.items.map((item) => [item.kind, item.status]));
          const policy = await api<{ version: number; source: string; policy: { name: string } }>('GET', '/api/v1/retention/policy');
          const current = await page.locator('[data-testid="current-policy"]').textContent();
          expect(current).toContain(text(locale, `(version ${policy.version})`, `（第 ${policy.version} 版）`));
          if (policy.source === 'custom') expect(current).toContain(policy.policy.name);
          expect(await page.locator('h1').textContent()).toBe(text(locale, 'Callsight setup', 'Callsight 设置'));
          expect(await page.locator('button', { hasText: text(locale, 'Save this policy', '保存此策略') }).isDisabled()).toBe(true);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow).toBeLessThanOrEqual(0);
          await shot(page, `${look}-${locale}-${width}`);
          expect(await seriousAxeViolations(page)).toEqual([]);
          expect(problems).toEqual([]);
          await page.close();
        });
      }
    }
  }
});

describe('acceptance: an admin changes the retention preset after seeing the dry run', () => {
  for (const [locale, width] of [['en', 1280], ['zh-cn', 320]] as const) {
    it(`${locale}, ${width}px: the dry run of the chosen preset is what the hub plans, Save only after it, and the plan then follows the new policy`, async () => {
      const before = await api<{ version: number; preset: string | null }>('GET', '/api/v1/retention/policy');
      const preset = PRESETS.find((name) => name !== before.preset)!;
      const expected = await api<{ proposed: Plan; current: Plan }>('POST', '/api/v1/admin/retention/preview', { policy: { preset }, sample: 0 });
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width });
      await waitReady(page);
      await page.locator('#cs-admin-preset').selectOption(preset);
      const save = page.locator('button', { hasText: text(locale, 'Save this policy', '保存此策略') });
      expect(await save.isDisabled()).toBe(true);
      await page.locator('button', { hasText: text(locale, 'Preview (dry run)', '预览（试运行）') }).click();
      await page.locator('[data-testid="dry-run"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('[data-testid="would-delete"]').textContent()).toBe(
        text(locale, `${expected.proposed.counts.delete} calls would be deleted`, `将删除 ${expected.proposed.counts.delete} 通通话`),
      );
      expect(await page.locator('[data-testid="would-archive"]').textContent()).toContain(String(expected.proposed.counts.archive));
      expect(await page.locator('[data-testid="would-keep"]').textContent()).toContain(String(expected.proposed.counts.keep));
      expect(await page.locator('[data-testid="current-delete"]').textContent()).toContain(String(expected.current.counts.delete));
      expect((await api<{ version: number }>('GET', '/api/v1/retention/policy')).version).toBe(before.version);
      await shot(page, `acceptance-dry-run-${locale}-${width}`);
      expect(await seriousAxeViolations(page)).toEqual([]);

      await save.click();
      await page.locator('[data-testid="saved"]').waitFor({ timeout: 20_000 });
      const after = await api<{ version: number; preset: string | null; policy: { name: string } }>('GET', '/api/v1/retention/policy');
      expect(after).toMatchObject({ version: before.version + 1, preset });
      const label = PRESET_LABELS[preset];
      expect(await page.locator('[data-testid="saved"]').textContent()).toBe(
        text(locale, `Saved: ${label.en} preset, version ${after.version}.`, `已保存：${label.zh}预设，第 ${after.version} 版。`),
      );
      const plan = await api<Plan>('GET', '/api/v1/retention/plan?sample=0');
      expect(plan.counts).toEqual(expected.proposed.counts);
      await shot(page, `acceptance-saved-${locale}-${width}`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('legal holds and the lexicon box', () => {
  it('places a hold on a call, lists it, releases it (zh-CN, 320 px)', async () => {
    const calls = await api<{ items: Array<{ id: string }> }>('GET', '/api/v1/calls?limit=1');
    const callId = calls.items[0]!.id;
    const { page, problems } = await openAdmin({ look: 'zendesk', locale: 'zh-cn', width: 320 });
    await waitReady(page);
    await page.locator('#cs-admin-hold-calls').fill(callId);
    await page.locator('#cs-admin-hold-reason').fill('e2e litigation 2026-17');
    await page.locator('form button[type="submit"]', { hasText: '新增保全' }).click();
    const row = page.locator('[data-testid="holds"] .cs-admin__row', { hasText: 'e2e litigation 2026-17' });
    await row.waitFor({ timeout: 20_000 });
    const holds = await api<{ items: Array<{ id: string; reason: string; by: { kind: string; callIds?: string[] } }> }>('GET', '/api/v1/legal-holds?active=true');
    const placed = holds.items.find((hold) => hold.reason === 'e2e litigation 2026-17');
    expect(placed?.by).toEqual({ kind: 'calls', callIds: [callId] });
    expect(await row.getAttribute('data-hold')).toBe(placed!.id);
    await shot(page, 'holds-placed-zh-cn-320');
    await row.locator('button').click();
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    const still = await api<{ items: Array<{ id: string }> }>('GET', '/api/v1/legal-holds?active=true');
    expect(still.items.map((hold) => hold.id)).not.toContain(placed!.id);
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const locale of LOCALES) {
    it(`${locale}: "try a sentence" shows the hits the hub finds with the saved lexicon`, async () => {
      const sentence = '这个理财产品保本保息，稳赚不赔';
      const expected = await api<{ sensitive: Array<{ term: string }>; scripts: Array<{ label: string }> }>('POST', '/api/v1/admin/lexicon/try', { sentence });
      const { page, problems } = await openAdmin({ look: 'salesforce', locale, width: 1280 });
      await waitReady(page);
      await page.locator('#cs-admin-sentence').fill(sentence);
      await page.locator('button', { hasText: text(locale, 'Check', '检查') }).click();
      await page.locator('[data-testid="lexicon-result"]').waitFor({ timeout: 20_000 });
      const terms = await page.locator('[data-testid="lexicon-result"] [data-term]').evaluateAll((items) => items.map((item) => item.getAttribute('data-term')));
      expect(terms).toEqual(expected.sensitive.map((hit) => hit.term));
      if (expected.sensitive.length + expected.scripts.length === 0) {
        expect(await page.locator('[data-testid="lexicon-result"]').textContent()).toContain(text(locale, 'No sensitive word', '未发现敏感词'));
      }
      await shot(page, `lexicon-${locale}-1280`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('users and roles: the Zendesk user picker', () => {
  for (const [locale, width] of [['en', 1280], ['zh-cn', 320]] as const) {
    it(`${locale}, ${width}px: tests the Zendesk connection, finds staff through the Zendesk API, grants a role and removes it`, async () => {
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width });
      await waitReady(page);
      const zendeskRow = page.locator('.cs-admin__row[data-kind="zendesk"]');
      expect(await zendeskRow.locator('[data-status]').getAttribute('data-status')).toBe('ok');
      const tested = page.waitForResponse((response) => response.url().endsWith('/api/v1/admin/connections/zendesk/test'));
      await zendeskRow.locator('button').click();
      expect((await tested).status()).toBe(200);
      expect(await zendeskRow.locator('[data-status]').getAttribute('data-status')).toBe('ok');
      expect(await page.locator('.cs-admin__zendesk h3').textContent()).toBe(text(locale, 'Zendesk users (acme)', 'Zendesk 用户（acme）'));

      const expected = await api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/admin/crm-users?query=wang');
      expect(expected.items.map((user) => user.id)).toEqual(['1001', '1002']);
      await page.locator('#cs-admin-staff-query').fill('wang');
      await page.locator('form[role="search"] button[type="submit"]').click();
      await page.locator('[data-testid="staff-results"]').waitFor({ timeout: 20_000 });
      const shown = await page.locator('[data-staff]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-staff')));
      expect(shown).toEqual(expected.items.map((user) => user.id));
      await page.locator('#cs-admin-role-1002').selectOption('qa');
      await page.locator('#cs-admin-agent-1002').fill('north');
      const granted = page.waitForResponse((response) => response.url().endsWith('/api/v1/admin/zendesk-roles') && response.request().method() === 'PUT');
      await page.locator('[data-staff="1002"] button').click();
      expect((await granted).status()).toBe(200);
      const mapped = page.locator('[data-testid="mapped-users"] [data-user="1002"]');
      await mapped.waitFor({ timeout: 20_000 });
      expect(await mapped.textContent()).toContain(text(locale, 'QA reviewer', '质检员'));
      const stored = await api<{ users: Record<string, { role: string }> }>('GET', '/api/v1/admin/zendesk-roles?subdomain=acme');
      expect(stored.users['1002']).toEqual({ role: 'qa', teams: ['north'] });
      await shot(page, `roles-granted-${locale}-${width}`);
      expect(await seriousAxeViolations(page)).toEqual([]);

      await mapped.locator('button').click();
      await mapped.waitFor({ state: 'detached', timeout: 20_000 });
      expect((await api<{ users: Record<string, unknown> }>('GET', '/api/v1/admin/zendesk-roles?subdomain=acme')).users['1002']).toBeUndefined();
      expect(problems).toEqual([]);
      await page.close();
    }, 120_000);
  }
});

describe('states and roles', () => {
  it('shows a loading state, then an error with a retry that recovers (connections refused once)', async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 900 } });
    let refuse = true;
    let release: () => void = () => {};
    const held = new Promise<void>((resolveHeld) => {
      release = resolveHeld;
    });
    await page.route(`${hub.url}/api/v1/admin/connections`, async (route) => {
      if (!refuse) return route.continue();
      await held;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UPSTREAM_FAILED', message: 'down' } }) });
    });
    await page.route(`${hub.url}/e2e/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      return route.fulfill(path.endsWith('.js') ? { status: 200, contentType: 'text/javascript', body: bundle } : { status: 200, contentType: 'text/html', body: PAGE_HTML });
    });
    await page.goto(`${hub.url}/e2e/admin-setup.html?look=zendesk&locale=zh-cn&role=admin`);
    const section = page.locator('[aria-labelledby="cs-admin-connections"]');
    await page.locator('.cs-admin [role="status"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.cs-admin [role="status"]').textContent()).toBe('加载中…');
    expect(await page.locator('section').count()).toBe(0);
    await shot(page, 'state-loading-zh-cn-320');
    release();
    await section.locator('[role="alert"]').waitFor({ timeout: 20_000 });
    expect(await section.locator('[role="alert"] p').textContent()).toBe('出错了（UPSTREAM_FAILED）。');
    await shot(page, 'state-error-zh-cn-320');
    refuse = false;
    await section.locator('[role="alert"] button').click();
    await section.locator('.cs-admin__row[data-kind]').first().waitFor({ timeout: 20_000 });
    await page.close();
  });

  for (const locale of LOCALES) {
    it(`${locale}: a manager is refused by the hub and sees one clear message, no section and no form`, async () => {
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width: 1280, role: 'manager' });
      await page.locator('[role="alert"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('[role="alert"]').allTextContents()).toEqual([
        text(locale, 'Only admins can open the Callsight setup.', '只有管理员可以打开 Callsight 设置。'),
      ]);
      expect(await page.locator('section, form, input, select').count()).toBe(0);
      await shot(page, `forbidden-manager-${locale}-1280`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
