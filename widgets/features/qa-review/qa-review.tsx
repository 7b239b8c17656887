import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createHubClient, HubApiError, type HubClient } from '../../core/api-client';
import type { CallView } from '../../core/api-types';
import type { HostBridge, HostContext, Locale } from '../../core/host-bridge';
import { resolveLocale } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { translateError } from '../../core/i18n';
import { CallHistory } from '../call-history/call-history';
import { useHostResize } from '../call-history/use-host-resize';
import { createQaReviewClient, type QaReviewClient } from './qa-review.client';
import { qaText } from './qa-review.strings';
import { ReviewCall } from './review-call';
import { ReviewQueue, type QueueItem, type ReviewerDispute } from './review-queue';

export interface QaReviewProps {
  readonly bridge: HostBridge;
  readonly fallbackLocale?: Locale;
  /** Injected for tests; defaults to a client built on `bridge.fetchToken`. */
  readonly client?: HubClient;
  /** Injected for tests; defaults to the current time (the month whose reviews are shown). */
  readonly now?: () => Date;
}

type PanelState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'history' }
  | {
      readonly status: 'reviewer';
      readonly reviewerId: string | null;
      readonly planned: boolean;
      readonly assignments: readonly QueueItem[];
      readonly requester: RequesterState;
      readonly disputes: readonly ReviewerDispute[];
    };

export type RequesterState =
  | { readonly status: 'no-phone' }
  | { readonly status: 'error'; readonly code: string }
  | { readonly status: 'ready'; readonly calls: readonly CallView[] };

/**
 * The QA review panel (issue 15 item 1): a reviewer's assignments of this month's sampling plan, risk first and
 * unscored first, and the calls of the ticket's requester; opening one shows the player, the transcript with the
 * analysis overlaid and the scorecard form. Roles that may not see sampling plans (agents) get the requester's call
 * history instead. Everything shown comes from the hub, which decides what the reader may see.
 */
export function QaReview({ bridge, fallbackLocale, client: injectedClient, now = () => new Date() }: QaReviewProps) {
  const client = useMemo(() => injectedClient ?? createHubClient({ fetchToken: () => bridge.fetchToken() }), [bridge, injectedClient]);
  const qa = useMemo(() => createQaReviewClient(client), [client]);
  const [context, setContext] = useState<HostContext | null>(null);
  const [state, setState] = useState<PanelState>({ status: 'loading' });
  const [open, setOpen] = useState<CallView | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [customerVersion, setCustomerVersion] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const period = useMemo(() => now().toISOString().slice(0, 7), [now]);
  const locale = context?.locale ?? fallbackLocale ?? resolveLocale(globalThis.navigator?.language);

  useHostResize(rootRef, (heightPx) => bridge.resize(heightPx));
  const showsHistory = useRef(false);
  showsHistory.current = state.status === 'history';
  // The call history follows a customer change itself, in place; the review lists are reloaded for the new requester.
  useEffect(() => bridge.onCustomerChanged(() => !showsHistory.current && setCustomerVersion((v) => v + 1)), [bridge]);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    setOpen(null);
    loadPanel(bridge, client, qa, period).then(
      ([hostContext, next]) => {
        if (!current) return;
        setContext(hostContext);
        setState(next);
      },
      (error: unknown) => current && setState({ status: 'error', code: errorCode(error, 'INTERNAL') }),
    );
    return () => {
      current = false;
    };
  }, [bridge, client, qa, period, attempt, customerVersion]);

  if (state.status === 'history') return <CallHistory bridge={bridge} client={client} fallbackLocale={locale} />;

  const userKey = state.status === 'reviewer' ? (state.reviewerId ?? context?.user?.id ?? 'me') : 'me';
  return (
    <div class="cs-root cs-qa" ref={rootRef} lang={locale === 'zh-cn' ? 'zh-CN' : 'en'}>
      <h2 class="cs-heading">{qaText(locale, 'title')}</h2>
      {state.status === 'loading' ? (
        <p class="cs-message" role="status" aria-live="polite">
          {qaText(locale, 'loading')}
        </p>
      ) : null}
      {state.status === 'error' ? (
        <div class="cs-message cs-message--error" role="alert">
          <p>{translateError(locale, state.code)}</p>
          <button type="button" class="cs-button" onClick={() => setAttempt((n) => n + 1)}>
            {qaText(locale, 'retry')}
          </button>
        </div>
      ) : null}
      {state.status === 'reviewer' && open === null ? (
        <ReviewQueue
          locale={locale}
          period={period}
          planned={state.planned}
          assignments={state.assignments}
          requester={state.requester}
          disputes={state.disputes}
          onOpen={setOpen}
        />
      ) : null}
      {state.status === 'reviewer' && open !== null ? (
        <ReviewCall
          key={open.id}
          call={open}
          client={client}
          qa={qa}
          locale={locale}
          reviewerId={state.reviewerId}
          userKey={userKey}
          onBack={() => {
            setOpen(null);
            setAttempt((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}

async function loadPanel(bridge: HostBridge, client: HubClient, qa: QaReviewClient, period: string): Promise<[HostContext, PanelState]> {
  const hostContext = await bridge.context();
  // Asked first, not alongside the requester's calls: an agent is refused and gets the call history, which lists
  // those calls itself, so asking for them here as well would list them twice for the panel's most common user.
  const mine = await qa.listMyReviews(period).catch((error: unknown) => {
    if (error instanceof HubApiError && error.code === 'FORBIDDEN') return null;
    throw error;
  });
  if (mine === null) return [hostContext, { status: 'history' }];
  const requester = await loadRequester(client, hostContext);
  const assignments: QueueItem[] = mine.items.map((item) => ({
    call: item.call,
    stratum: item.stratum,
    riskScore: item.riskScore,
    doubleScored: item.doubleScored,
    blind: item.blind,
    done: item.done,
    disputes: item.disputes.map((d) => ({ ...d, callId: item.call.id, callStartedAt: item.call.startedAt })),
  }));
  return [
    hostContext,
    { status: 'reviewer', reviewerId: mine.reviewerId, planned: mine.planned, assignments, requester, disputes: assignments.flatMap((item) => item.disputes) },
  ];
}

async function loadRequester(client: HubClient, context: HostContext): Promise<RequesterState> {
  const phone = context.customer.phone?.trim() ?? '';
  if (phone === '') return { status: 'no-phone' };
  try {
    const page = await client.listCalls({ customerPhone: phone, limit: 25 });
    return { status: 'ready', calls: page.items };
  } catch (error) {
    return { status: 'error', code: errorCode(error, 'INTERNAL') };
  }
}
