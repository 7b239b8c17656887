import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createHubClient } from '../../core/api-client';
import type { HubClient } from '../../core/api-client';
import { errorCode } from '../../core/host-error';
import type { CallView } from '../../core/api-types';
import type { HostBridge, HostContext, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { translate, translateError } from '../../core/i18n';
import { CallList } from './call-list';
import { CallPlayer } from './call-player';
import { useHostResize } from './use-host-resize';

export interface CallHistoryProps {
  readonly bridge: HostBridge;
  /** Calls fetched per page (1-200, the hub's limit). */
  readonly pageSize?: number;
  /** Language used until the host context is known (and if it never is). */
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
}

type ListState =
  | { readonly status: 'loading' }
  | { readonly status: 'no-phone' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly calls: readonly CallView[]; readonly nextCursor: string | null };

const SKIP_SPACE_TARGETS = new Set(['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'AUDIO', 'A', 'SUMMARY']);

/**
 * A customer's calls, newest first, with a player and the transcript of the selected call. Everything it
 * needs comes through `bridge`: the customer and language (context), the hub session (fetchToken), the
 * frame height (resize), and customer changes (onCustomerChanged: the list reloads in place, the selection
 * and any page still loading for the previous customer are dropped). What the reader may see is decided by
 * the hub, never here.
 */
export function CallHistory({ bridge, pageSize = 25, fallbackLocale, client: injectedClient }: CallHistoryProps) {
  const client = useMemo(() => injectedClient ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injectedClient]);
  const [context, setContext] = useState<HostContext | null>(null);
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [activeIndex, setActiveIndex] = useState(-1);
  const [selected, setSelected] = useState<CallView | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [customerVersion, setCustomerVersion] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const listGeneration = useRef(0);
  const locale = context?.locale ?? fallbackLocale ?? resolveLocale(globalThis.navigator?.language);

  useHostResize(rootRef, (heightPx) => bridge.resize(heightPx));

  useEffect(() => bridge.onCustomerChanged(() => setCustomerVersion((version) => version + 1)), [bridge]);

  useEffect(() => {
    let current = true;
    listGeneration.current += 1;
    setList({ status: 'loading' });
    setSelected(null);
    setActiveIndex(-1);
    setLoadingMore(false);
    setMoreError(null);
    bridge
      .context()
      .then(async (hostContext) => {
        if (!current) return;
        setContext(hostContext);
        const phone = hostContext.customer.phone?.trim();
        if (phone === undefined || phone === '') {
          setList({ status: 'no-phone' });
          return;
        }
        const page = await client.listCalls({ customerPhone: phone, limit: pageSize });
        if (current) setList({ status: 'ready', calls: page.items, nextCursor: page.nextCursor });
      })
      .catch((error: unknown) => {
        if (current) setList({ status: 'error', code: errorCode(error, 'HOST_UNAVAILABLE') });
      });
    return () => {
      current = false;
    };
  }, [bridge, client, pageSize, attempt, customerVersion]);

  function handleLoadMore() {
    if (list.status !== 'ready' || list.nextCursor === null || context === null) return;
    const phone = context.customer.phone?.trim() ?? '';
    const generation = listGeneration.current;
    setLoadingMore(true);
    setMoreError(null);
    client.listCalls({ customerPhone: phone, limit: pageSize, cursor: list.nextCursor }).then(
      (page) => {
        if (generation !== listGeneration.current) return;
        setLoadingMore(false);
        setList((previous) =>
          previous.status === 'ready' ? { status: 'ready', calls: [...previous.calls, ...page.items], nextCursor: page.nextCursor } : previous,
        );
      },
      (error: unknown) => {
        if (generation !== listGeneration.current) return;
        setLoadingMore(false);
        setMoreError(errorCode(error, 'INTERNAL'));
      },
    );
  }

  function handleKeyDown(event: KeyboardEvent) {
    if (event.key !== ' ' || event.defaultPrevented) return;
    const target = event.target as HTMLElement | null;
    if (target !== null && (SKIP_SPACE_TARGETS.has(target.tagName) || target.isContentEditable)) return;
    const audio = audioRef.current;
    if (audio === null) return;
    event.preventDefault();
    if (audio.paused) {
      audio.play().catch(() => {
        // A refused or aborted play leaves the visible player paused; the player's own handlers report real failures.
      });
    } else {
      audio.pause();
    }
  }

  const customerName = context?.customer.name;
  const listLabel =
    customerName === undefined || customerName === ''
      ? translate(locale, 'listLabelAnonymous')
      : translate(locale, 'listLabel', { customer: customerName });
  const hintId = 'cs-keyboard-hint';

  return (
    <div class="cs-root" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'} onKeyDown={handleKeyDown}>
      <h2 class="cs-heading">{translate(locale, 'title')}</h2>
      {list.status === 'loading' ? (
        <p class="cs-message" role="status" aria-live="polite">
          {translate(locale, 'loading')}
        </p>
      ) : null}
      {list.status === 'no-phone' ? <p class="cs-message">{translate(locale, 'noPhone')}</p> : null}
      {list.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>{translateError(locale, list.code)}</p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {translate(locale, 'retry')}
          </button>
        </div>
      ) : null}
      {list.status === 'ready' && list.calls.length === 0 ? <p class="cs-message">{translate(locale, 'empty')}</p> : null}
      {list.status === 'ready' && list.calls.length > 0 ? (
        <>
          <p id={hintId} class="cs-visually-hidden">
            {translate(locale, 'keyboardHint')}
          </p>
          <CallList
            calls={list.calls}
            locale={locale}
            label={listLabel}
            hintId={hintId}
            activeIndex={activeIndex}
            selectedId={selected?.id ?? null}
            onActiveIndexChange={setActiveIndex}
            onSelect={setSelected}
          />
          {list.nextCursor !== null ? (
            <button type="button" class="cs-button cs-button--more" disabled={loadingMore} onClick={handleLoadMore}>
              {translate(locale, loadingMore ? 'loadingMore' : 'loadMore')}
            </button>
          ) : null}
          {moreError !== null ? (
            <p class="cs-message cs-message--error" role="alert">
              {translateError(locale, moreError)}
            </p>
          ) : null}
          {selected === null ? (
            <p class="cs-message cs-hint">{translate(locale, 'selectPrompt')}</p>
          ) : (
            <CallPlayer key={selected.id} call={selected} client={client} locale={locale} audioRef={audioRef} />
          )}
        </>
      ) : null}
    </div>
  );
}
