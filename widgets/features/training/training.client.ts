import type * as z from 'zod/mini';
import type { HubClient } from '../../core/api-client';
import { coachingTaskListResponseSchema } from '../../../core/api/coaching.api';
import { scorecardResponseSchema } from '../../../core/api/quality.api';
import { clipListResponseSchema, clipPinResponseSchema, type ListClipsQuery } from '../../../core/api/training.api';

export type ClipRead = z.infer<typeof clipListResponseSchema>['items'][number];
export type TaskRead = z.infer<typeof coachingTaskListResponseSchema>['items'][number];
export type PinRead = z.infer<typeof clipPinResponseSchema>;
export type ScorecardRead = z.infer<typeof scorecardResponseSchema>;
/** The library's filters as the screen sets them (all optional). */
export type ClipFilters = Pick<ListClipsQuery, 'demand' | 'inquiryType' | 'criterionId' | 'label'>;

/** Most clips one library page shows. */
export const LIBRARY_PAGE = 100;

/** The training library's hub calls, on the shared client (every answer checked against the contract). */
export interface TrainingClient {
  clips(filters: ClipFilters): Promise<ClipRead[]>;
  /** Open coaching tasks the reader may coach or read. */
  openTasks(): Promise<TaskRead[]>;
  pin(taskId: string, clipId: string): Promise<PinRead>;
  scorecard(id: string): Promise<ScorecardRead>;
}

/** Binds the training library's calls to a hub client. */
export function createTrainingClient(hub: HubClient): TrainingClient {
  return {
    async clips(filters) {
      const params = new URLSearchParams({ limit: String(LIBRARY_PAGE) });
      for (const [key, value] of Object.entries(filters)) if (typeof value === 'string' && value !== '') params.set(key, value);
      return (await hub.request('GET', `/api/v1/clips?${params.toString()}`, clipListResponseSchema)).items;
    },
    async openTasks() {
      return (await hub.request('GET', '/api/v1/coaching/tasks', coachingTaskListResponseSchema)).items.filter((task) => task.status !== 'completed');
    },
    pin(taskId, clipId) {
      return hub.request('POST', `/api/v1/coaching/tasks/${encodeURIComponent(taskId)}/clips`, clipPinResponseSchema, { clipId });
    },
    scorecard(id) {
      return hub.request('GET', `/api/v1/scorecards/${encodeURIComponent(id)}`, scorecardResponseSchema);
    },
  };
}
