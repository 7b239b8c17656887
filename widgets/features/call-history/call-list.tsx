import { useEffect, useRef } from 'preact/hooks';
import type { CallView } from '../../core/api-types';
import type { Locale } from '../../core/host-bridge';
import { formatClock, formatDateTime, formatDurationWords, translate, translateFlag } from '../../core/i18n';

export interface CallListProps {
  readonly calls: readonly CallView[];
  readonly locale: Locale;
  readonly label: string;
  readonly hintId: string;
  readonly activeIndex: number;
  readonly selectedId: string | null;
  readonly onActiveIndexChange: (index: number) => void;
  readonly onSelect: (call: CallView) => void;
}

/**
 * The calls as a single-select listbox: focus stays on the list, arrows / Home / End move the active
 * option (aria-activedescendant), Enter or a click selects. Space is left to the widget (play/pause).
 */
export function CallList(props: CallListProps) {
  const { calls, locale, activeIndex } = props;
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    const option = activeIndex >= 0 ? list?.querySelector<HTMLElement>(`#${optionId(calls[activeIndex]?.id ?? '')}`) : null;
    if (list == null || option == null) return;
    if (option.offsetTop < list.scrollTop) list.scrollTop = option.offsetTop;
    else if (option.offsetTop + option.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = option.offsetTop + option.offsetHeight - list.clientHeight;
    }
  }, [activeIndex, calls]);

  function handleKeyDown(event: KeyboardEvent) {
    if (calls.length === 0) return;
    const last = calls.length - 1;
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = Math.min(activeIndex + 1, last);
    else if (event.key === 'ArrowUp') next = Math.max(activeIndex - 1, 0);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    else if (event.key === 'Enter') {
      const call = calls[activeIndex];
      if (call !== undefined) {
        event.preventDefault();
        props.onSelect(call);
      }
      return;
    }
    if (next !== null) {
      event.preventDefault();
      props.onActiveIndexChange(next);
    }
  }

  function handleFocus() {
    if (activeIndex < 0) {
      const selected = calls.findIndex((call) => call.id === props.selectedId);
      props.onActiveIndexChange(selected >= 0 ? selected : 0);
    }
  }

  const activeCall = calls[activeIndex];
  return (
    <ul
      ref={listRef}
      class="cs-list"
      role="listbox"
      tabIndex={0}
      aria-label={props.label}
      aria-describedby={props.hintId}
      aria-activedescendant={activeCall === undefined ? undefined : optionId(activeCall.id)}
      onKeyDown={handleKeyDown}
      onFocus={handleFocus}
    >
      {calls.map((call, index) => (
        <CallOption
          key={call.id}
          call={call}
          locale={locale}
          active={index === activeIndex}
          selected={call.id === props.selectedId}
          onClick={() => {
            props.onActiveIndexChange(index);
            props.onSelect(call);
          }}
        />
      ))}
    </ul>
  );
}

interface CallOptionProps {
  readonly call: CallView;
  readonly locale: Locale;
  readonly active: boolean;
  readonly selected: boolean;
  readonly onClick: () => void;
}

function CallOption({ call, locale, active, selected, onClick }: CallOptionProps) {
  const flags = call.flags ?? [];
  const direction = translate(locale, call.direction === 'inbound' ? 'inbound' : 'outbound');
  const details = [call.agentName ?? call.agentId ?? translate(locale, 'agentUnknown'), call.inquiryType].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return (
    <li
      id={optionId(call.id)}
      role="option"
      aria-selected={selected}
      class={`cs-call${active ? ' cs-call--active' : ''}${selected ? ' cs-call--selected' : ''}`}
      onClick={onClick}
    >
      <div class="cs-call__top">
        <span class="cs-call__date">{formatDateTime(call.startedAt, locale)}</span>
        <span class="cs-call__duration">
          <span aria-hidden="true">{formatClock(call.durationS)}</span>
          <span class="cs-visually-hidden">{translate(locale, 'durationLabel', { duration: formatDurationWords(call.durationS, locale) })}</span>
        </span>
      </div>
      <div class="cs-call__meta">
        <span class={`cs-direction cs-direction--${call.direction}`}>
          <span aria-hidden="true">{call.direction === 'inbound' ? '↙ ' : '↗ '}</span>
          {direction}
        </span>
        {call.channel === 'ivr' ? <span class="cs-badge">{translate(locale, 'ivr')}</span> : null}
        {details.map((part) => (
          <span class="cs-call__detail" key={part}>
            {part}
          </span>
        ))}
      </div>
      {flags.length > 0 ? (
        <div class="cs-badges">
          <span class="cs-visually-hidden">{translate(locale, 'flagsLabel')}: </span>
          {flags.map((flag) => (
            <span key={flag} class="cs-badge cs-badge--flag" data-flag={flag}>
              {translateFlag(locale, flag)}
            </span>
          ))}
        </div>
      ) : null}
    </li>
  );
}

/** DOM id of a call's option; hub ids are `c_...`, anything else is escaped into the id alphabet. */
export function optionId(callId: string): string {
  return `cs-call-${callId.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`)}`;
}
