import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { unzipSync } from 'fflate';
import { buildZendeskApp, readHubHost, stampManifest } from '../../../manifests/zendesk/build';
import type { ZendeskAppBuild } from '../../../manifests/zendesk/build';
import { featureAt } from '../../../widgets/hosts/shared/location-registry';
import { ZENDESK_LOCATIONS } from '../../../widgets/hosts/zendesk/zendesk-locations';

const repoRoot = resolve(__dirname, '../../..');
const sourceDir = join(repoRoot, 'manifests/zendesk');
const HUB_URL = 'https://callsight.example.com';
const REQUIRED_TRANSLATION_KEYS = ['app.name', 'app.short_description', 'app.long_description', 'app.installation_instructions'];

let workDir: string;
let build: ZendeskAppBuild;
let manifest: Record<string, any>;

function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { [prefix]: value };
  return Object.entries(value).reduce<Record<string, unknown>>(
    (out, [key, child]) => ({ ...out, ...flatten(child, prefix === '' ? key : `${prefix}.${key}`) }),
    {},
  );
}

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'callsight-zendesk-'));
  build = await buildZendeskApp({ hubUrl: HUB_URL, outDir: join(workDir, 'zendesk'), widgetsDir: join(workDir, 'widgets'), buildWidgets: 'always' });
  manifest = readJson(join(build.appDir, 'manifest.json'));
}, 120_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('Zendesk app package', () => {
  it('has the manifest fields Zendesk requires', () => {
    expect(manifest.name).toBe('Callsight');
    expect(manifest.author).toMatchObject({ name: expect.any(String), email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/) });
    expect(manifest.defaultLocale).toBe('en');
    expect(manifest.frameworkVersion).toBe('2.0');
    expect(manifest.private).toBe(true);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('declares the user and ticket sidebars as flexible iframes', () => {
    expect(Object.keys(manifest.location)).toEqual(['support']);
    for (const name of ['user_sidebar', 'ticket_sidebar']) {
      expect(manifest.location.support[name]).toEqual({ url: 'assets/iframe.html', flexible: true });
    }
  });

  it('resolves every location URL to a file in the built app that loads the bundle', () => {
    for (const location of Object.values<Record<string, { url: string }>>(manifest.location)) {
      for (const { url } of Object.values(location)) {
        const file = join(build.appDir, url);
        expect(existsSync(file), url).toBe(true);
        const html = readFileSync(file, 'utf8');
        const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
        expect(references.some((ref) => ref.endsWith('.js'))).toBe(true);
        for (const ref of references) {
          expect(ref, 'no CDN or absolute URL').toMatch(/^\.\//);
          expect(existsSync(join(build.appDir, 'assets', ref)), ref).toBe(true);
        }
      }
    }
  });

  it('declares only locations the widget registry mounts a feature in', () => {
    for (const [product, locations] of Object.entries<Record<string, unknown>>(manifest.location)) {
      for (const name of Object.keys(locations)) {
        expect(featureAt(ZENDESK_LOCATIONS, `${product}.${name}`), `${product}.${name}`).not.toBeNull();
      }
    }
  });

  it('packs every script the iframe can load, lazily loaded features included, next to it', () => {
    const assets = join(build.appDir, 'assets');
    const pending = [...readFileSync(join(assets, 'iframe.html'), 'utf8').matchAll(/src="\.\/([^"]+\.js)"/g)].map((match) => match[1]!);
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      expect(existsSync(join(assets, file)), file).toBe(true);
      const code = readFileSync(join(assets, file), 'utf8');
      for (const match of code.matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) pending.push(match[1]!);
    }
    expect([...seen].some((file) => file.startsWith('call-history-'))).toBe(true);
  });

  it('keeps the shared secret secure and the hub URL required', () => {
    const byName = Object.fromEntries((manifest.parameters as Array<Record<string, unknown>>).map((p) => [p.name, p]));
    expect(byName.hub_url).toMatchObject({ type: 'url', required: true });
    expect(byName.hub_url?.secure).not.toBe(true);
    expect(byName.shared_secret).toMatchObject({ type: 'text', secure: true, required: true });
    for (const parameter of manifest.parameters as Array<Record<string, unknown>>) {
      expect(parameter.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(parameter.type).toMatch(/^(text|password|checkbox|url|number|multiline|hidden|oauth)$/);
    }
  });

  it('whitelists the hub host given at build time and nothing else', () => {
    expect(manifest.domainWhitelist).toEqual(['callsight.example.com']);
    expect(JSON.stringify(manifest)).not.toContain('{{HUB_HOST}}');
  });

  it('has every required translation key in en, and zh-cn has exactly the same keys', () => {
    const en = flatten(readJson(join(build.appDir, 'translations/en.json')));
    const zh = flatten(readJson(join(build.appDir, 'translations/zh-cn.json')));
    for (const key of REQUIRED_TRANSLATION_KEYS) expect(typeof en[key], key).toBe('string');
    for (const parameter of manifest.parameters as Array<{ name: string }>) {
      expect(typeof en[`app.parameters.${parameter.name}.label`]).toBe('string');
      expect(typeof en[`app.parameters.${parameter.name}.helpText`]).toBe('string');
    }
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(zh)) expect(String(value).trim(), key).not.toBe('');
    expect(String(en['app.short_description']).length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['assets/logo.png', 320],
    ['assets/logo-small.png', 128],
  ])('%s is a %ipx square PNG', (path, size) => {
    const png = PNG.sync.read(readFileSync(join(build.appDir, path)));
    expect([png.width, png.height]).toEqual([size, size]);
  });

  it('zips exactly the app folder with manifest.json at the root', () => {
    const entries = unzipSync(readFileSync(build.zipPath));
    expect(Object.keys(entries).sort()).toEqual([...build.files]);
    expect(entries['manifest.json']).toBeDefined();
    expect(JSON.parse(new TextDecoder().decode(entries['manifest.json']))).toEqual(manifest);
    expect(build.files.some((file) => file.includes('zcli.apps.config'))).toBe(false);
  });

  it('leaves the source manifest as the source (placeholder kept, stamped copy only in dist)', () => {
    const source = readJson(join(sourceDir, 'manifest.json'));
    expect(source.domainWhitelist).toContain('{{HUB_HOST}}');
    expect(stampManifest(source, 'a.example').domainWhitelist).toEqual(['a.example']);
  });

  it.each([['http://hub.example.com'], ['not a url'], ['ftp://x.example.com']])('refuses to build for hub URL %s', (url) => {
    expect(() => readHubHost(url)).toThrow(/hub URL/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('zcli apps:server', () => {
  let server: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the built app offline and /app.json lists our locations', async () => {
    const appDir = join(workDir, 'zcli-app');
    cpSync(build.appDir, appDir, { recursive: true });
    // zcli prompts for settings it cannot find here; the prompt would hang a test.
    writeFileSync(join(appDir, 'zcli.apps.config.json'), JSON.stringify({ parameters: { hub_url: HUB_URL, shared_secret: 'test-secret' } }));
    const port = await freePort();
    server = spawn(join(repoRoot, 'node_modules/.bin/zcli'), ['apps:server', appDir, '--port', String(port), '--bind', '127.0.0.1'], {
      cwd: workDir,
      env: { ...process.env, ZENDESK_SUBDOMAIN: '', ZENDESK_EMAIL: '', ZENDESK_API_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    let appJson: any;
    const deadline = Date.now() + 30_000;
    while (appJson === undefined) {
      if (server.exitCode !== null) throw new Error(`zcli exited with ${server.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`zcli did not serve /app.json in 30 s: ${output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/app.json`);
        if (response.ok) appJson = await response.json();
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const app = appJson.apps[0];
    expect(app).toMatchObject({ name: 'Callsight', default_locale: 'en', framework_version: '2.0' });
    expect(Object.keys(app.locations.support).sort()).toEqual(['ticket_sidebar', 'user_sidebar']);
    expect(app.locations.support.user_sidebar.url).toBe('assets/iframe.html');
    const iframe = await fetch(`${app.asset_url_prefix.replace('localhost', '127.0.0.1')}iframe.html`);
    expect(iframe.status).toBe(200);
    expect(await iframe.text()).toContain('<div id="app"></div>');
  }, 60_000);
});
