import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig } from 'vite';
import type { InlineConfig, LogLevel, Plugin, Rolldown } from 'vite';

type OutputChunk = Rolldown.OutputChunk;
type OutputAsset = Rolldown.OutputAsset;
import preact from '@preact/preset-vite';

/** Gzip budget for one entry: its JS chunk, the chunks it imports (lazy features included) and its CSS (issues 8 and 15). */
export const ENTRY_BUDGET_BYTES = 50 * 1024;
/** Where, under the pages' output folder, the Salesforce static resource is written. */
export const SALESFORCE_DIR = 'salesforce';
/** File name of the Salesforce static resource (one IIFE defining the global `Callsight`). */
export const SALESFORCE_BUNDLE = 'callsight.iife.js';

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
      },
    },
  },
});

/**
 * The Salesforce static resource: widgets/hosts/salesforce/main.ts as one IIFE file, `outDir/callsight.iife.js`,
 * whose exports become the global `Callsight`. Features are inlined (an IIFE cannot load chunks) and their
 * CSS travels inside as text, so the resource is a single `text/javascript` file.
 */
export function salesforceBuildConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root,
    publicDir: false,
    logLevel: 'warn',
    plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false }), reportEntrySizes('salesforce')],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2020',
      sourcemap: false,
      minify: true,
      lib: {
        entry: fileURLToPath(new URL('./hosts/salesforce/main.ts', import.meta.url)),
        name: 'Callsight',
        formats: ['iife'],
        fileName: () => SALESFORCE_BUNDLE,
      },
    },
  };
}

/** After the pages are written, builds the Salesforce IIFE into `<pages outDir>/salesforce/`. */
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
      await build({ ...salesforceBuildConfig(outDir), logLevel });
    },
  };
}

/** One entry of a widget build: its gzip size at start and with every feature it may load, against the budget. */
export interface EntrySizeReport {
  readonly name: string;
  /** Gzip bytes of the entry chunk, the chunks it imports statically and their CSS. */
  readonly startGzipBytes: number;
  /** Gzip bytes with the lazily loaded features too: what ENTRY_BUDGET_BYTES bounds. */
  readonly gzipBytes: number;
  readonly rawBytes: number;
  readonly files: number;
}

/** What one widget build bundles: entry sizes, and any classic zod module that reached a chunk. */
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

/**
 * Measures every entry of a built bundle (gzip level 9 of each file in its import closure; CSS included) and
 * lists the classic zod modules whose code survived tree-shaking in any chunk. Pure: reads the bundle only.
 */
export function inspectWidgetBundle(bundle: BundleLike, label?: string): WidgetBundleReport {
  const closure = (entry: string, followDynamic: boolean): Set<string> => {
    const files = new Set<string>();
    const pending = [entry];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (files.has(name)) continue;
      files.add(name);
      const chunk = bundle[name];
      if (chunk?.type !== 'chunk') continue;
      pending.push(...chunk.imports, ...(followDynamic ? chunk.dynamicImports : []));
      for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
    }
    return files;
  };
  const measure = (files: Set<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const name of files) {
      const file = bundle[name];
      if (file === undefined) continue;
      const content = file.type === 'chunk' ? file.code : file.source;
      const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { raw, gzip, count: files.size };
  };
  const entries: EntrySizeReport[] = [];
  const classicZod: string[] = [];
  for (const output of Object.values(bundle)) {
    if (output.type !== 'chunk') continue;
    for (const [id, module] of Object.entries(output.modules)) {
      if (module.renderedLength > 0 && isClassicZodModule(id)) classicZod.push(`${output.fileName}: ${id.slice(id.lastIndexOf('node_modules/zod/'))}`);
    }
    if (!output.isEntry) continue;
    const start = measure(closure(output.fileName, false));
    const all = measure(closure(output.fileName, true));
    entries.push({ name: label ?? output.name, startGzipBytes: start.gzip, gzipBytes: all.gzip, rawBytes: all.raw, files: all.count });
  }
  return { entries, classicZod };
}

/** The report's lines: each entry's sizes next to the budget, with its headroom or overshoot. */
export function formatWidgetBundleReport(report: WidgetBundleReport): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const width = Math.max(10, ...report.entries.map((entry) => entry.name.length));
  const lines = report.entries.map((entry) => {
    const left = ENTRY_BUDGET_BYTES - entry.gzipBytes;
    const verdict = left >= 0 ? `${kb(left)} under` : `${kb(-left)} OVER`;
    return `  ${entry.name.padEnd(width)} ${kb(entry.gzipBytes)} / ${kb(ENTRY_BUDGET_BYTES)} gzip with its features (${verdict}; ${kb(entry.rawBytes)} raw, ${entry.files} files); ${kb(entry.startGzipBytes)} gzip at start`;
  });
  return `entry sizes (budget ${ENTRY_BUDGET_BYTES / 1024} KB gzip per entry, issue #15):\n${lines.join('\n')}`;
}

/**
 * Prints each entry's gzip size next to the budget, at start (static imports) and with every feature it may load
 * (dynamic imports too), and fails the build when the latter is over ENTRY_BUDGET_BYTES or when classic zod
 * reached any chunk.
 */
function reportEntrySizes(label?: string): Plugin {
  return {
    name: 'callsight-entry-sizes',
    apply: 'build',
    generateBundle(_options, bundle) {
      const report = inspectWidgetBundle(bundle, label);
      this.info(formatWidgetBundleReport(report));
      const over = report.entries.filter((entry) => entry.gzipBytes > ENTRY_BUDGET_BYTES).map((entry) => `${entry.name} is ${entry.gzipBytes} bytes gzip`);
      if (over.length > 0) this.error(`widget entry over budget: ${over.join('; ')}`);
      if (report.classicZod.length > 0) {
        this.error(
          `classic zod reached the widget bundle (${report.classicZod.join(', ')}): widgets and the contract in core/api ` +
            `import 'zod/mini'; find the module importing 'zod' on the widget's import path and move it to zod/mini`,
        );
      }
    },
  };
}
