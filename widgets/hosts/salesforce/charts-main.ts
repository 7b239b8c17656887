/**
 * Entry of the chart runtime's static-resource file (`callsight-charts.iife.js`): uPlot and the drawing code of the
 * insights charts, which the insights bundle loads on its first chart (salesforce-chart-runtime.ts). The global is
 * assigned explicitly, as in main.ts: Lightning Web Security runs static resources inside a wrapper.
 */
import * as runtime from '../../features/insights/uplot-runtime';
import { CHARTS_GLOBAL } from './salesforce-assets';

const host = globalThis as Record<string, unknown>;
if (host[CHARTS_GLOBAL] === undefined) host[CHARTS_GLOBAL] = Object.freeze({ ...runtime });
