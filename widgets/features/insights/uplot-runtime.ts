import uPlot from 'uplot';
import css from 'uplot/dist/uPlot.min.css?inline';
import { adoptStyles } from '../../core/adopt-styles';
import type { UPlotChartProps } from './uplot-chart';

/** What drawChart plots: the chart's props without its text and handler. */
export type ChartSpec = Pick<UPlotChartProps, 'kind' | 'xLabels' | 'series' | 'formatY'> & { readonly height: number };

const AXIS_FONT = '11px system-ui, "WenQuanYi Micro Hei", sans-serif';

/**
 * Shortens an axis label to what fits `widthPx` at the axis font (CJK characters count double), ending in "…"; empty
 * when not even a few characters fit (the chart's table names every group).
 */
export function fitLabel(label: string, widthPx: number): string {
  const budget = Math.floor(widthPx / 6.5) - 1;
  if (budget < 5) return '';
  let used = 0;
  let out = '';
  for (const char of label) {
    used += /[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1;
    if (used > budget) return out.length > 0 ? `${out}…` : '';
    out += char;
  }
  return out;
}

/**
 * Lays grouped bars out on one x scale: group g's series s sits at g * stride + s, with an empty slot between
 * groups; each series is null at the other series' slots, so uPlot draws one bar per value.
 */
export function layoutGroupedBars(groups: number, series: readonly (readonly (number | null)[])[]): { x: number[]; ys: (number | null)[][]; stride: number } {
  const stride = series.length + 1;
  const x: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  for (let g = 0; g < groups; g += 1) {
    for (let slot = 0; slot < series.length; slot += 1) {
      x.push(g * stride + slot);
      series.forEach((values, s) => ys[s]!.push(s === slot ? (values[g] ?? null) : null));
    }
  }
  return { x, ys, stride };
}

/**
 * Draws `chart` into `box` with uPlot (bars through uPlot's bars path builder, or lines) at the box's width, redrawn
 * on resize, uPlot's stylesheet added to the box's root; a click on a bar group or point calls `select` with its x
 * label index. Returns what removes the chart.
 */
export function drawChart(box: HTMLElement, chart: ChartSpec, select: (index: number) => void): () => void {
  const { kind, xLabels, series, formatY, height } = chart;
  adoptStyles(box, 'uplot', css);
  const bars = kind === 'bars';
  const layout = bars
    ? layoutGroupedBars(xLabels.length, series.map((s) => s.values))
    : { x: xLabels.map((_, i) => i), ys: series.map((s) => [...s.values]), stride: 1 };
  const centre = (group: number) => group * layout.stride + (bars ? (series.length - 1) / 2 : 0);
  const labelAt = (value: number) => {
    const group = Math.round((value - (bars ? (series.length - 1) / 2 : 0)) / layout.stride);
    return Math.abs(centre(group) - value) < 1e-6 ? (xLabels[group] ?? '') : '';
  };
  const plot = new uPlot(
    {
      width: Math.max(240, box.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: !bars } },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.7, max + 0.7] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        {
          splits: () => xLabels.map((_, g) => centre(g)),
          values: (u, splits) => {
            const perGroupPx = u.bbox.width / (globalThis.devicePixelRatio || 1) / Math.max(1, xLabels.length);
            if (bars) return splits.map((split) => fitLabel(labelAt(split), perGroupPx));
            const widest = Math.max(...xLabels.map((label) => label.length)) * 6.5 + 10;
            const every = Math.max(1, Math.ceil(widest / perGroupPx));
            return splits.map((split, i) => (i % every === 0 ? labelAt(split) : ''));
          },
          size: 36,
          font: AXIS_FONT,
          stroke: '#68737d',
          grid: { show: false },
          ticks: { show: false },
        },
        { values: (_u, splits) => splits.map(formatY), size: 52, font: AXIS_FONT, stroke: '#68737d', grid: { stroke: '#e9ebed' } },
      ],
      series: [
        {},
        ...series.map<uPlot.Series>((s) =>
          bars
            ? { label: s.label, stroke: s.color, fill: s.color, width: 0, paths: uPlot.paths.bars!({ size: [0.9, 48] }), points: { show: false } }
            : { label: s.label, stroke: s.color, width: 2, spanGaps: false, points: { show: true, size: 5, fill: s.color } },
        ),
      ],
    },
    [layout.x, ...layout.ys] as uPlot.AlignedData,
    box,
  );
  const handleClick = () => {
    const index = plot.cursor.idx;
    if (index === null || index === undefined) return;
    const value = layout.x[index];
    if (value !== undefined) select(Math.floor(value / layout.stride));
  };
  plot.over.addEventListener('click', handleClick);
  const observer = new ResizeObserver(() => {
    const next = Math.max(240, box.clientWidth);
    if (Math.abs(next - plot.width) > 1) plot.setSize({ width: next, height });
  });
  observer.observe(box);
  return () => {
    observer.disconnect();
    plot.over.removeEventListener('click', handleClick);
    plot.destroy();
  };
}
