import type { AnswerValue } from '../../../core/quality/evaluation';

/** A clip of the call the reviewer marked from transcript lines (seconds). */
export interface DraftClip {
  readonly startS: number;
  readonly endS: number;
  readonly label: 'good' | 'bad';
  readonly note: string;
}

/** An unsent evaluation: answers the reviewer gave (automatic ones only when changed), comments and clips. */
export interface ReviewDraft {
  readonly answers: Readonly<Record<string, AnswerValue>>;
  readonly comments: Readonly<Record<string, string>>;
  readonly clips: readonly DraftClip[];
}

export const EMPTY_DRAFT: ReviewDraft = { answers: {}, comments: {}, clips: [] };

/** Where a draft lives: one per user, call and scorecard version, so a revised scorecard never inherits answers. */
export function draftKey(userId: string, callId: string, scorecardId: string, version: number): string {
  return `callsight.qa-draft.v1:${userId}:${callId}:${scorecardId}@${version}`;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage is refused in some sandboxed frames (third-party storage blocked): drafts then last for the page only.
    return null;
  }
}

const isAnswer = (value: unknown): value is AnswerValue =>
  value === 'pass' || value === 'fail' || value === 'na' || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100);

/** The stored draft, or null when there is none or it is not a draft this version wrote (ignored, never half-read). */
export function loadDraft(key: string): ReviewDraft | null {
  const raw = storage()?.getItem(key);
  if (raw === null || raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { answers, comments, clips } = parsed as Record<string, unknown>;
  if (typeof answers !== 'object' || answers === null || typeof comments !== 'object' || comments === null || !Array.isArray(clips)) return null;
  const draft: ReviewDraft = {
    answers: Object.fromEntries(Object.entries(answers).filter(([, value]) => isAnswer(value))) as Record<string, AnswerValue>,
    comments: Object.fromEntries(Object.entries(comments).filter(([, value]) => typeof value === 'string')) as Record<string, string>,
    clips: clips.filter(
      (clip): clip is DraftClip =>
        typeof clip === 'object' && clip !== null && typeof clip.startS === 'number' && typeof clip.endS === 'number' && (clip.label === 'good' || clip.label === 'bad') && typeof clip.note === 'string',
    ),
  };
  return isEmptyDraft(draft) ? null : draft;
}

export function isEmptyDraft(draft: ReviewDraft): boolean {
  return Object.keys(draft.answers).length === 0 && Object.values(draft.comments).every((c) => c === '') && draft.clips.length === 0;
}

/** Stores the draft (an empty one removes it). A full or refused storage leaves the draft in memory only. */
export function saveDraft(key: string, draft: ReviewDraft): void {
  const store = storage();
  if (store === null) return;
  try {
    if (isEmptyDraft(draft)) store.removeItem(key);
    else store.setItem(key, JSON.stringify(draft));
  } catch {
    // Quota exceeded: the form keeps working; the draft just will not survive a reload.
  }
}

export function clearDraft(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Refused storage holds no draft to clear.
  }
}
