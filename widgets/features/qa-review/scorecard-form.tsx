import type { AnswerValue } from '../../../core/quality/evaluation';
import type { Locale } from '../../core/host-bridge';
import { formatClock } from '../../core/i18n';
import { qaText } from './qa-review.strings';
import type { ScorecardVersion } from './qa-review.client';
import { criteriaOf, type AutomaticAnswer } from './review-analysis';
import type { ReviewDraft } from './review-draft';

export interface ScorecardFormProps {
  readonly card: ScorecardVersion;
  readonly locale: Locale;
  readonly automatic: ReadonlyMap<string, AutomaticAnswer>;
  readonly draft: ReviewDraft;
  readonly onAnswer: (criterionId: string, value: AnswerValue) => void;
  readonly onComment: (criterionId: string, text: string) => void;
  readonly onSeek: (startS: number) => void;
}

/** The value a criterion shows: the reviewer's answer, else the automatic one (null: unanswered). */
export function shownValue(criterionId: string, draft: ReviewDraft, automatic: ReadonlyMap<string, AutomaticAnswer>): AnswerValue | null {
  return draft.answers[criterionId] ?? automatic.get(criterionId)?.value ?? null;
}

/** Criteria that still need an answer before the evaluation can be sent. */
export function unansweredCriteria(card: ScorecardVersion, draft: ReviewDraft, automatic: ReadonlyMap<string, AutomaticAnswer>): string[] {
  return criteriaOf(card)
    .filter((c) => shownValue(c.id, draft, automatic) === null)
    .map((c) => c.id);
}

function label(locale: Locale, text: { zh: string; en: string }): string {
  return locale === 'zh-cn' ? text.zh : text.en;
}

function valueText(locale: Locale, value: AnswerValue, max?: number): string {
  if (value === 'pass' || value === 'fail' || value === 'na') return qaText(locale, value);
  return qaText(locale, 'points', { value, max: max ?? value });
}

/**
 * The scorecard of one version: sections, criteria with their scale (pass/fail or points), N/A where allowed,
 * automatic answers pre-filled with evidence buttons that seek the player, and a comment per criterion. Answer keys
 * work inside a criterion (Y pass, F fail, A N/A, digits points).
 */
export function ScorecardForm({ card, locale, automatic, draft, onAnswer, onComment, onSeek }: ScorecardFormProps) {
  function handleKeyDown(event: KeyboardEvent, criterionId: string, options: readonly AnswerValue[]) {
    const target = event.target as HTMLElement | null;
    if (target?.tagName === 'TEXTAREA' || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const chosen: AnswerValue | undefined = key === 'y' ? 'pass' : key === 'f' ? 'fail' : key === 'a' ? 'na' : /^[0-9]$/.test(key) ? Number(key) : undefined;
    if (chosen === undefined || !options.includes(chosen)) return;
    event.preventDefault();
    event.stopPropagation();
    onAnswer(criterionId, chosen);
    const input = (event.currentTarget as HTMLElement).querySelector<HTMLInputElement>(`input[value="${String(chosen)}"]`);
    input?.focus();
  }

  return (
    <div class="cs-qa-form">
      {card.sections.map((section) => (
        <fieldset key={section.id} class="cs-qa-section">
          <legend class="cs-qa-section__legend">
            {label(locale, section.label)} <span class="cs-qa-muted">({section.weight})</span>
          </legend>
          {section.criteria.map((criterion) => {
            const auto = automatic.get(criterion.id);
            const max = criterion.scale.kind === 'points' ? Number((criterion.scale as { max?: number }).max ?? 0) : undefined;
            const options: AnswerValue[] = max !== undefined ? Array.from({ length: max + 1 }, (_, i) => i) : ['pass', 'fail'];
            if (criterion.allowNa) options.push('na');
            const value = shownValue(criterion.id, draft, automatic);
            const overridden = auto !== undefined && auto.value !== null && draft.answers[criterion.id] !== undefined && draft.answers[criterion.id] !== auto.value;
            const nameId = `cs-qa-c-${criterion.id}`;
            return (
              <div
                key={criterion.id}
                class={`cs-qa-criterion ${value === null ? 'cs-qa-criterion--open' : ''}`}
                role="group"
                aria-labelledby={nameId}
                data-criterion={criterion.id}
                onKeyDown={(event) => handleKeyDown(event as unknown as KeyboardEvent, criterion.id, options)}
              >
                <div class="cs-qa-criterion__head">
                  <span id={nameId} class="cs-qa-criterion__label">
                    {label(locale, criterion.label)}
                  </span>
                  {criterion.kind === 'automatic' ? <span class="cs-badge cs-badge--auto">{qaText(locale, 'automatic')}</span> : null}
                  {criterion.critical ? <span class="cs-badge cs-badge--flag">{qaText(locale, 'critical')}</span> : null}
                </div>
                <div class="cs-qa-options" role="radiogroup" aria-labelledby={nameId}>
                  {options.map((option) => (
                    <label key={String(option)} class={`cs-qa-option ${value === option ? 'cs-qa-option--on' : ''}`}>
                      <input
                        type="radio"
                        name={`cs-qa-${criterion.id}`}
                        value={String(option)}
                        checked={value === option}
                        onChange={() => onAnswer(criterion.id, option)}
                      />
                      <span>{typeof option === 'number' ? option : qaText(locale, option)}</span>
                    </label>
                  ))}
                </div>
                {auto !== undefined && auto.value === null && draft.answers[criterion.id] === undefined ? <p class="cs-qa-note">{qaText(locale, 'automaticUndecided')}</p> : null}
                {overridden && auto?.value !== null && auto !== undefined ? (
                  <p class="cs-qa-note">{qaText(locale, 'overridden', { value: valueText(locale, auto.value as AnswerValue, max) })}</p>
                ) : null}
                {auto !== undefined && auto.evidence.length > 0 ? (
                  <div class="cs-qa-evidence">
                    {auto.evidence.map((evidence) => (
                      <button
                        key={`${evidence.startS}`}
                        type="button"
                        class="cs-qa-chip"
                        data-evidence-start={evidence.startS}
                        onClick={() => onSeek(evidence.startS)}
                      >
                        <span class="cs-visually-hidden">{qaText(locale, 'evidence')} </span>
                        <span aria-hidden="true">▶ </span>
                        {formatClock(evidence.startS)}
                        {evidence.endS !== undefined ? `–${formatClock(evidence.endS)}` : ''}
                      </button>
                    ))}
                  </div>
                ) : null}
                <textarea
                  class="cs-qa-comment"
                  rows={1}
                  maxLength={2000}
                  aria-label={qaText(locale, 'comment', { criterion: label(locale, criterion.label) })}
                  placeholder={qaText(locale, 'commentPlaceholder')}
                  value={draft.comments[criterion.id] ?? ''}
                  onInput={(event) => onComment(criterion.id, (event.currentTarget as HTMLTextAreaElement).value)}
                />
              </div>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}
