/**
 * Coaching tasks (DOMAIN R-LOOP-2): problem clips and advice pushed to an agent, tracked through
 * assigned -> acknowledged -> completed. Pure state machine; each step is kept in `history` for audit.
 */
import { CallsightError } from '../shared/errors';

export type CoachingStatus = 'assigned' | 'acknowledged' | 'completed';

export interface CoachingClip {
  readonly callId: string;
  readonly startS: number;
  readonly endS: number;
  readonly label: 'good' | 'bad';
  readonly note: string;
}

export interface CoachingEvent {
  readonly status: CoachingStatus;
  readonly by: string;
  readonly at: string;
}

export interface CoachingTask {
  readonly id: string;
  readonly agentId: string;
  /** Criteria (or flags) the task is about; the follow-up re-samples on these. */
  readonly criterionIds: readonly string[];
  readonly clips: readonly CoachingClip[];
  readonly advice: string;
  readonly status: CoachingStatus;
  readonly assignedBy: string;
  readonly assignedAt: string;
  readonly dueAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly completedAt: string | null;
  readonly history: readonly CoachingEvent[];
}

const MAX_ADVICE = 4000;

function invalid(message: string): CallsightError {
  return new CallsightError('VALIDATION_FAILED', message);
}

function requireInstant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`${name} must be an ISO-8601 instant`);
  return ms;
}

/** Creates an assigned task. Needs at least one criterion, advice text, and clips with 0 <= startS < endS. */
export function createCoachingTask(input: {
  readonly id: string;
  readonly agentId: string;
  readonly criterionIds: readonly string[];
  readonly clips: readonly CoachingClip[];
  readonly advice: string;
  readonly by: string;
  readonly at: string;
  readonly dueAt?: string;
}): CoachingTask {
  if (input.by === input.agentId) throw new CallsightError('FORBIDDEN', 'an agent cannot assign coaching to themselves');
  if (input.criterionIds.length === 0) throw invalid('a coaching task names at least one criterion');
  if (typeof input.advice !== 'string' || !input.advice.trim() || input.advice.length > MAX_ADVICE) {
    throw invalid(`advice is required (at most ${MAX_ADVICE} characters)`);
  }
  const assigned = requireInstant(input.at, 'at');
  if (input.dueAt !== undefined && requireInstant(input.dueAt, 'dueAt') <= assigned) throw invalid('dueAt must be after the assignment');
  input.clips.forEach((clip, i) => {
    if (!(Number.isFinite(clip.startS) && Number.isFinite(clip.endS) && clip.startS >= 0 && clip.startS < clip.endS)) {
      throw invalid(`clip ${i + 1} needs 0 <= startS < endS`);
    }
  });
  return Object.freeze({
    id: input.id,
    agentId: input.agentId,
    criterionIds: Object.freeze([...new Set(input.criterionIds)]),
    clips: Object.freeze(input.clips.map((c) => Object.freeze({ ...c }))),
    advice: input.advice.trim(),
    status: 'assigned',
    assignedBy: input.by,
    assignedAt: input.at,
    dueAt: input.dueAt ?? null,
    acknowledgedAt: null,
    completedAt: null,
    history: Object.freeze([Object.freeze({ status: 'assigned' as const, by: input.by, at: input.at })]),
  });
}

function lastAt(task: CoachingTask): number {
  return Date.parse(task.history[task.history.length - 1]!.at);
}

/** The agent acknowledges the task. FORBIDDEN for anyone else; CONFLICT unless it is assigned. */
export function acknowledgeCoachingTask(task: CoachingTask, step: { readonly by: string; readonly at: string }): CoachingTask {
  if (step.by !== task.agentId) throw new CallsightError('FORBIDDEN', 'only the coached agent acknowledges a coaching task');
  if (task.status !== 'assigned') throw new CallsightError('CONFLICT', `a ${task.status} coaching task cannot be acknowledged`);
  if (requireInstant(step.at, 'at') < lastAt(task)) throw invalid('acknowledgement cannot precede the assignment');
  return Object.freeze({
    ...task,
    status: 'acknowledged',
    acknowledgedAt: step.at,
    history: Object.freeze([...task.history, Object.freeze({ status: 'acknowledged' as const, by: step.by, at: step.at })]),
  });
}

/** The agent or the coach marks the training done. FORBIDDEN for others; CONFLICT unless acknowledged first. */
export function completeCoachingTask(task: CoachingTask, step: { readonly by: string; readonly at: string }): CoachingTask {
  if (step.by !== task.agentId && step.by !== task.assignedBy) throw new CallsightError('FORBIDDEN', 'only the agent or the assigning coach completes a coaching task');
  if (task.status !== 'acknowledged') throw new CallsightError('CONFLICT', `a ${task.status} coaching task cannot be completed; it must be acknowledged first`);
  if (requireInstant(step.at, 'at') < lastAt(task)) throw invalid('completion cannot precede the acknowledgement');
  return Object.freeze({
    ...task,
    status: 'completed',
    completedAt: step.at,
    history: Object.freeze([...task.history, Object.freeze({ status: 'completed' as const, by: step.by, at: step.at })]),
  });
}
