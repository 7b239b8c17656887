import { useEffect, useRef, useState } from 'preact/hooks';
import type { HubClient } from '../../core/api-client';
import type { Locale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import { playbackUrlReadSchema } from '../../core/api-types';

/** Where the player should go: a time range of the call; `nonce` makes the same range seek again. */
export interface SeekRequest {
  readonly startS: number;
  readonly endS?: number;
  readonly nonce: number;
}

export interface ClipPlayerProps {
  readonly client: HubClient;
  readonly callId: string;
  readonly locale: Locale;
  readonly label: string;
  readonly preparing: string;
  readonly seek: SeekRequest | null;
  /** Shown instead of the hub's error when the reader may not play this call (CALL_NOT_FOUND, FORBIDDEN). */
  readonly refused?: string;
  /**
   * A library clip: plays through the clip's own link (only its range, masked, for any reader of the clip, such as
   * an agent shown a colleague's example), whose audio starts at the clip's start. Seeks stay in call time.
   */
  readonly clip?: { readonly id: string; readonly startS: number };
}

const REFUSED = new Set(['CALL_NOT_FOUND', 'FORBIDDEN', 'NOT_FOUND']);

/**
 * Plays a call from the hub's short-lived playback link (the hub checks that the reader may play this call, and
 * serves redacted audio to roles that must not hear personal data). A seek request moves to its start and plays,
 * stopping at its end when it has one; a request made before the audio is ready waits for it.
 */
export function ClipPlayer({ client, callId, locale, label, preparing, seek, refused, clip }: ClipPlayerProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const pending = useRef<SeekRequest | null>(null);
  const stopAt = useRef<number | null>(null);

  useEffect(() => {
    let current = true;
    setUrl(null);
    setFailure(null);
    const link = clip
      ? client.request('POST', `/api/v1/clips/${encodeURIComponent(clip.id)}/playback-url`, playbackUrlReadSchema)
      : client.createPlaybackUrl(callId);
    link.then(
      (playback) => current && setUrl(playback.url),
      (error: unknown) => current && setFailure(errorCode(error, 'INTERNAL')),
    );
    return () => {
      current = false;
    };
  }, [client, callId, clip?.id]);

  function apply(request: SeekRequest) {
    const audio = audioRef.current;
    if (audio === null || audio.readyState < 1) {
      pending.current = request;
      return;
    }
    pending.current = null;
    // The clip's own audio starts at the clip's start: call times are moved by it.
    const offset = clip?.startS ?? 0;
    stopAt.current = request.endS === undefined ? null : request.endS - offset;
    audio.currentTime = Math.max(0, request.startS - offset);
    audio.play().catch((error: unknown) => {
      // Browsers refuse play() without a user gesture; the position is set and the controls stay usable.
      if (!(error instanceof DOMException && error.name === 'NotAllowedError') && !(error instanceof DOMException && error.name === 'AbortError')) {
        setFailure('AUDIO_FAILED');
      }
    });
  }

  useEffect(() => {
    if (seek !== null) apply(seek);
  }, [seek?.nonce, url]);

  if (failure !== null && refused !== undefined && REFUSED.has(failure)) {
    return (
      <p class="cs-message" role="status" data-testid="clip-refused">
        {refused}
      </p>
    );
  }
  if (failure !== null) {
    return (
      <p class="cs-message cs-message--error" role="alert">
        {translateError(locale, failure)}
      </p>
    );
  }
  if (url === null) {
    return (
      <p class="cs-message" role="status">
        {preparing}
      </p>
    );
  }
  return (
    <audio
      ref={audioRef}
      class="cs-clip-audio"
      controls
      preload="metadata"
      src={url}
      aria-label={label}
      data-testid="clip-audio"
      onLoadedMetadata={() => {
        if (pending.current !== null) apply(pending.current);
      }}
      onTimeUpdate={(event) => {
        const audio = event.currentTarget as HTMLAudioElement;
        if (stopAt.current !== null && audio.currentTime >= stopAt.current) {
          stopAt.current = null;
          audio.pause();
        }
      }}
      onError={() => setFailure('AUDIO_FAILED')}
    />
  );
}
