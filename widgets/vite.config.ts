import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig } from 'vite';
import type { InlineConfig, LogLevel, Plugin, Rolldown } from 'vite';

type OutputChunk = Rolldown.OutputChunk;
type OutputAsset = Rolldown.OutputAsset;
import preact from '@preact/preset-vite';
import { FEATURE_IDS } from './features/feature';
import type { FeatureId } from './features/feature';
import { WORKSPACE_TABS } from './features/workspace/workspace-tabs';
import { SALESFORCE_COMPONENT_NAMES, SALESFORCE_COMPONENTS, salesforceBundleFile } from './hosts/salesforce/salesforce-components';
import type { SalesforceComponent } from './hosts/salesforce/salesforce-components';
import { ZENDESK_LOCATIONS } from './hosts/zendesk/zendesk-locations';
import { CHARTS_BUNDLE_FILE } from './hosts/salesforce/salesforce-assets';

/**
 * Gzip budget for what one place downloads (issues 8 and 15): a page entry with its static imports and CSS plus
 * the one feature a location (or workspace tab) mounts, with that feature's static imports; or one Salesforce IIFE.
 */
export const ENTRY_BUDGET_BYTES = 50 * 1024;
/** Where, under the pages' output folder, the Salesforce static resources are written. */
export const SALESFORCE_DIR = 'salesforce';
/** The Salesforce components, one IIFE each. */
export const SALESFORCE_BUNDLE_COMPONENTS = SALESFORCE_COMPONENT_NAMES;
/** File name of a Salesforce component's IIFE: `callsightCallHistory` → `callsight-call-history.iife.js`. */
export { salesforceBundleFile };
/** The call history's bundle, kept under this name for callers that want one. */
export const SALESFORCE_BUNDLE = salesforceBundleFile('callsightCallHistory');

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the widget pages into dist/widgets/: zendesk.html (the ZAF iframe page, SDK bundled from npm so
 * nothing loads from a CDN) and demo.html (the hub's /demo page), each feature in a chunk of its own that
 * loads only where a location mounts it. Asset URLs are relative so the same files work inside the Zendesk
 * app package and under the hub's /demo/ prefix. Then writes the Salesforce static resource into
 * dist/widgets/salesforce/ (salesforceBuildConfig), so every build of the pages has a matching one.
 */
export default defineConfig({
  root,
  base: './',
  publicDir: false,
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false }), reportEntrySizes(), buildSalesforceBundle()],
  build: {
    outDir: fileURLToPath(new URL('../dist/widgets', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    assetsDir: 'assets',
    sourcemap: false,
    manifest: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        zendesk: fileURLToPath(new URL('./zendesk.html', import.meta.url)),
        demo: fileURLToPath(new URL('./demo.html', import.meta.url)),
        'salesforce-demo': fileURLToPath(new URL('./salesforce-demo.html', import.meta.url)),
      },
      output: {
        // A chunk shared by entries is named after whichever module the bundler picks; call it what it is.
        chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'assets/[name]-[hash].js' : 'assets/shared-[hash].js'),
        codeSplitting: {
          groups: [{ name: 'shared', test: /node_modules[\\/](zod|preact)[\\/]|widgets[\\/]core[\\/]|core[\\/]api[\\/]common\.api|core[\\/]access[\\/]access\.policy/ }],
        },
      },
    },
  },
});

/**
 * One Salesforce static resource: widgets/hosts/salesforce/main.ts as an IIFE, `outDir/<salesforceBundleFile>`,
 * that sets (or extends) the global `Callsight` with `component` only: the feature catalog is swapped for one
 * holding that component's feature alone, inlined (an IIFE cannot load chunks), its CSS inside as text.
 */
export function salesforceBuildConfig(outDir: string, component: SalesforceComponent = 'callsightCallHistory', emptyOutDir = true): InlineConfig {
  const file = salesforceBundleFile(component);
  return {
    configFile: false,
    root,
    publicDir: false,
    logLevel: 'warn',
    plugins: [
      preact({ prefreshEnabled: false, devToolsEnabled: false }),
      singleFeatureCatalog(component),
      salesforceChartRuntime(),
      reportEntrySizes(`salesforce ${file}`),
    ],
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), __CALLSIGHT_COMPONENTS__: JSON.stringify([component]) },
    build: {
      outDir,
      emptyOutDir,
      target: 'es2020',
      sourcemap: false,
      minify: true,
      lib: {
        entry: fileURLToPath(new URL('./hosts/salesforce/main.ts', import.meta.url)),
        name: 'Callsight',
        formats: ['iife'],
        fileName: () => file,
      },
    },
  };
}

/**
 * The chart runtime's own static-resource file (hosts/salesforce/charts-main.ts → `callsight-charts.iife.js`), which
 * the insights bundle loads through the LWC on its first chart.
 */
export function salesforceChartsBuildConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root,
    publicDir: false,
    logLevel: 'warn',
    plugins: [reportEntrySizes(`salesforce ${CHARTS_BUNDLE_FILE} (loaded on the first chart)`)],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2020',
      sourcemap: false,
      minify: true,
      lib: {
        entry: fileURLToPath(new URL('./hosts/salesforce/charts-main.ts', import.meta.url)),
        name: 'CallsightChartsBundle',
        formats: ['iife'],
        fileName: () => CHARTS_BUNDLE_FILE,
      },
    },
  };
}

/**
 * Swaps features/insights/chart-runtime.ts (a lazy chunk on the pages) for the Salesforce one, which loads the chart
 * runtime's file of the static resource: an IIFE would otherwise inline uPlot into the insights bundle.
 */
function salesforceChartRuntime(): Plugin {
  const swapped = fileURLToPath(new URL('./hosts/salesforce/salesforce-chart-runtime.ts', import.meta.url));
  return {
    name: 'callsight-salesforce-chart-runtime',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/chart-runtime(\.ts)?$/.test(source) || importer === undefined) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id.replace(/\\/g, '/').endsWith('/widgets/features/insights/chart-runtime.ts') ? swapped : null;
    },
  };
}

const CATALOG_ID = '\0callsight-single-feature-catalog';

/** Resolves features/feature-catalog to a catalog with `component`'s feature only (the others reject). */
function singleFeatureCatalog(component: SalesforceComponent): Plugin {
  const feature = SALESFORCE_COMPONENTS[component].feature;
  return {
    name: 'callsight-single-feature-catalog',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/feature-catalog(\.ts)?$/.test(source) || importer === undefined) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id.replace(/\\/g, '/').endsWith('/widgets/features/feature-catalog.ts') ? CATALOG_ID : null;
    },
    load(id) {
      if (id !== CATALOG_ID) return null;
      const dir = fileURLToPath(new URL(`./features/${feature}/index.tsx`, import.meta.url)).replace(/\\/g, '/');
      const loaders = FEATURE_IDS.map((id) =>
        id === feature
          ? `${JSON.stringify(id)}: () => import(${JSON.stringify(dir)}).then((m) => m[${JSON.stringify(exportName(id))}])`
          : `${JSON.stringify(id)}: () => Promise.reject(new Error(${JSON.stringify(`${id} is not in the ${component} bundle`)}))`,
      );
      return `export const FEATURE_CATALOG = {\n${loaders.join(',\n')}\n};\n`;
    },
  };
}

/** `qa-review` → `qaReviewFeature`, the export of each features/<id>/index.tsx. */
function exportName(id: FeatureId): string {
  return `${id.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase())}Feature`;
}

/** After the pages are written, builds one Salesforce IIFE per component into `<pages outDir>/salesforce/`. */
function buildSalesforceBundle(): Plugin {
  let outDir = '';
  let logLevel: LogLevel = 'warn';
  return {
    name: 'callsight-salesforce-iife',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir, SALESFORCE_DIR);
      logLevel = config.logLevel ?? 'info';
    },
    async closeBundle() {
      let first = true;
      for (const component of SALESFORCE_BUNDLE_COMPONENTS) {
        await build({ ...salesforceBuildConfig(outDir, component, first), logLevel });
        first = false;
      }
      await build({ ...salesforceChartsBuildConfig(outDir), logLevel });
    },
  };
}

/** One place a user opens: an entry plus the one feature it mounts there (or a workspace tab), gzip against the budget. */
export interface PlaceSizeReport {
  /** `<entry> › <feature>` (with its Zendesk location when it has one), `<entry> › workspace › <tab feature>`, or the entry alone. */
  readonly name: string;
  /** Gzip bytes of the entry's and the feature's static import closures and their CSS: what ENTRY_BUDGET_BYTES bounds. */
  readonly gzipBytes: number;
  readonly rawBytes: number;
  readonly files: number;
}

/** One entry of a widget build: its size at start and each place it can show. */
export interface EntrySizeReport {
  readonly name: string;
  /** Gzip bytes of the entry chunk, the chunks it imports statically and their CSS. */
  readonly startGzipBytes: number;
  /** Gzip bytes of its largest place (the entry alone when it loads no feature lazily). */
  readonly gzipBytes: number;
  readonly places: readonly PlaceSizeReport[];
}

/** What one widget build bundles: entry and place sizes, and any classic zod module that reached a chunk. */
export interface WidgetBundleReport {
  readonly entries: readonly EntrySizeReport[];
  /** `<chunk file>: <module id>` for each classic zod module with code left in a chunk; empty when all is well. */
  readonly classicZod: readonly string[];
}

/** A bundle as `generateBundle` sees it, reduced to what the report reads. */
type BundleLike = Record<string, OutputChunk | OutputAsset>;

/**
 * True for a module of classic zod (`zod`, `zod/v4/classic`, its locales, zod 3): widgets import the shared
 * contract through `zod/mini`, whose modules (`zod/mini`, `zod/v4/mini`, `zod/v4/core`) are the only zod code a
 * widget chunk may hold (docs/decisions/api-contract.md).
 */
export function isClassicZodModule(id: string): boolean {
  const path = id.replace(/\\/g, '/').replace(/^\0/, '');
  const match = /\/node_modules\/zod\/(.*)$/.exec(path);
  if (match === null) return false;
  return !/^(mini|v4\/mini|v4\/core)\//.test(match[1]!);
}

/** The feature a chunk is the lazy entry of (features/<id>/index.tsx), if any. */
function featureOfChunk(chunk: OutputChunk): FeatureId | null {
  const match = /\/widgets\/features\/([a-z-]+)\/index\.tsx$/.exec((chunk.facadeModuleId ?? '').replace(/\\/g, '/'));
  return match !== null && (FEATURE_IDS as readonly string[]).includes(match[1]!) ? (match[1] as FeatureId) : null;
}

/**
 * Measures every place of a built bundle (gzip level 9 of each file; CSS included): for each entry, the entry's
 * static closure plus each lazily loaded feature's static closure (a workspace tab: plus the workspace's too), and
 * lists the classic zod modules whose code survived tree-shaking in any chunk. Pure: reads the bundle only.
 */
export function inspectWidgetBundle(bundle: BundleLike, label?: string): WidgetBundleReport {
  const closure = (entries: readonly string[]): Set<string> => {
    const files = new Set<string>();
    const pending = [...entries];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (files.has(name)) continue;
      files.add(name);
      const chunk = bundle[name];
      if (chunk?.type !== 'chunk') continue;
      pending.push(...chunk.imports);
      for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
    }
    return files;
  };
  const gzipCache = new Map<string, { raw: number; gzip: number }>();
  const measure = (files: Set<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const name of files) {
      const file = bundle[name];
      if (file === undefined) continue;
      let sizes = gzipCache.get(name);
      if (sizes === undefined) {
        const content = file.type === 'chunk' ? file.code : file.source;
        const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
        sizes = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
        gzipCache.set(name, sizes);
      }
      raw += sizes.raw;
      gzip += sizes.gzip;
    }
    return { raw, gzip, count: files.size };
  };
  const featureChunks = new Map<FeatureId, string>();
  for (const output of Object.values(bundle)) {
    if (output.type !== 'chunk') continue;
    const feature = featureOfChunk(output);
    if (feature !== null && output.isDynamicEntry) featureChunks.set(feature, output.fileName);
  }
  const zendeskPlaces = new Map<string, string>(Object.entries(ZENDESK_LOCATIONS).map(([location, entry]) => [String(entry.feature), location]));
  const entries: EntrySizeReport[] = [];
  const classicZod: string[] = [];
  for (const output of Object.values(bundle)) {
    if (output.type !== 'chunk') continue;
    for (const [id, module] of Object.entries(output.modules)) {
      if (module.renderedLength > 0 && isClassicZodModule(id)) classicZod.push(`${output.fileName}: ${id.slice(id.lastIndexOf('node_modules/zod/'))}`);
    }
    if (!output.isEntry) continue;
    const name = label ?? output.name;
    const start = closure([output.fileName]);
    const reachable = new Set<string>();
    for (const file of start) {
      const chunk = bundle[file];
      if (chunk?.type === 'chunk') for (const lazy of chunk.dynamicImports) reachable.add(lazy);
    }
    const place = (placeName: string, files: readonly string[]): PlaceSizeReport => {
      const sizes = measure(closure([output.fileName, ...files]));
      return { name: placeName, gzipBytes: sizes.gzip, rawBytes: sizes.raw, files: sizes.count };
    };
    const places: PlaceSizeReport[] = [];
    for (const [feature, file] of featureChunks) {
      if (!reachable.has(file)) continue;
      const where = name === 'zendesk' && zendeskPlaces.has(feature) ? ` (${zendeskPlaces.get(feature)})` : '';
      places.push(place(`${name} › ${feature}${where}`, [file]));
    }
    const workspace = featureChunks.get('workspace');
    if (workspace !== undefined && reachable.has(workspace)) {
      for (const tab of WORKSPACE_TABS) {
        const file = featureChunks.get(tab.feature);
        if (file !== undefined) places.push(place(`${name} › workspace › ${tab.feature}`, [workspace, file]));
      }
    }
    if (places.length === 0) places.push(place(name, []));
    const startSizes = measure(start);
    entries.push({ name, startGzipBytes: startSizes.gzip, gzipBytes: Math.max(...places.map((p) => p.gzipBytes)), places });
  }
  return { entries, classicZod };
}

/** The report's lines: each place's size next to the budget, with its headroom or overshoot. */
export function formatWidgetBundleReport(report: WidgetBundleReport): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const places = report.entries.flatMap((entry) => entry.places);
  const width = Math.max(10, ...places.map((place) => place.name.length));
  const lines = report.entries.flatMap((entry) => [
    `  ${entry.name}: ${kb(entry.startGzipBytes)} gzip at start`,
    ...entry.places.map((place) => {
      const left = ENTRY_BUDGET_BYTES - place.gzipBytes;
      const verdict = left >= 0 ? `${kb(left)} under` : `${kb(-left)} OVER`;
      return `    ${place.name.padEnd(width)} ${kb(place.gzipBytes).padStart(8)} / ${kb(ENTRY_BUDGET_BYTES)} gzip (${verdict}; ${kb(place.rawBytes)} raw, ${place.files} files)`;
    }),
  ]);
  return `place sizes (budget ${ENTRY_BUDGET_BYTES / 1024} KB gzip for an entry plus the one feature it mounts, issue #15):\n${lines.join('\n')}`;
}

/**
 * Prints each place's gzip size next to the budget (entry plus the one feature it mounts), warns when one is over
 * ENTRY_BUDGET_BYTES (fails with CALLSIGHT_WIDGET_BUDGET=strict), and fails the build when classic zod reached any chunk.
 */
function reportEntrySizes(label?: string): Plugin {
  return {
    name: 'callsight-entry-sizes',
    apply: 'build',
    generateBundle(_options, bundle) {
      const report = inspectWidgetBundle(bundle, label);
      this.info(formatWidgetBundleReport(report));
      const over = report.entries
        .flatMap((entry) => entry.places)
        .filter((place) => place.gzipBytes > ENTRY_BUDGET_BYTES)
        .map((place) => `${place.name} is ${place.gzipBytes} bytes gzip`);
      // Over-budget places are reported, not fatal: `npm start` builds the widgets first and must not stop on size.
      // CALLSIGHT_WIDGET_BUDGET=strict makes them fatal (the size figures are tracked in issue #15).
      if (over.length > 0) {
        const message = `widget place over the ${ENTRY_BUDGET_BYTES / 1024} KB budget: ${over.join('; ')}`;
        if (process.env.CALLSIGHT_WIDGET_BUDGET === 'strict') this.error(message);
        else this.warn(message);
      }
      if (report.classicZod.length > 0) {
        this.error(
          `classic zod reached the widget bundle (${report.classicZod.join(', ')}): widgets and the contract in core/api ` +
            `import 'zod/mini'; find the module importing 'zod' on the widget's import path and move it to zod/mini`,
        );
      }
    },
  };
}
