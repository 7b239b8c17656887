import {
  reviewAnalysisReadSchema,
  reviewEvaluationsReadSchema,
  reviewMineReadSchema,
  reviewScorecardReadSchema,
  savedClipReadSchema,
  submittedEvaluationReadSchema,
  type ReviewAnalysis,
  type ReviewEvaluations,
  type ReviewMine,
  type ReviewScorecard,
  type SavedClipRead,
  type SubmittedEvaluationRead,
} from '../../../core/api/qa-review.api';
import type { SubmitEvaluationRequest } from '../../../core/api/quality.api';
import type { SaveClipRequest } from '../../../core/api/training.api';
import { HubApiError, type HubClient } from '../../core/api-client';

export type MyReviews = ReviewMine;
export type CallEvaluations = ReviewEvaluations;
export type ScorecardVersion = ReviewScorecard;
export type SubmittedEvaluation = SubmittedEvaluationRead;

/** The hub calls of the QA review panel, on the widgets' one client (`HubClient.request`). */
export interface QaReviewClient {
  /** The reader's assignments of the month with their calls, scores and disputes, in one request (`planned` false before the plan). */
  listMyReviews(period: string): Promise<MyReviews>;
  /** A call's evaluations; `blind` (and no items) while the reader must not see other scores yet. */
  listEvaluations(callId: string): Promise<CallEvaluations>;
  /** The call's analysis; null before it has been analysed (404 `ANALYSIS_NOT_FOUND`). */
  getAnalysis(callId: string): Promise<ReviewAnalysis | null>;
  /** The latest version of a scorecard. */
  getScorecard(id: string): Promise<ScorecardVersion>;
  /** One stored version of a scorecard (the version an evaluation was made with). */
  getScorecardVersion(id: string, version: number): Promise<ScorecardVersion>;
  submitEvaluation(callId: string, request: SubmitEvaluationRequest): Promise<SubmittedEvaluation>;
  /** Saves a time range of a call to the training library as a good or bad example (`POST /api/v1/clips`). */
  saveTrainingClip(request: SaveClipRequest): Promise<SavedClipRead>;
}

const NOT_YET = new Set(['NOT_FOUND', 'ANALYSIS_NOT_FOUND', 'TRANSCRIPT_NOT_FOUND']);

/** Builds the panel's client on the shared hub client. */
export function createQaReviewClient(client: HubClient): QaReviewClient {
  const id = encodeURIComponent;
  return {
    listMyReviews(period) {
      return client.request('GET', `/api/v1/reviews/mine?period=${id(period)}`, reviewMineReadSchema);
    },
    listEvaluations(callId) {
      return client.request('GET', `/api/v1/calls/${id(callId)}/evaluations`, reviewEvaluationsReadSchema);
    },
    async getAnalysis(callId) {
      try {
        return await client.request('GET', `/api/v1/calls/${id(callId)}/analysis`, reviewAnalysisReadSchema);
      } catch (error) {
        if (error instanceof HubApiError && NOT_YET.has(error.code)) return null;
        throw error;
      }
    },
    getScorecard(scorecardId) {
      return client.request('GET', `/api/v1/scorecards/${id(scorecardId)}`, reviewScorecardReadSchema);
    },
    getScorecardVersion(scorecardId, version) {
      return client.request('GET', `/api/v1/scorecards/${id(scorecardId)}/versions/${version}`, reviewScorecardReadSchema);
    },
    submitEvaluation(callId, request) {
      return client.request('POST', `/api/v1/calls/${id(callId)}/evaluations`, submittedEvaluationReadSchema, request);
    },
    saveTrainingClip(request) {
      return client.request('POST', '/api/v1/clips', savedClipReadSchema, request);
    },
  };
}
