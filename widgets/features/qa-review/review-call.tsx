import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SubmitEvaluationRequest } from '../../../core/api/quality.api';
import type { ReviewAnalysis } from '../../../core/api/qa-review.api';
import type { AnswerValue } from '../../../core/quality/evaluation';
import { HubApiError, type HubClient } from '../../core/api-client';
import type { CallView, Transcript } from '../../core/api-types';
import type { Locale } from '../../core/host-bridge';
import { formatClock, formatDateTime, translateAnalysisCode, translateError } from '../../core/i18n';
import { startPlayback } from '../call-history/call-player';
import { findActiveSegment, splitHighlights } from '../call-history/transcript-timeline';
import type { CallEvaluations, QaReviewClient, ScorecardVersion, SubmittedEvaluation } from './qa-review.client';
import { qaText } from './qa-review.strings';
import { buildOverlay, criteriaOf, decideAutomaticAnswers, summarizeForReview, type AutomaticAnswer, type ReviewOverlay } from './review-analysis';
import { clearDraft, draftKey, EMPTY_DRAFT, loadDraft, saveDraft, type DraftClip, type ReviewDraft } from './review-draft';
import { ScorecardForm, unansweredCriteria } from './scorecard-form';

export interface ReviewCallProps {
  readonly call: CallView;
  readonly client: HubClient;
  readonly qa: QaReviewClient;
  readonly locale: Locale;
  /** The reviewer's hub user id when the plan told it; their own evaluations are recognised by it. */
  readonly reviewerId: string | null;
  /** Keys the draft to this user. */
  readonly userKey: string;
  readonly onBack: () => void;
}

interface Loaded {
  readonly transcript: Transcript | null;
  readonly analysis: ReviewAnalysis | null;
  readonly evaluations: CallEvaluations;
  readonly card: ScorecardVersion;
}

type LoadState = { readonly status: 'loading' } | { readonly status: 'error'; readonly code: string } | ({ readonly status: 'ready' } & Loaded);

const SKIP_KEY_TARGETS = new Set(['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'AUDIO', 'A', 'SUMMARY']);
const codeOf = (error: unknown) => (error instanceof HubApiError ? error.code : 'INTERNAL');

/**
 * One call under review: the player, what the analysis found (scripts with their times, sensitive words,
 * talk-overs, the customer's emotion over the call), the masked transcript with line selection for evidence clips,
 * and the scorecard form. Other reviewers' scores are never shown before the reviewer's own is stored; the hub also
 * withholds them (blind double scoring). The draft is kept in localStorage per user, call and scorecard version.
 */
export function ReviewCall({ call, client, qa, locale, reviewerId, userKey, onBack }: ReviewCallProps) {
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [audioError, setAudioError] = useState<string | null>(null);
  const [timeS, setTimeS] = useState(0);
  const [draft, setDraft] = useState<ReviewDraft>(EMPTY_DRAFT);
  const [restored, setRestored] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [clipNote, setClipNote] = useState('');
  const [toLibrary, setToLibrary] = useState(false);
  const [librarySaves, setLibrarySaves] = useState<readonly { readonly key: string; readonly status: 'saving' | 'saved' | 'error'; readonly code?: string }[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [result, setResult] = useState<SubmittedEvaluation | null>(null);
  const [showMissing, setShowMissing] = useState(false);
  const audioRef = useRef<HTMLAudioElement>(null);
  const transcriptRef = useRef<HTMLOListElement>(null);
  const refreshedAudio = useRef(false);
  const reviewRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Keys (space, J / K) work as soon as a call opens: focus moves into the review from the list button that opened it.
    reviewRef.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    let current = true;
    client.createPlaybackUrl(call.id).then(
      (playback) => current && setAudioUrl(playback.url),
      (error: unknown) => current && setAudioError(codeOf(error)),
    );
    Promise.all([client.getTranscript(call.id), qa.getAnalysis(call.id), qa.listEvaluations(call.id)])
      .then(async ([transcript, analysis, evaluations]) => {
        const mine = evaluations.items.find((e) => e.reviewerId === reviewerId);
        const card = mine ? await qa.getScorecardVersion(mine.scorecard.scorecardId, mine.scorecard.version) : await qa.getScorecard('default');
        if (current) setLoad({ status: 'ready', transcript, analysis, evaluations, card });
      })
      .catch((error: unknown) => current && setLoad({ status: 'error', code: codeOf(error) }));
    return () => {
      current = false;
    };
  }, [call.id, client, qa, reviewerId]);

  const ready = load.status === 'ready' ? load : null;
  const key = ready ? draftKey(userKey, call.id, ready.card.id, ready.card.version) : null;

  useEffect(() => {
    if (key === null) return;
    const stored = loadDraft(key);
    setDraft(stored ?? EMPTY_DRAFT);
    setRestored(stored !== null);
  }, [key]);

  const segments = ready?.transcript?.segments ?? [];
  const derived = useMemo(() => {
    if (ready === null || ready.analysis === null) return null;
    const summary = summarizeForReview(ready.analysis, ready.transcript?.segments ?? [], call.durationS);
    return { overlay: buildOverlay(ready.analysis, ready.transcript?.segments ?? [], summary), automatic: decideAutomaticAnswers(ready.card, summary) };
  }, [ready, call.durationS]);
  const automatic: ReadonlyMap<string, AutomaticAnswer> = derived?.automatic ?? new Map<string, AutomaticAnswer>();
  const activeIndex = findActiveSegment(segments, timeS);
  const mine = ready?.evaluations.items.filter((e) => e.reviewerId === reviewerId) ?? [];
  const scored = mine.length > 0 || result !== null;

  function updateDraft(next: ReviewDraft) {
    setDraft(next);
    if (key !== null) saveDraft(key, next);
  }

  function seekTo(startS: number) {
    const audio = audioRef.current;
    setTimeS(startS);
    if (audio === null) return;
    audio.currentTime = startS;
    if (audio.paused) startPlayback(audio, setAudioError);
  }

  function seekSegment(step: 1 | -1) {
    if (segments.length === 0) return;
    const from = activeIndex === -1 ? segments.findIndex((s) => s.startS > timeS) - (step === 1 ? 1 : 0) : activeIndex;
    const next = Math.min(Math.max(from + step, 0), segments.length - 1);
    seekTo(segments[next]!.startS);
    transcriptRef.current?.querySelector<HTMLButtonElement>(`[data-segment="${next}"]`)?.focus();
  }

  function handleKeyDown(event: KeyboardEvent) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    const inField = target !== null && (SKIP_KEY_TARGETS.has(target.tagName) || target.isContentEditable);
    if (event.key === ' ' && !inField) {
      const audio = audioRef.current;
      if (audio === null) return;
      event.preventDefault();
      if (audio.paused) startPlayback(audio, setAudioError);
      else audio.pause();
      return;
    }
    const typing = target !== null && (target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text'));
    if (typing || target?.closest('[data-criterion]')) return;
    if (event.key === 'j' || event.key === 'J') {
      event.preventDefault();
      seekSegment(1);
    } else if (event.key === 'k' || event.key === 'K') {
      event.preventDefault();
      seekSegment(-1);
    }
  }

  function handleAnswer(criterionId: string, value: AnswerValue) {
    updateDraft({ ...draft, answers: { ...draft.answers, [criterionId]: value } });
  }

  function handleComment(criterionId: string, text: string) {
    updateDraft({ ...draft, comments: { ...draft.comments, [criterionId]: text } });
  }

  function toggleLine(index: number) {
    const next = new Set(selected);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    setSelected(next);
  }

  function addClip(label: 'good' | 'bad') {
    const lines = [...selected].sort((a, b) => a - b).map((i) => segments[i]!);
    if (lines.length === 0) return;
    const clip: DraftClip = { startS: lines[0]!.startS, endS: Math.max(...lines.map((l) => l.endS)), label, note: clipNote.trim() };
    updateDraft({ ...draft, clips: [...draft.clips, clip] });
    setSelected(new Set());
    setClipNote('');
    if (toLibrary) saveToLibrary(clip);
  }

  function saveToLibrary(clip: DraftClip) {
    const saveKey = `${clip.startS}-${clip.endS}-${clip.label}`;
    setLibrarySaves((saves) => [...saves.filter((s) => s.key !== saveKey), { key: saveKey, status: 'saving' }]);
    qa.saveTrainingClip({ callId: call.id, startS: clip.startS, endS: clip.endS, label: clip.label, note: clip.note }).then(
      () => setLibrarySaves((saves) => saves.map((s) => (s.key === saveKey ? { key: saveKey, status: 'saved' } : s))),
      (error: unknown) => setLibrarySaves((saves) => saves.map((s) => (s.key === saveKey ? { key: saveKey, status: 'error', code: codeOf(error) } : s))),
    );
  }

  function handleSubmit(event: Event) {
    event.preventDefault();
    if (ready === null) return;
    const missing = unansweredCriteria(ready.card, draft, automatic);
    if (missing.length > 0) {
      setShowMissing(true);
      document.querySelector<HTMLInputElement>(`[data-criterion="${missing[0]}"] input`)?.focus();
      return;
    }
    const answers: SubmitEvaluationRequest['answers'] = [];
    for (const criterion of criteriaOf(ready.card)) {
      const auto = automatic.get(criterion.id);
      const given = draft.answers[criterion.id];
      const comment = draft.comments[criterion.id]?.trim() ?? '';
      const changed = given !== undefined && (auto === undefined || auto.value === null || given !== auto.value);
      // An automatic criterion is sent only as a human override or to carry a comment; the hub decides it otherwise.
      if (criterion.kind === 'manual' || changed || comment !== '') {
        const value = given ?? auto?.value;
        if (value === undefined || value === null) continue;
        answers.push({ criterionId: criterion.id, value, ...(comment === '' ? {} : { comment }) });
      }
    }
    setSubmitting(true);
    setSubmitError(null);
    qa.submitEvaluation(call.id, {
      scorecardId: ready.card.id,
      version: ready.card.version,
      answers,
      clips: draft.clips.map((clip) => ({ startS: clip.startS, endS: clip.endS, label: clip.label, note: clip.note })),
    }).then(
      async (submitted) => {
        if (key !== null) clearDraft(key);
        setDraft(EMPTY_DRAFT);
        setResult(submitted);
        const evaluations = await qa.listEvaluations(call.id).catch((error: unknown) => {
          setSubmitError(codeOf(error));
          return ready.evaluations;
        });
        setLoad({ ...ready, evaluations });
        setSubmitting(false);
      },
      (error: unknown) => {
        setSubmitting(false);
        setSubmitError(codeOf(error));
      },
    );
  }

  const date = formatDateTime(call.startedAt, locale);
  const missingCount = ready ? unansweredCriteria(ready.card, draft, automatic).length : 0;
  const selectedLines = [...selected].sort((a, b) => a - b);
  const others = ready?.evaluations.items.filter((e) => e.reviewerId !== reviewerId) ?? [];

  return (
    <div class="cs-qa-review" ref={reviewRef} tabIndex={-1} onKeyDown={(event) => handleKeyDown(event as unknown as KeyboardEvent)}>
      <button type="button" class="cs-button cs-qa-back" onClick={onBack}>
        ← {qaText(locale, 'back')}
      </button>
      <h3 class="cs-qa-title">{qaText(locale, 'callHeading', { date, agent: call.agentName ?? call.agentId ?? qaText(locale, 'unknownAgent') })}</h3>
      <p class="cs-qa-muted">{qaText(locale, 'duration', { value: formatClock(call.durationS) })}</p>
      <details class="cs-qa-help">
        <summary>{qaText(locale, 'help')}</summary>
        <ul>
          <li>{qaText(locale, 'helpPlay')}</li>
          <li>{qaText(locale, 'helpSegments')}</li>
          <li>{qaText(locale, 'helpAnswers')}</li>
          <li>{qaText(locale, 'helpSelect')}</li>
        </ul>
      </details>
      <div class="cs-qa-columns">
        <div class="cs-qa-main">
          {audioError !== null ? (
            <p class="cs-message cs-message--error" role="alert">
              {translateError(locale, audioError)}
            </p>
          ) : null}
          {audioUrl === null && audioError === null ? (
            <p class="cs-message" role="status">
              {qaText(locale, 'preparingAudio')}
            </p>
          ) : null}
          {audioUrl !== null ? (
            <audio
              ref={audioRef}
              class="cs-audio"
              controls
              preload="metadata"
              src={audioUrl}
              aria-label={qaText(locale, 'playerLabel', { date })}
              onTimeUpdate={(event) => setTimeS((event.currentTarget as HTMLAudioElement).currentTime)}
              onSeeked={(event) => setTimeS((event.currentTarget as HTMLAudioElement).currentTime)}
              onError={() => {
                if (refreshedAudio.current) {
                  setAudioError('AUDIO_FAILED');
                  return;
                }
                refreshedAudio.current = true;
                client.createPlaybackUrl(call.id).then((p) => setAudioUrl(p.url), (error: unknown) => setAudioError(codeOf(error)));
              }}
            />
          ) : null}
          {load.status === 'loading' ? (
            <p class="cs-message" role="status">
              {qaText(locale, 'transcriptLoading')}
            </p>
          ) : null}
          {load.status === 'error' ? (
            <p class="cs-message cs-message--error" role="alert">
              {translateError(locale, load.code)}
            </p>
          ) : null}
          {ready !== null ? <Findings locale={locale} overlay={derived?.overlay ?? null} onSeek={seekTo} timeS={timeS} /> : null}
          {ready !== null ? (
            <section class="cs-qa-transcript" aria-labelledby="cs-qa-transcript-h">
              <h4 class="cs-subheading" id="cs-qa-transcript-h">
                {qaText(locale, 'transcript')}
              </h4>
              {segments.length === 0 ? (
                <p class="cs-message">{qaText(locale, 'noTranscript')}</p>
              ) : (
                <ol class="cs-qa-lines" ref={transcriptRef}>
                  {segments.map((segment, index) => (
                    <li key={index} class={`cs-qa-line cs-qa-line--${segment.speaker} ${index === activeIndex ? 'cs-qa-line--active' : ''} ${selected.has(index) ? 'cs-qa-line--selected' : ''}`}>
                      <input
                        type="checkbox"
                        class="cs-qa-line__check"
                        checked={selected.has(index)}
                        disabled={scored}
                        aria-label={qaText(locale, 'selectLine', { time: formatClock(segment.startS) })}
                        onChange={() => toggleLine(index)}
                      />
                      <button type="button" class="cs-qa-line__play" data-segment={index} aria-current={index === activeIndex ? 'true' : undefined} onClick={() => seekTo(segment.startS)}>
                        <span class="cs-qa-line__time">{formatClock(segment.startS)}</span>{' '}
                        <span class="cs-qa-line__text">
                          {splitHighlights(segment.text, index, ready.transcript?.highlights ?? []).map((run, runIndex) =>
                            run.kind === undefined ? (
                              <span key={runIndex}>{run.text}</span>
                            ) : (
                              <mark key={runIndex} class={`cs-mark cs-mark--${run.kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
                                {run.text}
                              </mark>
                            ),
                          )}
                        </span>
                      </button>
                    </li>
                  ))}
                </ol>
              )}
              {selectedLines.length > 0 ? (
                <div class="cs-qa-clipbar" role="group" aria-label={qaText(locale, 'clips')}>
                  <p class="cs-qa-muted" role="status">
                    {qaText(locale, 'selectionCount', {
                      count: selectedLines.length,
                      from: formatClock(segments[selectedLines[0]!]!.startS),
                      to: formatClock(Math.max(...selectedLines.map((i) => segments[i]!.endS))),
                    })}
                  </p>
                  <input
                    type="text"
                    class="cs-qa-input"
                    maxLength={2000}
                    aria-label={qaText(locale, 'clipNote')}
                    placeholder={qaText(locale, 'clipNote')}
                    value={clipNote}
                    onInput={(event) => setClipNote((event.currentTarget as HTMLInputElement).value)}
                  />
                  <label class="cs-qa-check">
                    <input type="checkbox" checked={toLibrary} onChange={(event) => setToLibrary((event.currentTarget as HTMLInputElement).checked)} />{' '}
                    {qaText(locale, 'alsoLibrary')}
                  </label>
                  <button type="button" class="cs-button" onClick={() => addClip('good')}>
                    {qaText(locale, 'clipGood')}
                  </button>
                  <button type="button" class="cs-button" onClick={() => addClip('bad')}>
                    {qaText(locale, 'clipBad')}
                  </button>
                </div>
              ) : null}
              {librarySaves.length > 0 ? (
                <ul class="cs-qa-facts cs-qa-library" aria-live="polite" data-testid="qa-library-saves">
                  {librarySaves.map((save) => (
                    <li key={save.key} class={save.status === 'error' ? 'cs-qa-fact--bad' : save.status === 'saved' ? 'cs-qa-fact--ok' : ''} data-status={save.status}>
                      {save.status === 'error' ? translateError(locale, save.code ?? 'INTERNAL') : qaText(locale, save.status === 'saved' ? 'librarySaved' : 'librarySaving')}
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          ) : null}
        </div>
        {ready !== null ? (
          <div class="cs-qa-side">
            {ready.evaluations.blind && !scored ? <p class="cs-message cs-qa-notice">{qaText(locale, 'blindNotice')}</p> : null}
            {scored ? (
              <EvaluationsSummary locale={locale} evaluations={ready.evaluations} reviewerId={reviewerId} result={result} others={others} />
            ) : (
              <form class="cs-qa-scorecard" onSubmit={handleSubmit} aria-labelledby="cs-qa-card-h" noValidate>
                <h4 class="cs-subheading" id="cs-qa-card-h">
                  {qaText(locale, 'scorecard', { name: locale === 'zh-cn' ? ready.card.name.zh : ready.card.name.en, version: ready.card.version })}
                </h4>
                {restored ? (
                  <p class="cs-message cs-qa-notice" role="status">
                    {qaText(locale, 'draftRestored')}{' '}
                    <button
                      type="button"
                      class="cs-qa-link"
                      onClick={() => {
                        updateDraft(EMPTY_DRAFT);
                        setRestored(false);
                      }}
                    >
                      {qaText(locale, 'discardDraft')}
                    </button>
                  </p>
                ) : null}
                {ready.analysis === null ? <p class="cs-message">{qaText(locale, 'notAnalysed')}</p> : null}
                <ScorecardForm card={ready.card} locale={locale} automatic={automatic} draft={draft} onAnswer={handleAnswer} onComment={handleComment} onSeek={seekTo} />
                {draft.clips.length > 0 ? (
                  <div class="cs-qa-clips">
                    <h5 class="cs-subheading">{qaText(locale, 'clips')}</h5>
                    <ul>
                      {draft.clips.map((clip, index) => (
                        <li key={index}>
                          <button type="button" class="cs-qa-chip" onClick={() => seekTo(clip.startS)}>
                            ▶ {formatClock(clip.startS)}–{formatClock(clip.endS)}
                          </button>{' '}
                          <span class={`cs-badge ${clip.label === 'bad' ? 'cs-badge--flag' : 'cs-badge--done'}`}>{qaText(locale, clip.label === 'good' ? 'clipLabel_good' : 'clipLabel_bad')}</span>{' '}
                          {clip.note}{' '}
                          <button
                            type="button"
                            class="cs-qa-link"
                            aria-label={qaText(locale, 'removeClip', { from: formatClock(clip.startS), to: formatClock(clip.endS) })}
                            onClick={() => updateDraft({ ...draft, clips: draft.clips.filter((_, i) => i !== index) })}
                          >
                            ✕
                          </button>
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
                {showMissing && missingCount > 0 ? (
                  <p class="cs-message cs-message--error" role="alert">
                    {qaText(locale, 'missingAnswers', { count: missingCount })}
                  </p>
                ) : null}
                {submitError !== null ? (
                  <p class="cs-message cs-message--error" role="alert">
                    {translateError(locale, submitError)}
                  </p>
                ) : null}
                <button type="submit" class="cs-button cs-button--primary cs-qa-submit" disabled={submitting}>
                  {qaText(locale, submitting ? 'submitting' : 'submit')}
                </button>
                {!ready.evaluations.blind ? <p class="cs-qa-muted">{qaText(locale, 'hiddenUntilSubmit')}</p> : null}
              </form>
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function Findings({ locale, overlay, onSeek, timeS }: { locale: Locale; overlay: ReviewOverlay | null; onSeek: (s: number) => void; timeS: number }) {
  if (overlay === null) return <p class="cs-message">{qaText(locale, 'notAnalysed')}</p>;
  const total = Math.max(overlay.durationS, 1);
  const negative = overlay.emotion.filter((p) => p.label === 'negative');
  return (
    <section class="cs-qa-findings" aria-labelledby="cs-qa-findings-h">
      <h4 class="cs-subheading" id="cs-qa-findings-h">
        {qaText(locale, 'findings')}
      </h4>
      <ul class="cs-qa-facts" data-testid="qa-findings">
        {overlay.scripts.map((script) => (
          <li key={script.id} class={script.found ? 'cs-qa-fact--ok' : 'cs-qa-fact--bad'}>
            <span aria-hidden="true">{script.found ? '✓' : '✗'} </span>
            {script.found && script.at !== null ? (
              <button type="button" class="cs-qa-link" onClick={() => onSeek(script.at!.startS)}>
                {qaText(locale, 'scriptFound', { script: translateAnalysisCode(locale, 'script', script.id), time: formatClock(script.at.startS) })}
              </button>
            ) : (
              qaText(locale, 'scriptMissing', { script: translateAnalysisCode(locale, 'script', script.id) })
            )}
          </li>
        ))}
        {overlay.sensitive.length === 0 ? <li class="cs-qa-fact--ok">✓ {qaText(locale, 'noSensitive')}</li> : null}
        {overlay.sensitive.map((hit, index) => (
          <li key={index} class="cs-qa-fact--bad">
            <span aria-hidden="true">⚠ </span>
            <button type="button" class="cs-qa-link" onClick={() => onSeek(hit.at.startS)}>
              {qaText(locale, 'sensitiveHit', { term: hit.term, time: formatClock(hit.at.startS) })}
            </button>
          </li>
        ))}
        <li class={overlay.interruptions.length === 0 ? 'cs-qa-fact--ok' : 'cs-qa-fact--bad'}>
          {overlay.interruptions.length === 0
            ? `✓ ${qaText(locale, 'noInterruptions')}`
            : qaText(locale, 'interruptions', { count: overlay.interruptions.length, rate: Math.round((overlay.interruptionRate ?? 0) * 100) })}
          {overlay.interruptions.map((mark) => (
            <button key={mark.startS} type="button" class="cs-qa-chip" onClick={() => onSeek(mark.startS)}>
              ▶ {formatClock(mark.startS)}
            </button>
          ))}
        </li>
      </ul>
      <h5 class="cs-subheading">{qaText(locale, 'emotion')}</h5>
      {overlay.emotion.length === 0 ? (
        <p class="cs-message">{qaText(locale, 'noEmotion')}</p>
      ) : (
        <>
          <div class="cs-qa-emotion" role="group" aria-label={qaText(locale, 'emotion')} data-negative={negative.length}>
            <span class="cs-qa-emotion__now" style={{ left: `${Math.min(100, (timeS / total) * 100)}%` }} aria-hidden="true" />
            {overlay.emotion.map((point) => (
              <button
                key={point.startS}
                type="button"
                class={`cs-qa-emotion__bar cs-qa-emotion__bar--${point.label}`}
                style={{ left: `${(point.startS / total) * 100}%`, width: `${Math.max(1.5, ((point.endS - point.startS) / total) * 100)}%`, opacity: 0.45 + point.score * 0.55 }}
                aria-label={qaText(locale, 'emotionAt', { label: translateAnalysisCode(locale, 'emotion', point.label), time: formatClock(point.startS) })}
                onClick={() => onSeek(point.startS)}
              />
            ))}
          </div>
          <p class="cs-qa-muted cs-qa-small">{qaText(locale, 'emotionLegend')}</p>
        </>
      )}
    </section>
  );
}

function EvaluationsSummary({
  locale,
  evaluations,
  reviewerId,
  result,
  others,
}: {
  locale: Locale;
  evaluations: CallEvaluations;
  reviewerId: string | null;
  result: SubmittedEvaluation | null;
  others: CallEvaluations['items'];
}) {
  const mine = evaluations.items.filter((e) => e.reviewerId === reviewerId || e.id === result?.id);
  const scoreText = (total: number | null) => (total === null ? qaText(locale, 'noScore') : String(Math.round(total * 10) / 10));
  return (
    <section class="cs-qa-result" aria-labelledby="cs-qa-result-h">
      <h4 class="cs-subheading" id="cs-qa-result-h">
        {qaText(locale, 'yourEvaluations')}
      </h4>
      {result !== null ? (
        <p class="cs-message cs-qa-success" role="status" data-testid="qa-submitted">
          {result.score.criticalFailed ? qaText(locale, 'submittedCritical') : qaText(locale, 'submitted', { score: scoreText(result.score.total) })}
        </p>
      ) : null}
      <ul class="cs-qa-facts">
        {mine.map((evaluation) => (
          <li key={evaluation.id}>
            {formatDateTime(evaluation.createdAt, locale)}: {scoreText(evaluation.score.total)}
            {evaluation.disputes.map((dispute) => (
              <span key={dispute.id} class={`cs-badge ${dispute.status === 'open' ? 'cs-badge--flag' : ''}`}>
                {dispute.status === 'open'
                  ? qaText(locale, 'disputeOpen')
                  : qaText(locale, 'disputeResolved', { outcome: qaText(locale, dispute.outcome === 'changed' ? 'outcome_changed' : 'outcome_upheld') })}
              </span>
            ))}
          </li>
        ))}
      </ul>
      <p class="cs-qa-muted" data-testid="qa-call-score">
        {evaluations.callScore === null ? qaText(locale, 'callScoreNone') : qaText(locale, 'callScore', { score: scoreText(evaluations.callScore) })}
      </p>
      {others.length > 0 ? (
        <>
          <h4 class="cs-subheading">{qaText(locale, 'otherEvaluations')}</h4>
          <ul class="cs-qa-facts">
            {others.map((evaluation) => (
              <li key={evaluation.id}>{qaText(locale, 'evaluationBy', { reviewer: evaluation.reviewerId, score: scoreText(evaluation.score.total) })}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
