/** What the charts draw with: uPlot and the drawing code around it (./uplot-runtime). */
export type ChartRuntime = typeof import('./uplot-runtime');

/**
 * Loads the chart runtime. On the pages (Zendesk, /demo) it is a chunk of its own, fetched on the first chart. A
 * Salesforce IIFE cannot load chunks, so its build swaps this module for hosts/salesforce/salesforce-chart-runtime.ts,
 * which loads the runtime's own file of the static resource through the LWC.
 */
export function importChartRuntime(): Promise<ChartRuntime> {
  return import('./uplot-runtime');
}
