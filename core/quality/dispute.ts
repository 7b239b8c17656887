/**
 * Disputes of a score: an agent disputes an evaluation (or one criterion of it), a manager resolves it as
 * upheld or changed. Pure state machine open -> resolved; every step is kept in `history` for the audit
 * trail, and a changed score points at the new evaluation (evaluations themselves are never edited).
 */
import { CallsightError } from '../shared/errors';
import type { Evaluation } from './evaluation';

export type DisputeOutcome = 'upheld' | 'changed';

export interface DisputeEvent {
  readonly action: 'opened' | 'resolved';
  readonly by: string;
  readonly at: string;
  readonly note: string;
}

export interface Dispute {
  readonly id: string;
  readonly evaluationId: string;
  readonly callId: string;
  /** The disputed criterion, or null when the whole evaluation is disputed. */
  readonly criterionId: string | null;
  readonly status: 'open' | 'resolved';
  readonly openedBy: string;
  readonly openedAt: string;
  readonly reason: string;
  readonly outcome: DisputeOutcome | null;
  readonly resolvedBy: string | null;
  readonly resolvedAt: string | null;
  readonly resolutionNote: string | null;
  /** The superseding evaluation when the outcome is `changed`. */
  readonly revisedEvaluationId: string | null;
  readonly history: readonly DisputeEvent[];
}

const MAX_NOTE = 2000;

function requireNote(text: string, what: string): string {
  if (typeof text !== 'string' || !text.trim() || text.length > MAX_NOTE) {
    throw new CallsightError('VALIDATION_FAILED', `${what} is required (at most ${MAX_NOTE} characters)`);
  }
  return text.trim();
}

/** Opens a dispute. The reviewer who gave the score cannot dispute it (FORBIDDEN); the criterion must be on the evaluation. */
export function openDispute(input: {
  readonly id: string;
  readonly evaluation: Evaluation;
  readonly criterionId?: string;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}): Dispute {
  if (input.by === input.evaluation.reviewerId) throw new CallsightError('FORBIDDEN', 'the reviewer who gave a score cannot dispute it');
  if (input.criterionId !== undefined && !input.evaluation.score.criteria.some((c) => c.criterionId === input.criterionId)) {
    throw new CallsightError('VALIDATION_FAILED', `criterion "${input.criterionId}" is not on the disputed evaluation`);
  }
  const reason = requireNote(input.reason, 'a reason for the dispute');
  return Object.freeze({
    id: input.id,
    evaluationId: input.evaluation.id,
    callId: input.evaluation.callId,
    criterionId: input.criterionId ?? null,
    status: 'open',
    openedBy: input.by,
    openedAt: input.at,
    reason,
    outcome: null,
    resolvedBy: null,
    resolvedAt: null,
    resolutionNote: null,
    revisedEvaluationId: null,
    history: Object.freeze([Object.freeze({ action: 'opened' as const, by: input.by, at: input.at, note: reason })]),
  });
}

/**
 * Resolves an open dispute. CONFLICT when it is already resolved; FORBIDDEN when the resolver opened it
 * or gave the disputed score (`originalReviewerId`); `changed` needs the revised evaluation of the same
 * call, `upheld` takes none (VALIDATION_FAILED otherwise).
 */
export function resolveDispute(
  dispute: Dispute,
  input: {
    readonly by: string;
    readonly at: string;
    readonly outcome: DisputeOutcome;
    readonly note: string;
    readonly originalReviewerId: string;
    readonly revisedEvaluation?: Evaluation;
  },
): Dispute {
  if (dispute.status !== 'open') throw new CallsightError('CONFLICT', 'this dispute is already resolved', { details: { disputeId: dispute.id } });
  if (input.by === dispute.openedBy || input.by === input.originalReviewerId) {
    throw new CallsightError('FORBIDDEN', 'a dispute is resolved by someone other than the agent who opened it and the reviewer who scored');
  }
  if (input.outcome !== 'upheld' && input.outcome !== 'changed') throw new CallsightError('VALIDATION_FAILED', 'outcome must be upheld or changed');
  if (input.outcome === 'changed') {
    const revised = input.revisedEvaluation;
    if (!revised || revised.callId !== dispute.callId || revised.id === dispute.evaluationId) {
      throw new CallsightError('VALIDATION_FAILED', 'a changed outcome needs the new evaluation of the same call');
    }
  } else if (input.revisedEvaluation) {
    throw new CallsightError('VALIDATION_FAILED', 'an upheld score takes no revised evaluation');
  }
  const note = requireNote(input.note, 'a resolution note');
  return Object.freeze({
    ...dispute,
    status: 'resolved',
    outcome: input.outcome,
    resolvedBy: input.by,
    resolvedAt: input.at,
    resolutionNote: note,
    revisedEvaluationId: input.revisedEvaluation?.id ?? null,
    history: Object.freeze([...dispute.history, Object.freeze({ action: 'resolved' as const, by: input.by, at: input.at, note: `${input.outcome}: ${note}` })]),
  });
}
