import type { CallView } from '../../core/api-types';
import type { Locale } from '../../core/host-bridge';
import { formatClock, formatDateTime, translateError, translateFlag } from '../../core/i18n';
import type { RequesterState } from './qa-review';
import { qaText, type QaMessageKey } from './qa-review.strings';

/** A dispute of one of the reviewer's evaluations, as the evaluation list shows it to its author. */
export interface ReviewerDispute {
  readonly id: string;
  readonly status: 'open' | 'resolved';
  readonly outcome: 'upheld' | 'changed' | null;
  readonly evaluationId: string;
  readonly callId: string;
  readonly callStartedAt: string;
}

/** One assignment of the sampling plan with its call and whether the reviewer has scored it. */
export interface QueueItem {
  readonly call: CallView;
  readonly stratum: 'risk' | 'control' | 'quota';
  readonly riskScore: number;
  readonly doubleScored: boolean;
  readonly blind: boolean;
  readonly done: boolean;
  readonly disputes: readonly ReviewerDispute[];
}

export interface ReviewQueueProps {
  readonly locale: Locale;
  readonly period: string;
  readonly planned: boolean;
  readonly assignments: readonly QueueItem[];
  readonly requester: RequesterState;
  readonly disputes: readonly ReviewerDispute[];
  readonly onOpen: (call: CallView) => void;
}

/** The reviewer's month (unscored first, then by risk), the requester's calls, and disputes of the reviewer's evaluations. */
export function ReviewQueue({ locale, period, planned, assignments, requester, disputes, onOpen }: ReviewQueueProps) {
  return (
    <div class="cs-qa-queue">
      <section aria-labelledby="cs-qa-mine">
        <h3 class="cs-subheading" id="cs-qa-mine">
          {qaText(locale, 'myReviews', { period })}
        </h3>
        {!planned ? <p class="cs-message">{qaText(locale, 'noPlan', { period })}</p> : null}
        {planned && assignments.length === 0 ? <p class="cs-message">{qaText(locale, 'myReviewsEmpty', { period })}</p> : null}
        {assignments.length > 0 ? (
          <ul class="cs-qa-list" data-testid="qa-assignments">
            {assignments.map((item) => (
              <li key={item.call.id}>
                <CallButton call={item.call} locale={locale} onOpen={onOpen} testId={`qa-assignment-${item.call.id}`}>
                  <span class={`cs-badge ${item.done ? 'cs-badge--done' : 'cs-badge--todo'}`}>{qaText(locale, item.done ? 'done' : 'toDo')}</span>
                  <span class="cs-badge">{qaText(locale, `stratum_${item.stratum}` as QaMessageKey)}</span>
                  <span class={`cs-badge ${item.riskScore >= 0.5 ? 'cs-badge--flag' : ''}`}>{qaText(locale, 'risk', { value: Math.round(item.riskScore * 100) })}</span>
                  {item.doubleScored ? <span class="cs-badge">{qaText(locale, item.blind ? 'blindBadge' : 'doubleScored')}</span> : null}
                  {item.disputes.some((d) => d.status === 'open') ? <span class="cs-badge cs-badge--flag">{qaText(locale, 'disputeOpen')}</span> : null}
                </CallButton>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="cs-qa-requester">
        <h3 class="cs-subheading" id="cs-qa-requester">
          {qaText(locale, 'requesterCalls')}
        </h3>
        {requester.status === 'no-phone' ? <p class="cs-message">{qaText(locale, 'requesterNoPhone')}</p> : null}
        {requester.status === 'error' ? (
          <p class="cs-message cs-message--error" role="alert">
            {translateError(locale, requester.code)}
          </p>
        ) : null}
        {requester.status === 'ready' && requester.calls.length === 0 ? <p class="cs-message">{qaText(locale, 'requesterEmpty')}</p> : null}
        {requester.status === 'ready' && requester.calls.length > 0 ? (
          <ul class="cs-qa-list" data-testid="qa-requester-calls">
            {requester.calls.map((call) => (
              <li key={call.id}>
                <CallButton call={call} locale={locale} onOpen={onOpen} testId={`qa-requester-${call.id}`}>
                  {call.risk !== null && call.risk !== undefined ? <span class="cs-badge">{qaText(locale, 'risk', { value: Math.round(call.risk * 100) })}</span> : null}
                </CallButton>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="cs-qa-disputes">
        <h3 class="cs-subheading" id="cs-qa-disputes">
          {qaText(locale, 'disputesTitle')}
        </h3>
        {disputes.length === 0 ? (
          <p class="cs-message">{qaText(locale, 'noDisputes')}</p>
        ) : (
          <ul class="cs-qa-disputes" data-testid="qa-disputes">
            {disputes.map((dispute) => (
              <li key={dispute.id}>
                {formatDateTime(dispute.callStartedAt, locale)} ·{' '}
                {dispute.status === 'open'
                  ? qaText(locale, 'disputeOpen')
                  : qaText(locale, 'disputeResolved', { outcome: qaText(locale, dispute.outcome === 'changed' ? 'outcome_changed' : 'outcome_upheld') })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function CallButton({ call, locale, onOpen, testId, children }: { call: CallView; locale: Locale; onOpen: (call: CallView) => void; testId: string; children?: preact.ComponentChildren }) {
  const flags = call.flags ?? [];
  return (
    <button type="button" class="cs-qa-call" data-testid={testId} onClick={() => onOpen(call)}>
      <span class="cs-qa-call__top">
        <span>{formatDateTime(call.startedAt, locale)}</span>
        <span class="cs-qa-call__duration">{formatClock(call.durationS)}</span>
      </span>
      <span class="cs-qa-call__meta">
        <span>{call.agentName ?? call.agentId ?? qaText(locale, 'unknownAgent')}</span>
        {call.inquiryType !== null ? <span>{call.inquiryType}</span> : null}
      </span>
      <span class="cs-badges">
        {children}
        {flags.map((flag) => (
          <span key={flag} class="cs-badge cs-badge--flag">
            {translateFlag(locale, flag)}
          </span>
        ))}
      </span>
    </button>
  );
}
