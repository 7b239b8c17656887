import type * as z from 'zod/mini';
import { HubApiError, type HubClient } from '../../core/api-client';
import type { CallView } from '../../core/api-types';
import { coachingTaskListResponseSchema, coachingTaskSchema } from '../../../core/api/coaching.api';
import { coachingOutcomeReadSchema, type CoachingOutcomeRead } from '../../../core/api/my-calls.api';
import { callEvaluationsResponseSchema, disputeSchema, scorecardResponseSchema } from '../../../core/api/quality.api';
import { clipListResponseSchema } from '../../../core/api/training.api';

export type CallEvaluations = z.infer<typeof callEvaluationsResponseSchema>;
export type EvaluationRead = CallEvaluations['items'][number];
export type CoachingTaskRead = z.infer<typeof coachingTaskSchema>;
export type { CoachingOutcomeRead };
export type ScorecardRead = z.infer<typeof scorecardResponseSchema>;
export type DisputeRead = z.infer<typeof disputeSchema>;
export type ClipListRead = z.infer<typeof clipListResponseSchema>;

/** How many of the agent's recent calls the screen lists. */
export const RECENT_CALLS = 20;

const path = (...parts: string[]) => parts.map((p) => encodeURIComponent(p)).join('/');

/** The agent view's hub calls, on the shared client (every answer checked against the contract). */
export interface MyCallsClient {
  /** The reader's newest calls (the hub narrows an agent to their own). */
  recentCalls(): Promise<CallView[]>;
  evaluations(callId: string): Promise<CallEvaluations>;
  /** The scorecard's newest version (criterion labels in both languages). */
  scorecard(id: string): Promise<ScorecardRead>;
  dispute(evaluationId: string, reason: string, criterionId?: string): Promise<DisputeRead>;
  tasks(): Promise<CoachingTaskRead[]>;
  acknowledge(taskId: string): Promise<CoachingTaskRead>;
  complete(taskId: string): Promise<CoachingTaskRead>;
  /** The before/after result; null while the hub answers CONFLICT (the task is not completed yet). */
  outcome(taskId: string): Promise<CoachingOutcomeRead | null>;
  /** Library clips pinned to a coaching task. */
  pinnedClips(taskId: string): Promise<ClipListRead>;
}

/** Binds the agent view's calls to a hub client. */
export function createMyCallsClient(hub: HubClient): MyCallsClient {
  return {
    async recentCalls() {
      return (await hub.listCalls({ limit: RECENT_CALLS })).items;
    },
    evaluations(callId) {
      return hub.request('GET', `/api/v1/calls/${path(callId)}/evaluations`, callEvaluationsResponseSchema);
    },
    scorecard(id) {
      return hub.request('GET', `/api/v1/scorecards/${path(id)}`, scorecardResponseSchema);
    },
    dispute(evaluationId, reason, criterionId) {
      return hub.request('POST', `/api/v1/evaluations/${path(evaluationId)}/disputes`, disputeSchema, {
        reason,
        ...(criterionId !== undefined ? { criterionId } : {}),
      });
    },
    async tasks() {
      return (await hub.request('GET', '/api/v1/coaching/tasks', coachingTaskListResponseSchema)).items;
    },
    acknowledge(taskId) {
      return hub.request('POST', `/api/v1/coaching/tasks/${path(taskId)}/acknowledge`, coachingTaskSchema);
    },
    complete(taskId) {
      return hub.request('POST', `/api/v1/coaching/tasks/${path(taskId)}/complete`, coachingTaskSchema);
    },
    async outcome(taskId) {
      try {
        return await hub.request('GET', `/api/v1/coaching/tasks/${path(taskId)}/outcome`, coachingOutcomeReadSchema);
      } catch (error) {
        if (error instanceof HubApiError && error.code === 'CONFLICT') return null;
        throw error;
      }
    },
    pinnedClips(taskId) {
      return hub.request('GET', `/api/v1/clips?limit=50&taskId=${encodeURIComponent(taskId)}`, clipListResponseSchema);
    },
  };
}
