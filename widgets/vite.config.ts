import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import preact from '@preact/preset-vite';

/** Gzip budget for one entry: its JS chunk, the chunks it imports and its CSS (issue 8). */
export const ENTRY_BUDGET_BYTES = 50 * 1024;

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the widget pages into dist/widgets/: zendesk.html (the ZAF iframe page, SDK bundled from npm so
 * nothing loads from a CDN) and demo.html (the hub's /demo page). Asset URLs are relative so the same
 * files work inside the Zendesk app package and under the hub's /demo/ prefix.
 */
export default defineConfig({
  root,
  base: './',
  publicDir: false,
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false }), reportEntrySizes()],
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
    },
  },
});

/** Prints each entry's gzip size and fails the build when one is over ENTRY_BUDGET_BYTES. */
function reportEntrySizes(): Plugin {
  return {
    name: 'callsight-entry-sizes',
    apply: 'build',
    generateBundle(_options, bundle) {
      const lines: string[] = [];
      const over: string[] = [];
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk' || !output.isEntry) continue;
        const files = new Set<string>([output.fileName]);
        const pending = [...output.imports];
        while (pending.length > 0) {
          const name = pending.pop()!;
          if (files.has(name)) continue;
          files.add(name);
          const imported = bundle[name];
          if (imported?.type === 'chunk') pending.push(...imported.imports);
        }
        for (const name of [...files]) {
          const chunk = bundle[name];
          if (chunk?.type === 'chunk') for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
        }
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
        lines.push(`  ${output.name.padEnd(8)} ${(gzip / 1024).toFixed(1)} KB gzip (${(raw / 1024).toFixed(1)} KB raw, ${files.size} files)`);
        if (gzip > ENTRY_BUDGET_BYTES) over.push(`${output.name} is ${gzip} bytes gzip`);
      }
      this.info(`entry sizes (budget ${ENTRY_BUDGET_BYTES / 1024} KB gzip):\n${lines.join('\n')}`);
      if (over.length > 0) this.error(`widget entry over budget: ${over.join('; ')}`);
    },
  };
}
