import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createHubClient, type HubClient } from '../../core/api-client';
import type { HostBridge, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { formatClock, formatDateTime, translateAnalysisCode, translateError, translateFlag } from '../../core/i18n';
import { ClipPlayer, type SeekRequest } from '../my-calls/clip-player';
import { readSessionRole } from '../workspace/session-role';
import { createTrainingClient, type ClipFilters, type ClipRead, type ScorecardRead, type TaskRead, type TrainingClient } from './training.client';
import { trainingText, type TrainingKey } from './training.strings';

export interface TrainingProps {
  readonly bridge: HostBridge;
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
}

/** What every filter can offer: the values found on the library's clips. */
interface Facets {
  readonly demands: readonly string[];
  readonly inquiries: readonly string[];
  readonly criteria: readonly string[];
}

interface Loaded {
  readonly facets: Facets;
  readonly scorecard: ScorecardRead | null;
  /** Open tasks a coach may pin to; null when the reader's role does not coach. */
  readonly tasks: readonly TaskRead[] | null;
}

type Async<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly value: T };
type Translate = (key: TrainingKey, vars?: Record<string, string | number>) => string;

const FLAG_PREFIX = 'flag:';
const COACHING_ROLES = new Set(['manager', 'admin']);

/**
 * The training library (培训素材): clips that reviewers marked as good or bad examples, filtered by kind, customer
 * demand, inquiry type and scorecard criterion on the hub, each with its masked transcript excerpt and a player for
 * its time range (the hub's playback link, so audio plays only where the call may be played). Managers and admins
 * pin a clip to an open coaching task. The hub decides which clips the reader sees.
 */
export function Training({ bridge, fallbackLocale, client: injected }: TrainingProps) {
  const hub = useMemo(() => injected ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injected]);
  const api = useMemo(() => createTrainingClient(hub), [hub]);
  const [locale, setLocale] = useState<Locale>(fallbackLocale ?? resolveLocale(globalThis.navigator?.language));
  const [base, setBase] = useState<Async<Loaded>>({ status: 'loading' });
  const [filters, setFilters] = useState<ClipFilters>({});
  const [clips, setClips] = useState<Async<ClipRead[]>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const t: Translate = (key, vars) => trainingText(locale, key, vars);

  useEffect(() => {
    const element = rootRef.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => bridge.resize(Math.ceil(element.getBoundingClientRect().height)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [bridge]);

  useEffect(() => {
    let current = true;
    setBase({ status: 'loading' });
    bridge.context().then(
      (context) => current && setLocale(resolveLocale(context.locale)),
      // Without a host context the view keeps its fallback language; the hub calls below report real failures.
      () => undefined,
    );
    loadBase(api, bridge).then(
      (value) => current && setBase({ status: 'ready', value }),
      (error: unknown) => current && setBase({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, attempt]);

  useEffect(() => {
    if (base.status !== 'ready') return undefined;
    let current = true;
    setClips({ status: 'loading' });
    api.clips(filters).then(
      (value) => current && setClips({ status: 'ready', value }),
      (error: unknown) => current && setClips({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, base.status, filters.label, filters.demand, filters.inquiryType, filters.criterionId]);

  const scorecard = base.status === 'ready' ? base.value.scorecard : null;
  const criterionLabel = (id: string): string => {
    if (id.startsWith(FLAG_PREFIX)) return translateFlag(locale, id.slice(FLAG_PREFIX.length));
    for (const section of scorecard?.sections ?? []) {
      const criterion = section.criteria.find((c) => c.id === id);
      if (criterion) return locale === 'zh-cn' ? criterion.label.zh : criterion.label.en;
    }
    return id;
  };
  const demandLabel = (code: string): string => translateAnalysisCode(locale, 'demand', code);
  const setFilter = (key: keyof ClipFilters, value: string) => setFilters((previous) => ({ ...previous, [key]: value === '' ? undefined : value }));
  const filtered = Object.values(filters).some((value) => value !== undefined);

  return (
    <div class="cs-root cs-training" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <h2 class="cs-heading">{t('heading')}</h2>
      <p class="cs-training__intro">{t('intro')}</p>
      {base.status === 'loading' ? (
        <p class="cs-message" role="status">
          {t('loading')}
        </p>
      ) : null}
      {base.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>{t('failed')}</p>
          <p>{translateError(locale, base.code)}</p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {base.status === 'ready' ? (
        <>
          <fieldset class="cs-training__filters">
            <legend class="cs-visually-hidden">{t('filters')}</legend>
            <FilterSelect id="cs-training-label" label={t('filterLabel')} any={t('any')} value={filters.label ?? ''} onChange={(v) => setFilter('label', v)} options={[['good', t('good')], ['bad', t('bad')]]} />
            <FilterSelect id="cs-training-demand" label={t('filterDemand')} any={t('any')} value={filters.demand ?? ''} onChange={(v) => setFilter('demand', v)} options={base.value.facets.demands.map((d) => [d, demandLabel(d)])} />
            <FilterSelect id="cs-training-inquiry" label={t('filterInquiry')} any={t('any')} value={filters.inquiryType ?? ''} onChange={(v) => setFilter('inquiryType', v)} options={base.value.facets.inquiries.map((d) => [d, d])} />
            <FilterSelect id="cs-training-criterion" label={t('filterCriterion')} any={t('any')} value={filters.criterionId ?? ''} onChange={(v) => setFilter('criterionId', v)} options={base.value.facets.criteria.map((d) => [d, criterionLabel(d)])} />
          </fieldset>
          {clips.status === 'loading' ? (
            <p class="cs-message" role="status">
              {t('loading')}
            </p>
          ) : null}
          {clips.status === 'error' ? (
            <div class="cs-message cs-message--error" role="alert">
              <p>{t('failed')}</p>
              <p>{translateError(locale, clips.code)}</p>
            </div>
          ) : null}
          {clips.status === 'ready' ? (
            clips.value.length === 0 ? (
              <p class="cs-message">{filtered ? t('emptyFiltered') : t('empty')}</p>
            ) : (
              <>
                <p class="cs-training__count" role="status">
                  {t('count', { count: clips.value.length })}
                </p>
                <ul class="cs-training__list">
                  {clips.value.map((clip) => (
                    <li key={clip.id}>
                      <ClipCard clip={clip} api={api} hub={hub} locale={locale} t={t} tasks={base.value.tasks} criterionLabel={criterionLabel} demandLabel={demandLabel} />
                    </li>
                  ))}
                </ul>
              </>
            )
          ) : null}
        </>
      ) : null}
    </div>
  );
}

async function loadBase(api: TrainingClient, bridge: HostBridge): Promise<Loaded> {
  const session = await bridge.fetchToken();
  const role = readSessionRole(session.token);
  const [all, scorecard, tasks] = await Promise.all([
    api.clips({}),
    api.scorecard('default').catch((error: unknown) => {
      if (errorCode(error, 'INTERNAL') === 'NOT_FOUND') return null;
      throw error;
    }),
    role !== null && COACHING_ROLES.has(role) ? api.openTasks() : Promise.resolve(null),
  ]);
  const distinct = (values: ReadonlyArray<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].sort();
  return {
    facets: { demands: distinct(all.map((c) => c.demand)), inquiries: distinct(all.map((c) => c.inquiryType)), criteria: distinct(all.map((c) => c.criterionId)) },
    scorecard,
    tasks,
  };
}

interface FilterSelectProps {
  readonly id: string;
  readonly label: string;
  readonly any: string;
  readonly value: string;
  readonly options: ReadonlyArray<readonly [string, string]>;
  readonly onChange: (value: string) => void;
}

function FilterSelect({ id, label, any, value, options, onChange }: FilterSelectProps) {
  return (
    <div class="cs-training__filter">
      <label for={id}>{label}</label>
      <select id={id} class="cs-training__input" value={value} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value)}>
        <option value="">{any}</option>
        {options.map(([code, text]) => (
          <option key={code} value={code}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

interface ClipCardProps {
  readonly clip: ClipRead;
  readonly api: TrainingClient;
  readonly hub: HubClient;
  readonly locale: Locale;
  readonly t: Translate;
  readonly tasks: readonly TaskRead[] | null;
  readonly criterionLabel: (id: string) => string;
  readonly demandLabel: (code: string) => string;
}

function ClipCard({ clip, api, hub, locale, t, tasks, criterionLabel, demandLabel }: ClipCardProps) {
  const [seek, setSeek] = useState<SeekRequest | null>(null);
  const [taskId, setTaskId] = useState('');
  const [pinState, setPinState] = useState<{ readonly status: 'idle' | 'sending' } | { readonly status: 'done'; readonly created: boolean } | { readonly status: 'error'; readonly code: string }>({ status: 'idle' });
  const [pinnedTo, setPinnedTo] = useState<readonly string[]>(clip.taskIds);
  const headingId = `cs-clip-${clip.id}`;
  const range = { from: formatClock(clip.startS), to: formatClock(clip.endS) };

  async function handlePin(event: Event) {
    event.preventDefault();
    if (taskId === '') return;
    setPinState({ status: 'sending' });
    try {
      const pin = await api.pin(taskId, clip.id);
      setPinState({ status: 'done', created: pin.created });
      if (!pinnedTo.includes(taskId)) setPinnedTo([...pinnedTo, taskId]);
    } catch (error) {
      setPinState({ status: 'error', code: errorCode(error, 'INTERNAL') });
    }
  }

  return (
    <article class={`cs-training__clip cs-training__clip--${clip.label}`} aria-labelledby={headingId} data-clip-id={clip.id}>
      <header class="cs-training__clip-head">
        <h3 class="cs-training__clip-title" id={headingId}>
          <span class={`cs-badge cs-training__kind cs-training__kind--${clip.label}`}>{clip.label === 'good' ? t('good') : t('bad')}</span>{' '}
          {clip.criterionId !== null ? criterionLabel(clip.criterionId) : t('range', range)}
        </h3>
      </header>
      <p class="cs-training__tags">
        {clip.demand !== null ? <span class="cs-training__tag">{t('demand', { demand: demandLabel(clip.demand) })}</span> : null}
        {clip.inquiryType !== null ? <span class="cs-training__tag">{t('inquiry', { inquiry: clip.inquiryType })}</span> : null}
        <span class="cs-training__tag">{t('range', range)}</span>
      </p>
      {clip.note !== '' ? <p class="cs-training__note">{clip.note}</p> : null}
      {clip.excerpt.length === 0 ? (
        <p class="cs-message">{t('noExcerpt')}</p>
      ) : (
        <ol class="cs-training__excerpt" data-testid="excerpt">
          {clip.excerpt.map((line, index) => (
            <li key={index} class={`cs-training__line cs-training__line--${line.speaker}`}>
              <span class="cs-training__time">{formatClock(line.startS)}</span> {line.text}
            </li>
          ))}
        </ol>
      )}
      <p class="cs-training__meta">{t('markedBy', { by: clip.createdBy, date: formatDateTime(clip.createdAt, locale) })}</p>
      {seek === null ? (
        <button type="button" class="cs-button" data-action="play" onClick={() => setSeek({ startS: clip.startS, endS: clip.endS, nonce: Date.now() })}>
          {t('play', range)}
        </button>
      ) : (
        <ClipPlayer
          client={hub}
          callId={clip.callId}
          clip={{ id: clip.id, startS: clip.startS }}
          locale={locale}
          label={t('player')}
          preparing={t('preparingAudio')}
          seek={seek}
          refused={t('refused')}
        />
      )}
      {pinnedTo.length > 0 ? <p class="cs-training__meta">{pinnedTo.length === 1 ? t('pinnedOne') : t('pinnedCount', { count: pinnedTo.length })}</p> : null}
      {tasks !== null ? (
        tasks.length === 0 ? (
          <p class="cs-training__meta">{t('noTasks')}</p>
        ) : (
          <form class="cs-training__pin" onSubmit={handlePin}>
            <label for={`${headingId}-task`}>{t('pinTo')}</label>
            <div class="cs-training__pin-row">
              <select id={`${headingId}-task`} class="cs-training__input" value={taskId} onChange={(event) => setTaskId((event.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('pinChoose')}</option>
                {tasks.map((task) => (
                  <option key={task.id} value={task.id}>
                    {t('taskOption', { agent: task.agentId, about: task.criterionIds.map(criterionLabel).join(', ') })}
                  </option>
                ))}
              </select>
              <button type="submit" class="cs-button" disabled={taskId === '' || pinState.status === 'sending'}>
                {t('pin')}
              </button>
            </div>
            {pinState.status === 'done' ? (
              <p class="cs-message" role="status" data-testid="pin-result">
                {pinState.created ? t('pinned') : t('pinnedAlready')}
              </p>
            ) : null}
            {pinState.status === 'error' ? (
              <p class="cs-message cs-message--error" role="alert">
                {translateError(locale, pinState.code)}
              </p>
            ) : null}
          </form>
        )
      ) : null}
    </article>
  );
}
