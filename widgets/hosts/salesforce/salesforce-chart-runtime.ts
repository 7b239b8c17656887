import type { ChartRuntime } from '../../features/insights/chart-runtime';
import { CHARTS_BUNDLE_FILE, CHARTS_GLOBAL, loadAsset } from './salesforce-assets';

/**
 * features/insights/chart-runtime.ts as a Salesforce IIFE has it (the build swaps the module): the chart runtime is a
 * file of its own in the static resource (charts-main.ts), loaded through the LWC on the first chart, so the insights
 * bundle stays within its size budget and a page without charts never downloads uPlot.
 */
export function importChartRuntime(): Promise<ChartRuntime> {
  const ready = (globalThis as Record<string, unknown>)[CHARTS_GLOBAL] as ChartRuntime | undefined;
  if (ready !== undefined) return Promise.resolve(ready);
  return loadAsset(CHARTS_BUNDLE_FILE).then(() => {
    const runtime = (globalThis as Record<string, unknown>)[CHARTS_GLOBAL] as ChartRuntime | undefined;
    if (runtime === undefined) throw new Error(`${CHARTS_BUNDLE_FILE} ran but defined no ${CHARTS_GLOBAL}`);
    return runtime;
  });
}
