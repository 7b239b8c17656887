import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createHubClient, type HubClient } from '../../core/api-client';
import type { CallView } from '../../core/api-types';
import type { HostBridge, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateAnalysisCode, translateError, translateFlag } from '../../core/i18n';
import type { CallEvaluationsRead, DemandCategories } from '../../../core/api/insights-views.api';
import { downloadCsv, toCsv } from './insights.csv';
import { createInsightsClient, type InsightsClient, type InstantRange, type KpiReportRead, type KpiRowRead, type SegmentRead } from './insights.client';
import { agentNames, callsOfGroup, callsOfSegment, chartedItems, demandWeeks, intervalOf, rowFigures, weeksEndingAt, type Ratio, type SegmentPick } from './insights-model';
import { insightsText, type InsightsKey } from './insights.strings';
import { UPlotChart, type ChartSeries } from './uplot-chart';

export interface InsightsProps {
  readonly bridge: HostBridge;
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
  /** Injected for tests; defaults to the current time. */
  readonly now?: () => Date;
}

interface Loaded {
  readonly range: InstantRange;
  readonly weeks: readonly InstantRange[];
  readonly overall: KpiReportRead;
  readonly weekly: readonly KpiReportRead[];
  readonly agents: KpiReportRead;
  readonly teams: KpiReportRead;
  readonly tags: readonly string[];
  readonly demands: DemandCategories;
  readonly calls: readonly CallView[];
  readonly truncated: boolean;
}

type LoadState = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly data: Loaded };

/** What the drill-down panel lists, and under which title. */
interface Drill {
  readonly title: string;
  readonly calls: readonly CallView[];
}

const COLORS = ['#1f73b7', '#ed8f1c', '#038153', '#cc3340', '#6a27b8', '#5293c7'];
const HIGH_VALUE_TAGS = ['high-value', 'high_value', '高价值', 'vip'];

const percent = (rate: number | null | undefined, digits = 0): string => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`);
const day = (iso: string): string => iso.slice(0, 10);
const formatPercentAxis = (value: number): string => `${Math.round(value * 100)}%`;
const formatCountAxis = (value: number): string => (Number.isInteger(value) ? String(value) : '');

/**
 * The manager's insights (Zendesk nav bar, Salesforce app page): KPI tiles against the targets with 95% intervals,
 * a weekly trend, a customer tag's demands and flags against everyone else's with lift and significance, demand
 * trends, and agents and teams; every bar and row opens its calls, and every table exports as CSV. All numbers come
 * from the hub (`/api/v1/kpis`, `/insights/segments`, `/insights/demands`, `/calls`); the hub decides what the reader
 * may see, and other roles get its refusal.
 */
export function Insights({ bridge, fallbackLocale, client: injected, now = () => new Date() }: InsightsProps) {
  const hub = useMemo(() => injected ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injected]);
  const api = useMemo(() => createInsightsClient(hub), [hub]);
  const [locale, setLocale] = useState<Locale>(fallbackLocale ?? resolveLocale(globalThis.navigator?.language));
  const [weeksShown, setWeeksShown] = useState(12);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const [drill, setDrill] = useState<Drill | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);

  useEffect(() => {
    const element = rootRef.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => bridge.resize(Math.ceil(element.getBoundingClientRect().height)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [bridge]);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    setDrill(null);
    bridge
      .context()
      .then(async (context) => {
        if (current) setLocale(context.locale);
        const data = await loadInsights(api, now(), weeksShown);
        if (current) setState({ status: 'ready', data });
      })
      .catch((error: unknown) => {
        if (current) setState({ status: 'error', code: errorCode(error, 'HOST_UNAVAILABLE') });
      });
    return () => {
      current = false;
    };
  }, [bridge, api, weeksShown, attempt]);

  return (
    <div class="cs-root cs-insights" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <div class="cs-insights__bar">
        <h1 class="cs-heading cs-insights__title">{t('heading')}</h1>
        <label class="cs-insights__range">
          {t('range')}
          <select value={String(weeksShown)} onChange={(event) => setWeeksShown(Number(event.currentTarget.value))}>
            <option value="4">{t('weeks4')}</option>
            <option value="12">{t('weeks12')}</option>
          </select>
        </label>
      </div>
      {state.status === 'loading' ? (
        <p class="cs-message" role="status" aria-live="polite">
          {t('loading')}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>
            {t('failed')}
            {locale === 'zh-cn' ? '' : ' '}
            {translateError(locale, state.code)}
          </p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {state.status === 'ready' && (state.data.overall.rows[0]?.calls ?? 0) === 0 ? <p class="cs-message">{t('noCalls')}</p> : null}
      {state.status === 'ready' && (state.data.overall.rows[0]?.calls ?? 0) > 0 ? (
        <InsightsBody data={state.data} api={api} locale={locale} onDrill={setDrill} />
      ) : null}
      {drill !== null && state.status === 'ready' ? (
        <DrillDown drill={drill} api={api} locale={locale} truncated={state.data.truncated} indexed={state.data.calls.length} onClose={() => setDrill(null)} />
      ) : null}
    </div>
  );
}

async function loadInsights(api: InsightsClient, now: Date, weeks: number): Promise<Loaded> {
  const period = weeksEndingAt(now, weeks);
  const [overall, weekly, agents, teams, tagRows, demands, index] = await Promise.all([
    api.kpis('all', period.range),
    Promise.all(period.weeks.map((week) => api.kpis('all', week))),
    api.kpis('agent', period.range),
    api.kpis('team', period.range),
    api.kpis('tag', period.range),
    api.demands(period.range),
    api.callsIn(period.range),
  ]);
  const tags = tagRows.rows
    .filter((row) => row.group !== '(untagged)' && row.calls > 0)
    .sort((a, b) => b.calls - a.calls || a.group.localeCompare(b.group))
    .map((row) => row.group);
  return { range: period.range, weeks: period.weeks, overall, weekly, agents, teams, tags, demands, calls: index.calls, truncated: index.truncated };
}

interface BodyProps {
  readonly data: Loaded;
  readonly api: InsightsClient;
  readonly locale: Locale;
  readonly onDrill: (drill: Drill) => void;
}

function InsightsBody({ data, api, locale, onDrill }: BodyProps) {
  return (
    <>
      <KpiTiles data={data} locale={locale} />
      <WeeklyTrend data={data} locale={locale} />
      <SegmentSection data={data} api={api} locale={locale} onDrill={onDrill} />
      <DemandTrends data={data} locale={locale} onDrill={onDrill} />
      <MinedDemands data={data} locale={locale} onDrill={onDrill} />
      <PeopleSection data={data} locale={locale} onDrill={onDrill} />
    </>
  );
}

interface Tile {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly detail?: string;
  readonly target: string;
  readonly interval: { low: number; high: number } | null;
  readonly met: boolean | null;
  /** Shown instead of on/below target when the interval does not decide it. */
  readonly note?: string;
}

function ratioTile(id: string, label: string, ratio: Ratio, target: string, meets: (rate: number) => boolean): Tile {
  return { id, label, value: percent(ratio.rate, 1), target, interval: intervalOf(ratio), met: ratio.rate === null ? null : meets(ratio.rate) };
}

function KpiTiles({ data, locale }: { data: Loaded; locale: Locale }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const row = data.overall.rows[0]!;
  const correlation = row.scoreCsat as { n: number; rho?: number | null; ci?: { lower: number; upper: number } | null; pValue?: number | null };
  const emotion = (row as { emotionHandling?: Ratio }).emotionHandling;
  const callShare = { numerator: row.sensitiveWords.callsWithHits, denominator: row.calls, rate: row.calls > 0 ? row.sensitiveWords.callsWithHits / row.calls : null };
  const tiles: Tile[] = [
    ratioTile('recording', t('kpiRecording'), row.recordingCompleteness, '100%', (r) => r >= 1),
    ratioTile('script', t('kpiScript'), row.requiredScriptRate, '100%', (r) => r >= 1),
    {
      id: 'sensitive',
      label: t('kpiSensitive'),
      value: String(row.sensitiveWords.hits),
      detail: t('kpiSensitiveValue', { hits: row.sensitiveWords.hits, calls: row.calls }),
      target: '0',
      interval: intervalOf(callShare),
      met: row.sensitiveWords.hits === 0,
    },
    { ...ratioTile('duration', t('kpiDuration'), row.durationInBand, '3–8 min', () => true), met: null },
    ratioTile('interruption', t('kpiInterruption'), row.interruptionRate, '≤ 20%', (r) => r <= 0.2),
    ratioTile('fcr', t('kpiFcr'), row.firstContactResolution, '≥ 70%', (r) => r >= 0.7),
    {
      id: 'correlation',
      label: t('kpiCorrelation'),
      value: correlation.rho === null || correlation.rho === undefined ? '—' : correlation.rho.toFixed(2),
      detail: t('kpiCorrelationNote', { n: correlation.n }),
      target: t('targetPositive'),
      interval: correlation.ci ? { low: correlation.ci.lower, high: correlation.ci.upper } : null,
      met: correlation.ci ? (correlation.ci.lower > 0 ? true : correlation.ci.upper < 0 ? false : null) : null,
      ...(correlation.ci && correlation.ci.lower <= 0 && correlation.ci.upper >= 0 ? { note: t('inconclusive') } : {}),
    },
    ...(emotion && emotion.denominator > 0 ? [{ ...ratioTile('emotion', t('kpiEmotion'), emotion, '—', () => true), met: null }] : []),
  ];
  const formatBound = (id: string, value: number) => (id === 'correlation' ? value.toFixed(2) : percent(value, 1));
  return (
    <section class="cs-insights__section" aria-labelledby="cs-kpis-heading">
      <h2 class="cs-subheading" id="cs-kpis-heading">
        {t('kpisHeading')}
      </h2>
      <p class="cs-insights__note">{t('kpiCalls', { calls: row.calls, from: day(data.range.from), to: day(new Date(Date.parse(data.range.to) - 1).toISOString()) })}</p>
      <ul class="cs-tiles">
        {tiles.map((tile) => (
          <li key={tile.id} class={`cs-tile${tile.met === false ? ' cs-tile--missed' : tile.met === true ? ' cs-tile--met' : ''}`} data-kpi={tile.id}>
            <span class="cs-tile__label">{tile.label}</span>
            <span class="cs-tile__value">{tile.value}</span>
            {tile.detail ? <span class="cs-tile__detail">{tile.detail}</span> : null}
            <span class="cs-tile__detail">{t('target', { target: tile.target })}</span>
            <span class="cs-tile__detail">{tile.interval ? t('ci', { low: formatBound(tile.id, tile.interval.low), high: formatBound(tile.id, tile.interval.high) }) : t('noData')}</span>
            {tile.met !== null ? <span class="cs-tile__status">{tile.met ? t('met') : t('missed')}</span> : null}
            {tile.met === null && tile.note ? <span class="cs-tile__status cs-tile__status--open">{tile.note}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function CsvButton({ locale, fileName, header, rows }: { locale: Locale; fileName: string; header: string[]; rows: (string | number | null)[][] }) {
  return (
    <button type="button" class="cs-button cs-button--small" onClick={() => downloadCsv(fileName, toCsv(header, rows))} data-csv={fileName}>
      {insightsText(locale, 'exportCsv')}
    </button>
  );
}

function WeeklyTrend({ data, locale }: { data: Loaded; locale: Locale }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const labels = useMemo(() => data.weeks.map((week) => day(week.from).slice(5)), [data]);
  const rows = data.weekly.map((report) => report.rows[0] ?? null);
  const metrics: { key: InsightsKey; pick: (row: KpiRowRead) => number | null }[] = [
    { key: 'kpiScript', pick: (row) => row.requiredScriptRate.rate },
    { key: 'kpiDuration', pick: (row) => row.durationInBand.rate },
    { key: 'kpiInterruption', pick: (row) => row.interruptionRate.rate },
    { key: 'kpiFcr', pick: (row) => row.firstContactResolution.rate },
  ];
  const series: ChartSeries[] = useMemo(
    () => metrics.map((metric, i) => ({ label: t(metric.key), color: COLORS[i]!, values: rows.map((row) => (row === null ? null : metric.pick(row))) })),
    [data, locale],
  );
  const header = [t('week'), t('calls'), ...metrics.map((m) => t(m.key))];
  const table = data.weeks.map((week, i) => {
    const row = rows[i] ?? null;
    return [day(week.from), row?.calls ?? 0, ...metrics.map((m) => (row === null ? null : percent(m.pick(row), 1)))];
  });
  return (
    <section class="cs-insights__section" aria-labelledby="cs-trend-heading">
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-trend-heading">
          {t('trendHeading')}
        </h2>
        <CsvButton locale={locale} fileName="callsight-weekly-kpis.csv" header={header} rows={table} />
      </div>
      <UPlotChart kind="lines" xLabels={labels} series={series} formatY={formatPercentAxis} description={t('trendCaption')} unavailable={t('chartUnavailable')} />
      <DataTable caption={t('trendHeading')} header={header} rows={table} testId="trend-table" />
    </section>
  );
}

function DataTable({ caption, header, rows, testId }: { caption: string; header: string[]; rows: (string | number | null)[][]; testId: string }) {
  return (
    <div class="cs-table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="cs-table" data-testid={testId}>
        <thead>
          <tr>
            {header.map((cell) => (
              <th key={cell} scope="col">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (j === 0 ? <th key={j} scope="row">{cell ?? '—'}</th> : <td key={j}>{cell ?? '—'}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type SegmentState = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly segment: SegmentRead };

function SegmentSection({ data, api, locale, onDrill }: BodyProps) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const [tag, setTag] = useState(() => data.tags.find((candidate) => HIGH_VALUE_TAGS.includes(candidate.toLowerCase())) ?? data.tags[0] ?? '');
  const [state, setState] = useState<SegmentState>({ status: 'loading' });
  useEffect(() => {
    if (tag === '') return undefined;
    let current = true;
    setState({ status: 'loading' });
    api.segments(tag, data.range).then(
      (segment) => current && setState({ status: 'ready', segment }),
      (error: unknown) => current && setState({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, data, tag]);

  const itemLabel = (item: { kind: 'demand' | 'flag'; key: string }) => (item.kind === 'flag' ? translateFlag(locale, item.key) : translateAnalysisCode(locale, 'demand', item.key));
  const open = (pick: SegmentPick) => {
    const title = `${itemLabel(pick)} · ${pick.side === 'tagged' ? pick.tag : t('rest')}`;
    onDrill({ title, calls: callsOfSegment(data.calls, data.demands, pick) });
  };
  const items = state.status === 'ready' ? chartedItems(state.segment) : [];
  const labels = useMemo(() => items.map(itemLabel), [state, locale]);
  const series: ChartSeries[] = useMemo(
    () => [
      { label: tag, color: COLORS[0]!, values: items.map((item) => item.tagged.share) },
      { label: t('rest'), color: '#87929d', values: items.map((item) => item.rest.share) },
    ],
    [state, locale],
  );
  const header = [t('item'), t('kindDemand') + ' / ' + t('kindFlag'), t('tagged'), t('rest'), t('lift'), t('pValue'), t('significant')];
  const csvRows = items.map((item) => [
    itemLabel(item),
    item.kind === 'demand' ? t('kindDemand') : t('kindFlag'),
    `${item.tagged.count} (${percent(item.tagged.share, 1)})`,
    `${item.rest.count} (${percent(item.rest.share, 1)})`,
    item.lift === null ? null : item.lift.toFixed(2),
    item.pValue === null ? null : item.pValue.toPrecision(2),
    item.significant ? t('yes') : t('no'),
  ]);
  return (
    <section class="cs-insights__section" aria-labelledby="cs-segment-heading">
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-segment-heading">
          {t('segmentHeading')}
        </h2>
        {items.length > 0 ? <CsvButton locale={locale} fileName={`callsight-segment-${tag}.csv`} header={header} rows={csvRows} /> : null}
      </div>
      {data.tags.length === 0 ? <p class="cs-message">{t('noTags')}</p> : null}
      {data.tags.length > 0 ? (
        <label class="cs-insights__range">
          {t('segmentTag')}
          <select value={tag} onChange={(event) => setTag(event.currentTarget.value)} data-testid="segment-tag">
            {data.tags.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {state.status === 'loading' && data.tags.length > 0 ? (
        <p class="cs-message" role="status">
          {t('loading')}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <p class="cs-message cs-message--error" role="alert">
          {translateError(locale, state.code)}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <>
          <p class="cs-insights__note" data-testid="segment-summary">
            {t('segmentSummary', { tag, tagged: state.segment.taggedCalls, rest: state.segment.restCalls })}
          </p>
          {state.segment.score.taggedMean !== null && state.segment.score.restMean !== null ? (
            <p class="cs-insights__note">
              {t('scoreDiff', {
                tagged: state.segment.score.taggedMean.toFixed(1),
                rest: state.segment.score.restMean.toFixed(1),
                sig: state.segment.score.significant ? t('scoreSig') : '',
              })}
            </p>
          ) : null}
          {items.length === 0 ? <p class="cs-message">{t('segmentEmpty')}</p> : null}
          {items.length > 0 ? (
            <>
              <UPlotChart
                kind="bars"
                xLabels={labels}
                series={series}
                formatY={formatPercentAxis}
                description={t('segmentChart', { tag })}
                unavailable={t('chartUnavailable')}
                onSelect={(index) => {
                  const item = items[index];
                  if (item) open({ tag, kind: item.kind, key: item.key, side: 'tagged' });
                }}
                height={240}
              />
              <div class="cs-table-wrap" tabIndex={0} role="region" aria-label={t('segmentChart', { tag })}>
                <table class="cs-table" data-testid="segment-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('item')}</th>
                      <th scope="col">{t('tagged')}</th>
                      <th scope="col">{t('rest')}</th>
                      <th scope="col">{t('lift')}</th>
                      <th scope="col">{t('pValue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <tr key={`${item.kind}:${item.key}`} data-item={`${item.kind}:${item.key}`} class={item.significant ? 'cs-row--significant' : ''}>
                        <th scope="row">
                          {itemLabel(item)}
                          <span class="cs-badge">{item.kind === 'demand' ? t('kindDemand') : t('kindFlag')}</span>
                          {item.significant ? <span class="cs-badge cs-badge--strong">{t('significant')}</span> : null}
                        </th>
                        <td>
                          <button type="button" class="cs-link" data-side="tagged" onClick={() => open({ tag, kind: item.kind, key: item.key, side: 'tagged' })}>
                            {item.tagged.count} ({percent(item.tagged.share, 1)})<span class="cs-visually-hidden"> {t('showTagged')}</span>
                          </button>
                        </td>
                        <td>
                          <button type="button" class="cs-link" data-side="rest" onClick={() => open({ tag, kind: item.kind, key: item.key, side: 'rest' })}>
                            {item.rest.count} ({percent(item.rest.share, 1)})<span class="cs-visually-hidden"> {t('showRest')}</span>
                          </button>
                        </td>
                        <td>{item.lift === null ? '—' : `×${item.lift.toFixed(2)}`}</td>
                        <td>{item.pValue === null ? '—' : item.pValue < 0.001 ? '<0.001' : item.pValue.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function DemandTrends({ data, locale, onDrill }: { data: Loaded; locale: Locale; onDrill: (drill: Drill) => void }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const rows = useMemo(() => demandWeeks(data.calls, data.demands, data.weeks), [data]);
  const labels = useMemo(() => data.weeks.map((week) => day(week.from).slice(5)), [data]);
  const label = (id: string, fallback: string) => {
    const translated = translateAnalysisCode(locale, 'demand', id);
    return translated === id ? fallback : translated;
  };
  const series: ChartSeries[] = useMemo(
    () => rows.slice(0, 5).map((row, i) => ({ label: label(row.id, row.label), color: COLORS[i]!, values: row.perWeek })),
    [rows, locale],
  );
  const header = [t('demand'), ...data.weeks.map((week) => day(week.from)), t('total')];
  const table = rows.map((row) => [label(row.id, row.label), ...row.perWeek, row.total]);
  const open = (id: string, title: string) => {
    const ids = new Set(data.demands.categories.find((c) => c.id === id)?.callIds ?? []);
    onDrill({ title, calls: data.calls.filter((call) => ids.has(call.id)) });
  };
  return (
    <section class="cs-insights__section" aria-labelledby="cs-demands-heading">
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-demands-heading">
          {t('demandsHeading')}
        </h2>
        {rows.length > 0 ? <CsvButton locale={locale} fileName="callsight-demand-trends.csv" header={header} rows={table} /> : null}
      </div>
      {rows.length === 0 ? <p class="cs-message">{t('demandsEmpty')}</p> : null}
      {rows.length > 0 ? (
        <>
          <UPlotChart kind="lines" xLabels={labels} series={series} formatY={formatCountAxis} description={t('demandsCaption')} unavailable={t('chartUnavailable')} />
          <div class="cs-table-wrap" tabIndex={0} role="region" aria-label={t('demandsHeading')}>
            <table class="cs-table" data-testid="demand-table">
              <thead>
                <tr>
                  <th scope="col">{t('demand')}</th>
                  {labels.map((week, i) => (
                    <th key={i} scope="col">
                      {week}
                    </th>
                  ))}
                  <th scope="col">{t('total')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id} data-demand={row.id}>
                    <th scope="row">{label(row.id, row.label)}</th>
                    {row.perWeek.map((count, i) => (
                      <td key={i}>{count}</td>
                    ))}
                    <td>
                      <button type="button" class="cs-link" onClick={() => open(row.id, label(row.id, row.label))}>
                        {row.total}
                        <span class="cs-visually-hidden"> {t('open')}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

/**
 * The demands mined from the customers' own words (the hub's demand mining: phrases, paraphrases merged), strongest
 * first, each with its call count, one thing a customer said, and an "emerging" mark when its share of calls this
 * week is at least twice last week's; each opens its calls.
 */
function MinedDemands({ data, locale, onDrill }: { data: Loaded; locale: Locale; onDrill: (drill: Drill) => void }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const mined = data.demands.demands;
  if (mined === undefined) return null;
  const emerging = new Map((data.demands.emerging ?? []).map((item) => [item.id, item] as const));
  const open = (title: string, callIds: readonly string[]) => {
    const ids = new Set(callIds);
    onDrill({ title, calls: data.calls.filter((call) => ids.has(call.id)) });
  };
  return (
    <section class="cs-insights__section" aria-labelledby="cs-mined-heading" data-testid="mined-demands">
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-mined-heading">
          {t('minedHeading')}
        </h2>
        {mined.length > 0 ? (
          <CsvButton
            locale={locale}
            fileName="callsight-mined-demands.csv"
            header={[t('demand'), t('total'), t('emerging')]}
            rows={mined.map((item) => [item.label, item.calls, emerging.has(item.id) ? t('yes') : t('no')])}
          />
        ) : null}
      </div>
      <p class="cs-muted">{t('minedCaption')}</p>
      {mined.length === 0 ? <p class="cs-message">{t('minedEmpty')}</p> : null}
      {mined.length > 0 ? (
        <ol class="cs-mined">
          {mined.map((item) => {
            const rising = emerging.get(item.id);
            const example = item.examples[0];
            return (
              <li key={item.id} class="cs-mined__item" data-demand={item.id}>
                <div class="cs-mined__head">
                  <span class="cs-mined__label">{item.label}</span>
                  {rising ? (
                    <span class="cs-badge cs-badge--emerging" title={t('emergingDetail', { thisWeek: rising.thisWeek, lastWeek: rising.lastWeek })}>
                      {t('emerging')} ×{rising.growth.toFixed(1)}
                    </span>
                  ) : null}
                  <button type="button" class="cs-link cs-mined__calls" onClick={() => open(item.label, item.callIds)}>
                    {t('minedCalls', { count: item.calls })}
                    <span class="cs-visually-hidden"> {t('open')}</span>
                  </button>
                </div>
                {rising ? <p class="cs-muted cs-mined__detail">{t('emergingDetail', { thisWeek: rising.thisWeek, lastWeek: rising.lastWeek })}</p> : null}
                {example ? (
                  <blockquote class="cs-mined__example">
                    <span class="cs-visually-hidden">{t('example')}: </span>“{example.text}”
                  </blockquote>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}

function PeopleSection({ data, locale, onDrill }: { data: Loaded; locale: Locale; onDrill: (drill: Drill) => void }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const [by, setBy] = useState<'agent' | 'team'>('agent');
  const names = useMemo(() => agentNames(data.calls), [data]);
  const report = by === 'agent' ? data.agents : data.teams;
  const rows = [...report.rows].sort((a, b) => b.calls - a.calls || a.group.localeCompare(b.group));
  const nameOf = (group: string) => (group === '(none)' ? t('unassigned') : by === 'agent' ? (names.get(group) ?? group) : group);
  const header = [by === 'agent' ? t('agent') : t('team'), t('calls'), t('scriptRate'), t('sensitive'), t('durationInBand'), t('interruption'), t('fcr'), t('avgScore')];
  const table = rows.map((row) => {
    const f = rowFigures(row);
    return [nameOf(row.group), f.calls, percent(f.script, 1), f.sensitive, percent(f.duration, 1), percent(f.interruption, 1), percent(f.fcr, 1), f.score === null ? null : f.score.toFixed(1)];
  });
  return (
    <section class="cs-insights__section" aria-labelledby="cs-people-heading">
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-people-heading">
          {t('peopleHeading')}
        </h2>
        <CsvButton locale={locale} fileName={`callsight-${by}s.csv`} header={header} rows={table} />
      </div>
      <div class="cs-segmented" role="group" aria-label={t('peopleHeading')}>
        {(['agent', 'team'] as const).map((option) => (
          <button key={option} type="button" class="cs-segmented__option" aria-pressed={by === option} onClick={() => setBy(option)}>
            {option === 'agent' ? t('agents') : t('teams')}
          </button>
        ))}
      </div>
      <div class="cs-table-wrap" tabIndex={0} role="region" aria-label={t('peopleHeading')}>
        <table class="cs-table" data-testid="people-table">
          <thead>
            <tr>
              {header.map((cell) => (
                <th key={cell} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={row.group} data-group={row.group}>
                <th scope="row">
                  <button type="button" class="cs-link" onClick={() => onDrill({ title: nameOf(row.group), calls: callsOfGroup(data.calls, by, row.group) })}>
                    {nameOf(row.group)}
                    <span class="cs-visually-hidden"> {t('open')}</span>
                  </button>
                </th>
                {table[i]!.slice(1).map((cell, j) => (
                  <td key={j}>{cell ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface DrillProps {
  readonly drill: Drill;
  readonly api: InsightsClient;
  readonly locale: Locale;
  readonly truncated: boolean;
  readonly indexed: number;
  readonly onClose: () => void;
}

function DrillDown({ drill, api, locale, truncated, indexed, onClose }: DrillProps) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
    headingRef.current?.scrollIntoView?.({ block: 'start' });
  }, [drill]);
  const header = [t('started'), t('agent'), t('team'), t('duration'), t('tags'), t('flags')];
  const duration = (s: number) => t('minutes', { m: Math.floor(s / 60), s: Math.round(s % 60) });
  const rows = drill.calls.map((call) => [
    call.startedAt.slice(0, 16).replace('T', ' '),
    call.agentName ?? call.agentId ?? '—',
    call.team ?? '—',
    duration(call.durationS),
    call.tags.join(' '),
    (call.flags ?? []).map((flag) => translateFlag(locale, flag)).join(', '),
  ]);
  return (
    <section class="cs-insights__section cs-drill" aria-labelledby="cs-drill-heading" data-testid="drill-down" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <div class="cs-insights__section-head">
        <h2 class="cs-subheading" id="cs-drill-heading" tabIndex={-1} ref={headingRef}>
          {t('drillHeading', { title: drill.title })}
        </h2>
        <CsvButton locale={locale} fileName="callsight-calls.csv" header={header} rows={rows} />
        <button type="button" class="cs-button cs-button--small" onClick={onClose}>
          {t('close')}
        </button>
      </div>
      <p class="cs-insights__note" data-testid="drill-count">
        {t('drillCount', { count: drill.calls.length })}
      </p>
      {truncated ? <p class="cs-message">{t('drillTruncated', { count: indexed })}</p> : null}
      {drill.calls.length === 0 ? <p class="cs-message">{t('drillEmpty')}</p> : null}
      <ul class="cs-drill__list">
        {drill.calls.map((call, i) => (
          <DrillCall key={call.id} call={call} cells={rows[i]!} api={api} locale={locale} />
        ))}
      </ul>
    </section>
  );
}

type EvaluationState = { readonly status: 'closed' } | { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly data: CallEvaluationsRead };

function DrillCall({ call, cells, api, locale }: { call: CallView; cells: (string | number | null)[]; api: InsightsClient; locale: Locale }) {
  const t = (key: InsightsKey, vars?: Record<string, string | number>) => insightsText(locale, key, vars);
  const [evaluations, setEvaluations] = useState<EvaluationState>({ status: 'closed' });
  const toggle = () => {
    if (evaluations.status !== 'closed') {
      setEvaluations({ status: 'closed' });
      return;
    }
    setEvaluations({ status: 'loading' });
    api.evaluations(call.id).then(
      (data) => setEvaluations({ status: 'ready', data }),
      (error: unknown) => setEvaluations({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
  };
  return (
    <li class="cs-drill__call" data-call-id={call.id}>
      <div class="cs-drill__line">
        <span class="cs-drill__when">{cells[0]}</span>
        <span>{cells[1]}</span>
        <span class="cs-drill__muted">{cells[3]}</span>
        <button type="button" class="cs-link" aria-expanded={evaluations.status !== 'closed'} onClick={toggle}>
          {t('showEvaluations')}
        </button>
      </div>
      {call.tags.length > 0 || (call.flags ?? []).length > 0 ? (
        <div class="cs-drill__chips">
          {call.tags.map((tag) => (
            <span key={`t:${tag}`} class="cs-badge">
              {tag}
            </span>
          ))}
          {(call.flags ?? []).map((flag) => (
            <span key={`f:${flag}`} class="cs-badge cs-badge--flag">
              {translateFlag(locale, flag)}
            </span>
          ))}
        </div>
      ) : null}
      {evaluations.status === 'loading' ? <p class="cs-message">{t('evaluationsLoading')}</p> : null}
      {evaluations.status === 'error' ? <p class="cs-message cs-message--error">{translateError(locale, evaluations.code)}</p> : null}
      {evaluations.status === 'ready' ? (
        <div class="cs-drill__evaluations" data-testid="evaluations">
          {evaluations.data.blind ? <p class="cs-message">{t('evaluationsBlind')}</p> : null}
          {evaluations.data.items.length === 0 && !evaluations.data.blind ? <p class="cs-message">{t('evaluationsNone')}</p> : null}
          <ul>
            {evaluations.data.items.map((item) => (
              <li key={item.id}>
                {t('evaluationLine', { total: item.score.total === null ? '—' : item.score.total.toFixed(1), reviewer: item.reviewerId, date: day(item.createdAt) })}
                {item.score.criticalFailed ? <span class="cs-badge cs-badge--flag">{t('critical')}</span> : null}
                {!item.effective ? <span class="cs-badge">{t('superseded')}</span> : null}
                {item.disputes.map((dispute) => (
                  <span key={dispute.id} class="cs-badge">
                    {t('disputed', { status: dispute.status })}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}
