import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { HubClient } from '../../core/api-client';
import { HubApiError } from '../../core/api-client';
import type { CallView, Transcript } from '../../core/api-types';
import type { Locale } from '../../core/host-bridge';
import { formatDateTime, translate, translateError } from '../../core/i18n';
import { TranscriptView } from './transcript-view';
import { findActiveSegment } from './transcript-timeline';

/** Ask for a new URL this long before the hub's expiry, so a play press never races the deadline. */
const EXPIRY_MARGIN_MS = 10_000;

type TranscriptState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly transcript: Transcript }
  | { readonly status: 'none' }
  | { readonly status: 'error'; readonly code: string };

interface Playback {
  readonly url: string;
  readonly expiresAtMs: number;
}

interface Resume {
  readonly timeS: number;
  readonly play: boolean;
}

export interface CallPlayerProps {
  readonly call: CallView;
  readonly client: HubClient;
  readonly locale: Locale;
  readonly audioRef: RefObject<HTMLAudioElement | null>;
  /** Injected for tests; defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * Plays one call from a short-lived signed URL and shows its transcript in step with the audio. An
 * expired URL is replaced transparently: on play after expiry, or when the audio element fails mid-call,
 * a fresh URL is requested and playback resumes at the same position (once per failure, so a broken
 * recording ends in an error message instead of a loop).
 */
export function CallPlayer({ call, client, locale, audioRef, now = Date.now }: CallPlayerProps) {
  const [playback, setPlayback] = useState<Playback | null>(null);
  const [errorCode, setErrorCode] = useState<string | null>(null);
  const [timeS, setTimeS] = useState(0);
  const [transcript, setTranscript] = useState<TranscriptState>({ status: 'loading' });
  const resume = useRef<Resume | null>(null);
  const refreshing = useRef(false);
  const failedSinceRefresh = useRef(false);
  const callId = call.id;

  useEffect(() => {
    let current = true;
    setPlayback(null);
    setErrorCode(null);
    setTimeS(0);
    setTranscript({ status: 'loading' });
    resume.current = null;
    failedSinceRefresh.current = false;
    client.createPlaybackUrl(callId).then(
      (result) => current && setPlayback(toPlayback(result.url, result.expiresAt)),
      (error: unknown) => current && setErrorCode(codeOf(error)),
    );
    client.getTranscript(callId).then(
      (result) => current && setTranscript(result === null ? { status: 'none' } : { status: 'ready', transcript: result }),
      (error: unknown) => current && setTranscript({ status: 'error', code: codeOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, callId]);

  const refreshUrl = useCallback(
    (next: Resume) => {
      if (refreshing.current) return;
      refreshing.current = true;
      resume.current = next;
      client.createPlaybackUrl(callId).then(
        (result) => {
          refreshing.current = false;
          setPlayback(toPlayback(result.url, result.expiresAt));
        },
        (error: unknown) => {
          refreshing.current = false;
          resume.current = null;
          setErrorCode(codeOf(error));
        },
      );
    },
    [client, callId],
  );

  function isExpired(): boolean {
    return playback !== null && now() >= playback.expiresAtMs - EXPIRY_MARGIN_MS;
  }

  function handlePlay() {
    const audio = audioRef.current;
    if (audio === null || !isExpired()) return;
    audio.pause();
    refreshUrl({ timeS: audio.currentTime, play: true });
  }

  function handleError() {
    const audio = audioRef.current;
    if (audio === null || playback === null) return;
    if (failedSinceRefresh.current) {
      setErrorCode('AUDIO_FAILED');
      return;
    }
    failedSinceRefresh.current = true;
    refreshUrl({ timeS: audio.currentTime, play: !audio.paused || resume.current?.play === true });
  }

  function handleLoadedMetadata() {
    const audio = audioRef.current;
    const pending = resume.current;
    if (audio === null || pending === null) return;
    resume.current = null;
    if (pending.timeS > 0) audio.currentTime = pending.timeS;
    if (pending.play) startPlayback(audio, setErrorCode);
  }

  function handleSeekTo(startS: number) {
    const audio = audioRef.current;
    if (audio === null) return;
    if (isExpired()) {
      refreshUrl({ timeS: startS, play: true });
      return;
    }
    audio.currentTime = startS;
    setTimeS(startS);
    if (audio.paused) startPlayback(audio, setErrorCode);
  }

  const date = formatDateTime(call.startedAt, locale);
  const segments = transcript.status === 'ready' ? transcript.transcript.segments : [];
  const activeIndex = findActiveSegment(segments, timeS);

  return (
    <section class="cs-player" aria-label={translate(locale, 'playerLabel', { date })}>
      {errorCode !== null ? (
        <p class="cs-message cs-message--error" role="alert">
          {translateError(locale, errorCode)}
        </p>
      ) : null}
      {playback === null && errorCode === null ? (
        <p class="cs-message" role="status">
          {translate(locale, 'preparingAudio')}
        </p>
      ) : null}
      {playback !== null ? (
        <audio
          ref={audioRef}
          class="cs-audio"
          controls
          preload="metadata"
          src={playback.url}
          aria-label={translate(locale, 'playerLabel', { date })}
          onPlay={handlePlay}
          onPlaying={() => {
            failedSinceRefresh.current = false;
            setErrorCode(null);
          }}
          onError={handleError}
          onLoadedMetadata={handleLoadedMetadata}
          onTimeUpdate={(event) => setTimeS((event.currentTarget as HTMLAudioElement).currentTime)}
          onSeeked={(event) => setTimeS((event.currentTarget as HTMLAudioElement).currentTime)}
        />
      ) : null}
      <div class="cs-transcript-panel">
        <h3 class="cs-subheading">{translate(locale, 'transcript')}</h3>
        {transcript.status === 'loading' ? (
          <p class="cs-message" role="status">
            {translate(locale, 'transcriptLoading')}
          </p>
        ) : null}
        {transcript.status === 'none' ? <p class="cs-message">{translate(locale, 'noTranscript')}</p> : null}
        {transcript.status === 'error' ? (
          <p class="cs-message cs-message--error" role="alert">
            {translateError(locale, transcript.code)}
          </p>
        ) : null}
        {transcript.status === 'ready' ? (
          transcript.transcript.segments.length === 0 ? (
            <p class="cs-message">{translate(locale, 'noTranscript')}</p>
          ) : (
            <TranscriptView transcript={transcript.transcript} locale={locale} activeIndex={activeIndex} onSeek={handleSeekTo} />
          )
        ) : null}
      </div>
    </section>
  );
}

function toPlayback(url: string, expiresAt: string): Playback {
  const expiresAtMs = Date.parse(expiresAt);
  return { url, expiresAtMs: Number.isNaN(expiresAtMs) ? Number.POSITIVE_INFINITY : expiresAtMs };
}

/** Starts playback; a refused autoplay leaves the player paused (visible), any other failure is shown. */
export function startPlayback(audio: HTMLAudioElement, onError: (code: string) => void): void {
  let attempt: Promise<void> | undefined;
  try {
    attempt = audio.play();
  } catch {
    onError('AUDIO_FAILED');
    return;
  }
  attempt?.catch((error: unknown) => {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NotAllowedError' || name === 'AbortError') return;
    onError('AUDIO_FAILED');
  });
}

function codeOf(error: unknown, fallback = 'INTERNAL'): string {
  return error instanceof HubApiError ? error.code : fallback;
}
