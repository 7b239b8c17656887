import { useEffect, useRef, useState } from 'preact/hooks';

import { importChartRuntime, type ChartRuntime } from './chart-runtime';

let runtime: Promise<ChartRuntime> | null = null;

/**
 * Loads uPlot and its stylesheet once, on the first chart shown, so the feature's first paint (tiles, tables, text
 * alternatives) does not wait for it; a failed load is forgotten so the next chart tries again.
 */
export function loadUPlot(): Promise<ChartRuntime> {
  runtime ??= importChartRuntime().catch((error: unknown) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

/** One plotted series: its legend label, colour and values (null for a gap). */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

export interface UPlotChartProps {
  /** `bars`: grouped bars, one group per x label; `lines`: one line per series over the x labels. */
  readonly kind: 'bars' | 'lines';
  readonly xLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Formats a y value for the axis (e.g. a percentage). */
  readonly formatY: (value: number) => string;
  /** The chart's text alternative (a table beside it holds the same numbers). */
  readonly description: string;
  /** Called with the x label index of a clicked bar group or point. */
  readonly onSelect?: (index: number) => void;
  readonly height?: number;
  /** Said in place of the chart when uPlot cannot be loaded (the table beside it still holds the numbers). */
  readonly unavailable: string;
}

/**
 * A uPlot chart (bars through uPlot's own bars path builder, or lines) sized to its container's width and redrawn
 * on resize. The canvas is `aria-hidden`: the figure carries `description`, and the screen shows a table with the
 * same numbers beside each chart, whose buttons do what a click on a bar does. uPlot loads lazily (loadUPlot): the
 * figure is `aria-busy` until its canvas is drawn, and says `unavailable` if uPlot cannot be loaded.
 */
export function UPlotChart({ kind, xLabels, series, formatY, description, onSelect, height = 220, unavailable }: UPlotChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');

  useEffect(() => {
    const box = boxRef.current;
    if (box === null || xLabels.length === 0 || series.length === 0) return undefined;
    let dispose: (() => void) | null = null;
    let cancelled = false;
    setState('loading');
    loadUPlot().then(
      ({ drawChart }) => {
        if (cancelled) return;
        dispose = drawChart(box, { kind, xLabels, series, formatY, height }, (index) => selectRef.current?.(index));
        setState('ready');
      },
      (error: unknown) => {
        if (cancelled) return;
        console.error('callsight insights: the chart library did not load', error);
        setState('failed');
      },
    );
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [kind, xLabels, series, formatY, height]);

  return (
    <figure class="cs-chart" role="group" aria-label={description} aria-busy={state === 'loading' ? 'true' : undefined} data-chart={state}>
      <div class="cs-chart__canvas" ref={boxRef} aria-hidden="true" />
      {state === 'failed' ? <figcaption class="cs-chart__unavailable">{unavailable}</figcaption> : null}
    </figure>
  );
}
