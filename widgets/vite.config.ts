import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig } from 'vite';
import type { InlineConfig, LogLevel, Plugin } from 'vite';
import preact from '@preact/preset-vite';

/** Gzip budget for one entry: its JS chunk, the chunks it imports (lazy features included) and its CSS (issue 8). */
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

/**
 * Prints each entry's gzip size, at start (static imports) and with every feature it may load (dynamic
 * imports too), and fails the build when the latter is over ENTRY_BUDGET_BYTES.
 */
function reportEntrySizes(label?: string): Plugin {
  return {
    name: 'callsight-entry-sizes',
    apply: 'build',
    generateBundle(_options, bundle) {
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
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const lines: string[] = [];
      const over: string[] = [];
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk' || !output.isEntry) continue;
        const name = label ?? output.name;
        const start = measure(closure(output.fileName, false));
        const all = measure(closure(output.fileName, true));
        lines.push(
          `  ${name.padEnd(10)} ${kb(all.gzip)} gzip with its features (${kb(all.raw)} raw, ${all.count} files); ${kb(start.gzip)} gzip at start`,
        );
        if (all.gzip > ENTRY_BUDGET_BYTES) over.push(`${name} is ${all.gzip} bytes gzip`);
      }
      this.info(`entry sizes (budget ${ENTRY_BUDGET_BYTES / 1024} KB gzip):\n${lines.join('\n')}`);
      if (over.length > 0) this.error(`widget entry over budget: ${over.join('; ')}`);
    },
  };
}
