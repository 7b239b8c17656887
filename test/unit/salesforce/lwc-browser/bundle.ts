/**
 * Compiles the package's Lightning web components for plain Chromium with @lwc/rollup-plugin: `c/*` from
 * manifests/salesforce, `lightning/*` and `@salesforce/*` from the stand-ins in this folder. The language comes
 * from `window.__callsightPage.lang` at load time, as `@salesforce/i18n/lang` does in an org.
 */
import { join } from 'node:path';
import { rollup, type Plugin } from 'rollup';
import lwc from '@lwc/rollup-plugin';

const here = import.meta.dirname;
const lwcDir = join(here, '../../../../manifests/salesforce/force-app/main/default/lwc');

const platform: Plugin = {
  name: 'callsight-platform',
  resolveId(source) {
    if (/^lightning\/(uiRecordApi|navigation|platformShowToastEvent|platformResourceLoader)$/.test(source)) return join(here, 'platform.js');
    if (source.startsWith('@salesforce/')) return `\0${source}`;
    return null;
  },
  load(id) {
    if (!id.startsWith('\0@salesforce/')) return null;
    const source = id.slice(1);
    if (source === '@salesforce/resourceUrl/callsight') return "export default '/callsight';";
    if (source === '@salesforce/user/Id') return "export default '0055g00000XYZ12AAA';";
    if (source === '@salesforce/i18n/lang') return 'export default window.__callsightPage.lang;';
    if (source.startsWith('@salesforce/apex/')) return `export { getSession as default } from ${JSON.stringify(join(here, 'platform.js'))};`;
    throw new Error(`no stand-in for ${source}`);
  },
};

/** The IIFE source of the three components with the LWC engine. */
export async function bundleComponents(): Promise<string> {
  const names = ['callsightElement', 'callsightErrors', 'callsightI18n', 'callsightCallHistory', 'callsightReviewPanel', 'callsightInsights'];
  const build = await rollup({
    input: join(here, 'entry.js'),
    plugins: [
      platform,
      lwc({
        rootDir: here,
        modules: [
          ...names.map((name) => ({ name: `c/${name}`, path: join(lwcDir, name, `${name}.js`) })),
          { name: 'lightning/spinner', path: join(here, 'lightning/spinner/spinner.js') },
        ],
        enableDynamicComponents: false,
      }) as Plugin,
    ],
    onwarn: () => {},
  });
  const { output } = await build.generate({ format: 'iife', name: 'CallsightLwcPage' });
  await build.close();
  return output[0].code;
}
