/**
 * The widget bundles against issue #15: every entry (Zendesk page, demo page, Salesforce IIFE) stays within
 * ENTRY_BUDGET_BYTES gzip with the features it may load, and no chunk holds classic zod (the shared contract in
 * core/api is written with zod/mini, docs/decisions/api-contract.md). Builds the real widgets into a temporary
 * folder; dist/ is left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';
import {
  ENTRY_BUDGET_BYTES,
  formatWidgetBundleReport,
  inspectWidgetBundle,
  isClassicZodModule,
  salesforceBuildConfig,
  salesforceChartsBuildConfig,
  type WidgetBundleReport,
} from '../../../widgets/vite.config';
import { SALESFORCE_COMPONENT_NAMES, salesforceBundleFile } from '../../../widgets/hosts/salesforce/salesforce-components';

type Output = Rolldown.OutputChunk | Rolldown.OutputAsset;

const configFile = new URL('../../../widgets/vite.config.ts', import.meta.url).pathname;

function bundleOf(result: Awaited<ReturnType<typeof build>>): Record<string, Output> {
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const bundle: Record<string, Output> = {};
  for (const output of outputs) for (const file of output.output) bundle[file.fileName] = file;
  return bundle;
}

function chunk(fileName: string, fields: Partial<Rolldown.OutputChunk>): Rolldown.OutputChunk {
  return {
    type: 'chunk',
    fileName,
    name: fileName.replace(/\.js$/, ''),
    code: '',
    isEntry: false,
    isDynamicEntry: false,
    imports: [],
    dynamicImports: [],
    modules: {},
    moduleIds: [],
    ...fields,
  } as Rolldown.OutputChunk;
}

describe('which zod modules count as classic', () => {
  it.each([
    ['/work/main/node_modules/zod/index.js', true],
    ['/work/main/node_modules/zod/v4/classic/schemas.js', true],
    ['/work/main/node_modules/zod/v4/classic/external.js', true],
    ['/work/main/node_modules/zod/v4/locales/en.js', true],
    ['/work/main/node_modules/zod/v3/types.js', true],
    ['C:\\app\\node_modules\\zod\\v4\\classic\\schemas.js', true],
    ['/work/main/node_modules/zod/mini/index.js', false],
    ['/work/main/node_modules/zod/v4/mini/schemas.js', false],
    ['/work/main/node_modules/zod/v4/core/schemas.js', false],
    ['/work/main/core/api/calls.api.ts', false],
    ['/work/main/node_modules/zod-to-something/index.js', false],
  ])('%s -> %s', (id, classic) => {
    expect(isClassicZodModule(id)).toBe(classic);
  });
});

describe('inspectWidgetBundle', () => {
  const classicId = '/repo/node_modules/zod/v4/classic/schemas.js';
  const miniId = '/repo/node_modules/zod/v4/mini/schemas.js';

  it('reports classic zod code left in any chunk, and ignores classic modules tree-shaken to nothing', () => {
    const report = inspectWidgetBundle({
      'entry.js': chunk('entry.js', { isEntry: true, code: 'x', dynamicImports: ['feature.js'], modules: { [miniId]: { renderedLength: 10 } } as never }),
      'feature.js': chunk('feature.js', { code: 'y', modules: { [classicId]: { renderedLength: 2000 } } as never }),
      'other.js': chunk('other.js', { code: 'z', modules: { '/repo/node_modules/zod/index.js': { renderedLength: 0 } } as never }),
    });
    expect(report.classicZod).toEqual(['feature.js: node_modules/zod/v4/classic/schemas.js']);
  });

  it('counts the static imports alone at start, not a lazy chunk no place mounts', () => {
    let seed = 12345;
    const big = Array.from({ length: 4000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCharCode(33 + (seed % 90));
    }).join('');
    const report = inspectWidgetBundle({
      'entry.js': chunk('entry.js', { isEntry: true, code: 'small', imports: ['shared.js'], dynamicImports: ['feature.js'] }),
      'shared.js': chunk('shared.js', { code: 'shared' }),
      'feature.js': chunk('feature.js', { code: big, viteMetadata: { importedCss: new Set(['feature.css']), importedAssets: new Set() } } as never),
      'feature.css': { type: 'asset', fileName: 'feature.css', source: '.x{color:red}' } as Rolldown.OutputAsset,
    });
    expect(report.entries).toHaveLength(1);
    const [entry] = report.entries;
    expect(entry!.places.length).toBeGreaterThanOrEqual(1);
    // A chunk loaded lazily and mounted by no known place is not part of what the entry downloads at start.
    expect(entry!.startGzipBytes).toBeLessThan(1000);
    expect(entry!.gzipBytes).toBeGreaterThanOrEqual(entry!.startGzipBytes);
    expect(formatWidgetBundleReport(report)).toMatch(/\d+\.\d KB \/ 50\.0 KB gzip \(\d+\.\d KB under;/);
  });

  it('marks an entry over the budget as OVER in the printed report', () => {
    const report: WidgetBundleReport = {
      entries: [
        {
          name: 'zendesk',
          startGzipBytes: 10_000,
          gzipBytes: ENTRY_BUDGET_BYTES + 2048,
          places: [{ name: 'zendesk › insights', gzipBytes: ENTRY_BUDGET_BYTES + 2048, rawBytes: 200_000, files: 3 }],
        },
      ],
      classicZod: [],
    };
    expect(formatWidgetBundleReport(report)).toMatch(/zendesk › insights +52\.0 KB \/ 50\.0 KB gzip \(2\.0 KB OVER;/);
  });
});

describe('the built widgets', () => {
  let outDir: string;
  let pages: WidgetBundleReport;
  let salesforce: WidgetBundleReport;
  let pagesBundle: Record<string, Output>;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'callsight-bundle-size-'));
    // Vitest runs with NODE_ENV=test, which Vite would build into the bundles (Preact's debug paths included):
    // measure what `npm run build:widgets` ships.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      pagesBundle = bundleOf(await build({ configFile, logLevel: 'silent', build: { outDir: join(outDir, 'pages'), emptyOutDir: true } }));
      pages = inspectWidgetBundle(pagesBundle);
      const salesforceDir = join(outDir, 'salesforce');
      const perComponent: WidgetBundleReport[] = [];
      for (const component of SALESFORCE_COMPONENT_NAMES) {
        const bundle = bundleOf(await build({ ...salesforceBuildConfig(salesforceDir, component), logLevel: 'silent' }));
        perComponent.push(inspectWidgetBundle(bundle, `salesforce ${salesforceBundleFile(component)}`));
      }
      perComponent.push(inspectWidgetBundle(bundleOf(await build({ ...salesforceChartsBuildConfig(salesforceDir), logLevel: 'silent' })), 'salesforce charts'));
      salesforce = { entries: perComponent.flatMap((r) => r.entries), classicZod: perComponent.flatMap((r) => r.classicZod) };
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    console.info(`${formatWidgetBundleReport(pages)}\n${formatWidgetBundleReport(salesforce)}`);
  }, 240_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('builds the Zendesk page, the demo page and the Salesforce resource', () => {
    expect(pages.entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['demo', 'zendesk']));
    expect(salesforce.entries.length).toBeGreaterThan(0);
  });

  it('keeps classic zod out of every chunk', () => {
    expect(pages.classicZod).toEqual([]);
    expect(salesforce.classicZod).toEqual([]);
  });

  it('bundles the contract with zod/mini where the call history checks the hub answers', () => {
    const miniModules = Object.values(pagesBundle)
      .flatMap((file) => (file.type === 'chunk' ? Object.keys(file.modules) : []))
      .filter((id) => /node_modules\/zod\/v4\/(mini|core)\//.test(id));
    expect(miniModules.length).toBeGreaterThan(0);
  });

  it('keeps every place within the budget: each page entry with the feature it mounts, each Salesforce component, the charts', () => {
    const over = [...pages.entries, ...salesforce.entries]
      .flatMap((entry) => entry.places)
      .filter((place) => place.gzipBytes > ENTRY_BUDGET_BYTES)
      .map((place) => `${place.name}: ${place.gzipBytes} bytes gzip`);
    expect(over).toEqual([]);
    expect(salesforce.entries.map((entry) => entry.name)).toEqual([
      ...SALESFORCE_COMPONENT_NAMES.map((component) => `salesforce ${salesforceBundleFile(component)}`),
      'salesforce charts',
    ]);
  });

  it('leaves uPlot out of the Salesforce insights bundle: the chart runtime is its own file', () => {
    const insights = salesforce.entries.find((entry) => entry.name.endsWith('callsight-insights.iife.js'))!;
    const charts = salesforce.entries.find((entry) => entry.name === 'salesforce charts')!;
    // uPlot alone is over 20 KB gzip: the insights bundle without it is well under the charts file plus itself.
    expect(charts.gzipBytes).toBeGreaterThan(15 * 1024);
    expect(insights.gzipBytes + charts.gzipBytes).toBeGreaterThan(ENTRY_BUDGET_BYTES);
  });

  it('measures every place a page can show: the entry with each feature a location or workspace tab mounts', () => {
    const zendesk = pages.entries.find((entry) => entry.name === 'zendesk')!;
    const names = zendesk.places.map((place) => place.name).join('\n');
    for (const feature of ['call-history', 'qa-review', 'workspace', 'insights', 'my-calls', 'training', 'admin-setup']) expect(names).toContain(feature);
    for (const place of zendesk.places) expect(place.gzipBytes).toBeGreaterThan(zendesk.startGzipBytes - 1);
  });
});
