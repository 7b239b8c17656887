/**
 * Files of the `callsight` static resource that a bundle loads after it is mounted (the chart runtime), loaded the
 * way the LWC loads the bundle itself: `loadScript(this, CALLSIGHT + '/' + file)`, handed over as
 * `Callsight.mount(element, {loadAsset})`. A bundle keeps the loader of its latest mount; every LWC on a page loads
 * from the same static resource, so any of them will do.
 */

/** The chart runtime's IIFE, beside the component bundles in dist/widgets/salesforce/; it sets `CallsightCharts`. */
export const CHARTS_BUNDLE_FILE = 'callsight-charts.iife.js';

/** The global the chart runtime's IIFE sets. */
export const CHARTS_GLOBAL = 'CallsightCharts';

export type AssetLoader = (file: string) => Promise<unknown>;

let loader: AssetLoader | null = null;

/** Keeps `next` as the loader of later asset loads (a mount without one leaves the previous loader in place). */
export function setAssetLoader(next: AssetLoader | undefined): void {
  if (typeof next === 'function') loader = next;
}

/** Loads `file` of the static resource; rejects when no LWC handed over a loader or the load fails. */
export function loadAsset(file: string): Promise<unknown> {
  if (loader === null) return Promise.reject(new Error(`No asset loader: mount with {loadAsset} to load ${file}`));
  return loader(file);
}
