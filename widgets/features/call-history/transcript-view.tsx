import { useEffect, useRef } from 'preact/hooks';
import type { Transcript } from '../../core/api-types';
import type { Locale } from '../../core/host-bridge';
import { formatClock, translate, translateFlag } from '../../core/i18n';
import { splitHighlights } from './transcript-timeline';

export interface TranscriptViewProps {
  readonly transcript: Transcript;
  readonly locale: Locale;
  /** Segment being heard, -1 for none. */
  readonly activeIndex: number;
  readonly onSeek: (startS: number) => void;
}

/**
 * The transcript as a list of segments, each a button that plays from its start. The segment being heard
 * is marked (`aria-current`) and kept in view inside the panel without scrolling the host page.
 */
export function TranscriptView({ transcript, locale, activeIndex, onSeek }: TranscriptViewProps) {
  const panelRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const panel = panelRef.current;
    const item = activeIndex >= 0 ? panel?.children[activeIndex] : undefined;
    if (panel == null || !(item instanceof HTMLElement)) return;
    const top = item.offsetTop - panel.offsetTop;
    if (top < panel.scrollTop || top + item.offsetHeight > panel.scrollTop + panel.clientHeight) {
      panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
    }
  }, [activeIndex]);

  return (
    <ol class="cs-transcript" ref={panelRef} lang={transcript.language === '' ? undefined : transcript.language}>
      {transcript.segments.map((segment, index) => {
        const speaker = translate(locale, segment.speaker === 'agent' ? 'speakerAgent' : 'speakerCustomer');
        const time = formatClock(segment.startS);
        const active = index === activeIndex;
        return (
          <li key={`${index}-${segment.startS}`} class={`cs-segment cs-segment--${segment.speaker}${active ? ' cs-segment--active' : ''}`}>
            <button
              type="button"
              class="cs-segment__button"
              aria-current={active ? 'true' : undefined}
              title={translate(locale, 'seekTo', { time })}
              onClick={() => onSeek(segment.startS)}
            >
              <span class="cs-segment__head">
                <span class="cs-segment__speaker">{speaker}</span>
                <span class="cs-segment__time">{time}</span>
              </span>
              <span class="cs-segment__text">
                {splitHighlights(segment.text, index, transcript.highlights).map((run, runIndex) =>
                  run.kind === undefined ? (
                    run.text
                  ) : (
                    <mark
                      key={runIndex}
                      class={`cs-mark cs-mark--${run.kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}
                      title={translateFlag(locale, run.kind)}
                    >
                      {run.text}
                      <span class="cs-visually-hidden"> ({translateFlag(locale, run.kind)})</span>
                    </mark>
                  ),
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
