import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createHubClient, type HubClient } from '../../core/api-client';
import type { CallView } from '../../core/api-types';
import type { HostBridge, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { formatClock, formatDateTime, formatDurationWords, translateError, translateFlag } from '../../core/i18n';
import { ClipPlayer, type SeekRequest } from './clip-player';
import {
  createMyCallsClient,
  type CallEvaluations,
  type ClipListRead,
  type CoachingOutcomeRead,
  type CoachingTaskRead,
  type EvaluationRead,
  type MyCallsClient,
  type ScorecardRead,
} from './my-calls.client';
import { myCallsText, type MyCallsKey } from './my-calls.strings';

export interface MyCallsProps {
  readonly bridge: HostBridge;
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
}

interface Loaded {
  readonly calls: readonly CallView[];
  readonly scores: ReadonlyMap<string, number | null>;
  readonly tasks: readonly CoachingTaskRead[] | { readonly error: string };
  readonly scorecard: ScorecardRead | null;
}

type LoadState = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly data: Loaded };
type Translate = (key: MyCallsKey, vars?: Record<string, string | number>) => string;

/** What the player plays: a call, and where to go in it. */
interface Playing {
  readonly callId: string;
  /** A pinned library clip plays through its own link (a colleague's call included). */
  readonly clip?: { readonly id: string; readonly startS: number };
  readonly seek: SeekRequest | null;
}

const DEFAULT_SCORECARD = 'default';
const FLAG_PREFIX = 'flag:';
const pct = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

/**
 * The agent's own view ("my calls"): coaching tasks with their clips, pinned library examples and advice to
 * acknowledge, the before/after result once the follow-up is scored, the agent's recent calls with their scores,
 * and each call's evaluations with the evidence clips (seeking the player) and a dispute form. Every figure comes
 * from the hub, which narrows an agent to their own calls, evaluations and tasks.
 */
export function MyCalls({ bridge, fallbackLocale, client: injected }: MyCallsProps) {
  const hub = useMemo(() => injected ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injected]);
  const api = useMemo(() => createMyCallsClient(hub), [hub]);
  const [locale, setLocale] = useState<Locale>(fallbackLocale ?? resolveLocale(globalThis.navigator?.language));
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const t: Translate = (key, vars) => myCallsText(locale, key, vars);

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
    bridge.context().then(
      (context) => current && setLocale(resolveLocale(context.locale)),
      // Without a host context the view keeps its fallback language; the hub calls below report real failures.
      () => undefined,
    );
    loadAll(api).then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, attempt]);

  const criterionLabel = (id: string): string => {
    if (id.startsWith(FLAG_PREFIX)) return translateFlag(locale, id.slice(FLAG_PREFIX.length));
    const scorecard = state.status === 'ready' ? state.data.scorecard : null;
    for (const section of scorecard?.sections ?? []) {
      const criterion = section.criteria.find((c) => c.id === id);
      if (criterion) return locale === 'zh-cn' ? criterion.label.zh : criterion.label.en;
    }
    return id;
  };

  return (
    <div class="cs-root cs-mycalls" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <h2 class="cs-heading">{t('heading')}</h2>
      {state.status === 'loading' ? (
        <p class="cs-message" role="status">
          {t('loading')}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>{t('failed')}</p>
          <p>{translateError(locale, state.code)}</p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {state.status === 'ready' ? (
        <div class="cs-mycalls__layout">
          <section class="cs-mycalls__coaching" aria-labelledby="cs-mycalls-coaching">
            <h3 class="cs-subheading" id="cs-mycalls-coaching">
              {t('coachingHeading')}
            </h3>
            {'error' in state.data.tasks ? (
              <p class="cs-message cs-message--error" role="alert">
                {t('coachingFailed')} {translateError(locale, state.data.tasks.error)}
              </p>
            ) : state.data.tasks.length === 0 ? (
              <p class="cs-message">{t('coachingEmpty')}</p>
            ) : (
              <ul class="cs-mycalls__tasks">
                {state.data.tasks.map((task) => (
                  <li key={task.id}>
                    <TaskCard task={task} api={api} hub={hub} locale={locale} t={t} criterionLabel={criterionLabel} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="cs-mycalls__calls" aria-labelledby="cs-mycalls-calls">
            <h3 class="cs-subheading" id="cs-mycalls-calls">
              {t('callsHeading')}
            </h3>
            {selected !== null ? (
              <CallDetail
                call={state.data.calls.find((c) => c.id === selected)!}
                api={api}
                hub={hub}
                locale={locale}
                t={t}
                criterionLabel={criterionLabel}
                onClose={() => setSelected(null)}
              />
            ) : state.data.calls.length === 0 ? (
              <p class="cs-message">{t('callsEmpty')}</p>
            ) : (
              <ul class="cs-mycalls__list">
                {state.data.calls.map((call) => {
                  const score = state.data.scores.get(call.id) ?? null;
                  const date = formatDateTime(call.startedAt, locale);
                  return (
                    <li key={call.id}>
                      <button type="button" class="cs-mycalls__call" data-call-id={call.id} onClick={() => setSelected(call.id)}>
                        <span class="cs-mycalls__call-date">{date}</span>
                        <span class="cs-mycalls__call-meta">
                          {formatDurationWords(call.durationS, locale)}
                          {call.inquiryType ? ` · ${call.inquiryType}` : ''}
                        </span>
                        <span class={`cs-badge ${score === null ? '' : 'cs-mycalls__score'}`} data-score={score === null ? '' : String(score)}>
                          {score === null ? t('notScored') : t('score', { score: formatScore(score) })}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </div>
      ) : null}
    </div>
  );
}

async function loadAll(api: MyCallsClient): Promise<Loaded> {
  const [calls, tasks, scorecard] = await Promise.all([
    api.recentCalls(),
    api.tasks().catch((error: unknown) => ({ error: errorCode(error, 'INTERNAL') })),
    api.scorecard(DEFAULT_SCORECARD).catch((error: unknown) => {
      if (errorCode(error, 'INTERNAL') === 'NOT_FOUND') return null;
      throw error;
    }),
  ]);
  const evaluations = await Promise.all(calls.map((call) => api.evaluations(call.id)));
  const scores = new Map(evaluations.map((e) => [e.callId, e.blind ? null : e.callScore]));
  return { calls, scores, tasks, scorecard };
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

interface TaskCardProps {
  readonly task: CoachingTaskRead;
  readonly api: MyCallsClient;
  readonly hub: HubClient;
  readonly locale: Locale;
  readonly t: Translate;
  readonly criterionLabel: (id: string) => string;
}

type Async<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | { readonly status: 'ready'; readonly value: T };

function TaskCard({ task: initial, api, hub, locale, t, criterionLabel }: TaskCardProps) {
  const [task, setTask] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [playing, setPlaying] = useState<Playing | null>(null);
  const [pinned, setPinned] = useState<Async<ClipListRead>>({ status: 'loading' });
  const [outcome, setOutcome] = useState<Async<CoachingOutcomeRead | null>>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    api.pinnedClips(task.id).then(
      (value) => current && setPinned({ status: 'ready', value }),
      (error: unknown) => current && setPinned({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, task.id]);

  useEffect(() => {
    let current = true;
    if (task.status !== 'completed') {
      setOutcome({ status: 'ready', value: null });
      return undefined;
    }
    setOutcome({ status: 'loading' });
    api.outcome(task.id).then(
      (value) => current && setOutcome({ status: 'ready', value }),
      (error: unknown) => current && setOutcome({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, task.id, task.status]);

  async function handleStep(step: 'acknowledge' | 'complete') {
    setBusy(true);
    setFailure(null);
    try {
      setTask(await (step === 'acknowledge' ? api.acknowledge(task.id) : api.complete(task.id)));
    } catch (error) {
      setFailure(errorCode(error, 'INTERNAL'));
    } finally {
      setBusy(false);
    }
  }

  const play = (callId: string, startS: number, endS: number, clip?: Playing['clip']) =>
    setPlaying({ callId, ...(clip ? { clip } : {}), seek: { startS, endS, nonce: Date.now() } });
  const headingId = `cs-task-${task.id}`;

  return (
    <article class="cs-mycalls__task" aria-labelledby={headingId} data-task-id={task.id} data-status={task.status}>
      <header class="cs-mycalls__task-head">
        <h4 class="cs-mycalls__task-title" id={headingId}>
          {t('taskAbout', { criteria: task.criterionIds.map(criterionLabel).join(locale === 'zh-cn' ? '、' : ', ') })}
        </h4>
        <span class={`cs-badge cs-mycalls__status cs-mycalls__status--${task.status}`}>{t(`status_${task.status}`)}</span>
      </header>
      <p class="cs-mycalls__meta">
        {t('taskAssigned', { date: formatDateTime(task.assignedAt, locale), by: task.assignedBy })}
        {task.dueAt !== null ? ` · ${t('taskDue', { date: formatDateTime(task.dueAt, locale) })}` : ''}
      </p>
      <p class="cs-mycalls__advice">
        <strong>{t('advice')}</strong> {task.advice}
      </p>
      {task.clips.length > 0 ? (
        <div>
          <p class="cs-mycalls__label">{t('clipsOfTask')}</p>
          <ul class="cs-mycalls__clips">
            {task.clips.map((clip, index) => (
              <li key={index} class={`cs-mycalls__clip cs-mycalls__clip--${clip.label}`}>
                <span class="cs-mycalls__clip-kind">{clip.label === 'good' ? t('clipGood') : t('clipBad')}</span>
                {clip.note !== '' ? <span class="cs-mycalls__clip-note">{clip.note}</span> : null}
                <button type="button" class="cs-button cs-button--small" onClick={() => play(clip.callId, clip.startS, clip.endS)}>
                  {t('playClip', { from: formatClock(clip.startS), to: formatClock(clip.endS) })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {pinned.status === 'ready' && pinned.value.items.length > 0 ? (
        <div>
          <p class="cs-mycalls__label">{t('pinnedHeading')}</p>
          <ul class="cs-mycalls__clips">
            {pinned.value.items.map((clip) => (
              <li key={clip.id} class={`cs-mycalls__clip cs-mycalls__clip--${clip.label}`} data-clip-id={clip.id}>
                <span class="cs-mycalls__clip-kind">{clip.label === 'good' ? t('clipGood') : t('clipBad')}</span>
                {clip.note !== '' ? <span class="cs-mycalls__clip-note">{clip.note}</span> : null}
                {clip.excerpt.length > 0 ? (
                  <blockquote class="cs-mycalls__excerpt">{clip.excerpt.map((line) => line.text).join(' ')}</blockquote>
                ) : null}
                <button type="button" class="cs-button cs-button--small" onClick={() => play(clip.callId, clip.startS, clip.endS, { id: clip.id, startS: clip.startS })}>
                  {t('playClip', { from: formatClock(clip.startS), to: formatClock(clip.endS) })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {pinned.status === 'error' ? (
        <p class="cs-message cs-message--error" role="alert">
          {translateError(locale, pinned.code)}
        </p>
      ) : null}
      {playing !== null ? (
        <ClipPlayer
          key={playing.clip?.id ?? playing.callId}
          client={hub}
          callId={playing.callId}
          {...(playing.clip ? { clip: playing.clip } : {})}
          locale={locale}
          label={t('player')}
          preparing={t('preparingAudio')}
          seek={playing.seek}
          refused={t('refused')}
        />
      ) : null}
      {failure !== null ? (
        <p class="cs-message cs-message--error" role="alert">
          {translateError(locale, failure)}
        </p>
      ) : null}
      <div class="cs-mycalls__actions">
        {task.status === 'assigned' ? (
          <button type="button" class="cs-button cs-button--primary" disabled={busy} onClick={() => handleStep('acknowledge')}>
            {t('acknowledge')}
          </button>
        ) : null}
        {task.status === 'acknowledged' ? (
          <button type="button" class="cs-button cs-button--primary" disabled={busy} onClick={() => handleStep('complete')}>
            {t('complete')}
          </button>
        ) : null}
      </div>
      <div class="cs-mycalls__outcome" data-testid="outcome">
        <p class="cs-mycalls__label">{t('outcomeHeading')}</p>
        {outcome.status === 'loading' ? <p class="cs-message" role="status">…</p> : null}
        {outcome.status === 'error' ? (
          <p class="cs-message cs-message--error" role="alert">
            {translateError(locale, outcome.code)}
          </p>
        ) : null}
        {outcome.status === 'ready' && outcome.value === null ? <p class="cs-message">{t('outcomeWaiting')}</p> : null}
        {outcome.status === 'ready' && outcome.value !== null ? (
          outcome.value.criteria.length === 0 ? (
            <p class="cs-message">{t('outcomeNone')}</p>
          ) : (
            <ul class="cs-mycalls__outcome-list">
              {outcome.value.criteria.map((row) => (
                <li key={row.criterionId} data-criterion={row.criterionId}>
                  {t('outcomeRow', {
                    criterion: criterionLabel(row.criterionId),
                    before: pct(row.passRate.before),
                    after: pct(row.passRate.after),
                    nBefore: row.passRate.nBefore,
                    nAfter: row.passRate.nAfter,
                  })}{' '}
                  <span class={`cs-badge ${row.passRate.significant ? 'cs-mycalls__sig' : ''}`}>
                    {row.passRate.significant ? t('outcomeSignificant') : t('outcomeNotSignificant')}
                  </span>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </div>
    </article>
  );
}

interface CallDetailProps {
  readonly call: CallView;
  readonly api: MyCallsClient;
  readonly hub: HubClient;
  readonly locale: Locale;
  readonly t: Translate;
  readonly criterionLabel: (id: string) => string;
  readonly onClose: () => void;
}

function CallDetail({ call, api, hub, locale, t, criterionLabel, onClose }: CallDetailProps) {
  const [evaluations, setEvaluations] = useState<Async<CallEvaluations>>({ status: 'loading' });
  const [seek, setSeek] = useState<SeekRequest | null>(null);
  const [reload, setReload] = useState(0);
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    backRef.current?.focus();
  }, [call.id]);

  useEffect(() => {
    let current = true;
    api.evaluations(call.id).then(
      (value) => current && setEvaluations({ status: 'ready', value }),
      (error: unknown) => current && setEvaluations({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [api, call.id, reload]);

  return (
    <div class="cs-mycalls__detail" data-call-id={call.id}>
      <button type="button" class="cs-button" ref={backRef} onClick={onClose}>
        ← {t('closeCall')}
      </button>
      <p class="cs-mycalls__detail-title">
        {formatDateTime(call.startedAt, locale)} · {formatDurationWords(call.durationS, locale)}
      </p>
      <ClipPlayer client={hub} callId={call.id} locale={locale} label={t('player')} preparing={t('preparingAudio')} seek={seek} />
      <p class="cs-mycalls__label">{t('evaluationsHeading')}</p>
      {evaluations.status === 'loading' ? (
        <p class="cs-message" role="status">
          …
        </p>
      ) : null}
      {evaluations.status === 'error' ? (
        <p class="cs-message cs-message--error" role="alert">
          {t('evaluationsFailed')} {translateError(locale, evaluations.code)}
        </p>
      ) : null}
      {evaluations.status === 'ready' && evaluations.value.blind ? <p class="cs-message">{t('evaluationsBlind')}</p> : null}
      {evaluations.status === 'ready' && !evaluations.value.blind && evaluations.value.items.length === 0 ? <p class="cs-message">{t('evaluationsEmpty')}</p> : null}
      {evaluations.status === 'ready' && !evaluations.value.blind
        ? evaluations.value.items.map((evaluation) => (
            <EvaluationCard
              key={evaluation.id}
              evaluation={evaluation}
              api={api}
              locale={locale}
              t={t}
              criterionLabel={criterionLabel}
              onSeek={(startS, endS) => setSeek({ startS, endS, nonce: Date.now() })}
              onDisputed={() => setReload((n) => n + 1)}
            />
          ))
        : null}
    </div>
  );
}

interface EvaluationCardProps {
  readonly evaluation: EvaluationRead;
  readonly api: MyCallsClient;
  readonly locale: Locale;
  readonly t: Translate;
  readonly criterionLabel: (id: string) => string;
  readonly onSeek: (startS: number, endS: number) => void;
  readonly onDisputed: () => void;
}

function EvaluationCard({ evaluation, api, locale, t, criterionLabel, onSeek, onDisputed }: EvaluationCardProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [criterion, setCriterion] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const openDispute = evaluation.disputes.find((d) => d.status === 'open');
  const idPrefix = `cs-eval-${evaluation.id}`;

  useEffect(() => {
    if (open) reasonRef.current?.focus();
  }, [open]);

  async function handleSubmit(event: Event) {
    event.preventDefault();
    if (reason.trim() === '') {
      setProblem(t('disputeEmptyReason'));
      return;
    }
    setSending(true);
    setProblem(null);
    try {
      await api.dispute(evaluation.id, reason.trim(), criterion === '' ? undefined : criterion);
      setSent(true);
      setOpen(false);
      onDisputed();
    } catch (error) {
      setProblem(translateError(locale, errorCode(error, 'INTERNAL')));
    } finally {
      setSending(false);
    }
  }

  const valueText = (value: string | number): string =>
    value === 'pass' ? t('criterionPass') : value === 'fail' ? t('criterionFail') : value === 'na' ? t('criterionNa') : String(value);

  return (
    <article class="cs-mycalls__evaluation" data-evaluation-id={evaluation.id} aria-labelledby={`${idPrefix}-title`}>
      <p class="cs-mycalls__evaluation-title" id={`${idPrefix}-title`}>
        {t('evaluationBy', { date: formatDateTime(evaluation.createdAt, locale), total: evaluation.score.total === null ? '—' : formatScore(evaluation.score.total) })}
        {!evaluation.effective ? <span class="cs-badge"> {t('superseded')}</span> : null}
        {evaluation.score.criticalFailed ? <span class="cs-badge cs-badge--flag"> {t('criticalFailed')}</span> : null}
      </p>
      <table class="cs-mycalls__criteria">
        <tbody>
          {evaluation.score.criteria.map((row) => (
            <tr key={row.criterionId} data-criterion={row.criterionId} data-value={String(row.value)}>
              <th scope="row">{criterionLabel(row.criterionId)}</th>
              <td class={row.value === 'fail' ? 'cs-mycalls__fail' : ''}>{valueText(row.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="cs-mycalls__label">{t('evidence')}</p>
      {evaluation.clips.length === 0 ? (
        <p class="cs-message">{t('evidenceNone')}</p>
      ) : (
        <ul class="cs-mycalls__clips">
          {evaluation.clips.map((clip, index) => (
            <li key={index} class={`cs-mycalls__clip cs-mycalls__clip--${clip.label}`}>
              <span class="cs-mycalls__clip-kind">{clip.label === 'good' ? t('clipGood') : t('clipBad')}</span>
              {clip.note !== '' ? <span class="cs-mycalls__clip-note">{clip.note}</span> : null}
              <button type="button" class="cs-button cs-button--small" data-evidence-start={clip.startS} onClick={() => onSeek(clip.startS, clip.endS)}>
                {t('playClip', { from: formatClock(clip.startS), to: formatClock(clip.endS) })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {evaluation.disputes.map((d) => (
        <p key={d.id} class="cs-mycalls__dispute-state" data-dispute-status={d.status}>
          <span class="cs-badge">{d.status === 'open' ? t('disputeOpen') : d.outcome === 'changed' ? t('disputeChanged') : t('disputeUpheld')}</span>
        </p>
      ))}
      {sent ? (
        <p class="cs-message" role="status">
          {t('disputeSent')}
        </p>
      ) : null}
      {evaluation.effective && openDispute === undefined && !open ? (
        <button type="button" class="cs-button" data-action="dispute" onClick={() => setOpen(true)}>
          {t('dispute')}
        </button>
      ) : null}
      {open ? (
        <form class="cs-mycalls__dispute" onSubmit={handleSubmit} noValidate>
          <label class="cs-mycalls__field" for={`${idPrefix}-criterion`}>
            {t('disputeCriterion')}
          </label>
          <select id={`${idPrefix}-criterion`} class="cs-mycalls__input" value={criterion} onChange={(e) => setCriterion((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('disputeWhole')}</option>
            {evaluation.score.criteria.map((row) => (
              <option key={row.criterionId} value={row.criterionId}>
                {criterionLabel(row.criterionId)}
              </option>
            ))}
          </select>
          <label class="cs-mycalls__field" for={`${idPrefix}-reason`}>
            {t('disputeReason')}
          </label>
          <textarea
            id={`${idPrefix}-reason`}
            ref={reasonRef}
            class="cs-mycalls__input"
            rows={3}
            maxLength={2000}
            value={reason}
            aria-invalid={problem !== null && reason.trim() === '' ? 'true' : undefined}
            onInput={(e) => {
              setReason((e.currentTarget as HTMLTextAreaElement).value);
              setProblem(null);
            }}
          />
          {problem !== null ? (
            <p class="cs-message cs-message--error" role="alert">
              {problem}
            </p>
          ) : null}
          <div class="cs-mycalls__actions">
            <button type="submit" class="cs-button cs-button--primary" disabled={sending}>
              {sending ? t('sending') : t('disputeSubmit')}
            </button>
            <button type="button" class="cs-button" disabled={sending} onClick={() => setOpen(false)}>
              {t('disputeCancel')}
            </button>
          </div>
        </form>
      ) : null}
    </article>
  );
}
