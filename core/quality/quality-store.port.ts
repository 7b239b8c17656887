/**
 * Storage of quality management (issue 7), implemented by adapters/storage/sqlite/sqlite.quality.ts.
 * Every method takes the tenant id and never returns another tenant's data. Results may be returned
 * directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { CoachingTask } from '../coaching/coaching-task';
import type { SampleItem, SamplePlan, SampleReviewerInput } from '../sampling/sample-plan';
import type { Dispute } from './dispute';
import type { Evaluation } from './evaluation';
import type { Scorecard } from './scorecard';

export type Awaitable<T> = T | Promise<T>;

export interface StoredPlan {
  readonly plan: SamplePlan;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface QualityStore {
  /** CONFLICT when the id and version exist. */
  insertScorecard(tenantId: string, card: Scorecard): Awaitable<void>;
  /** The given version, or the latest; null when absent. */
  getScorecard(tenantId: string, id: string, version?: number): Awaitable<Scorecard | null>;
  /** Oldest first. */
  listScorecardVersions(tenantId: string, id: string): Awaitable<Scorecard[]>;
  listAllScorecards(tenantId: string): Awaitable<Scorecard[]>;

  /** Stores an immutable evaluation with its clips. */
  insertEvaluation(tenantId: string, evaluation: Evaluation): Awaitable<void>;
  getEvaluation(tenantId: string, id: string): Awaitable<Evaluation | null>;
  listEvaluationsForCall(tenantId: string, callId: string): Awaitable<Evaluation[]>;
  /** Evaluations of calls started in [from, to), of some agents when given. */
  listEvaluations(tenantId: string, query?: { from?: string; to?: string; agentIds?: readonly string[] }): Awaitable<Evaluation[]>;

  setReviewers(tenantId: string, reviewers: readonly SampleReviewerInput[]): Awaitable<void>;
  listReviewers(tenantId: string): Awaitable<SampleReviewerInput[]>;
  /** Stores the plan and its review assignments atomically; CONFLICT when the period has a plan and not `replace`. */
  savePlan(tenantId: string, plan: SamplePlan, by: string, at: string, replace: boolean): Awaitable<void>;
  getPlan(tenantId: string, period: string): Awaitable<StoredPlan | null>;
  sampleItemsForCall(tenantId: string, callId: string): Awaitable<Pick<SampleItem, 'callId' | 'agentId' | 'stratum' | 'reviewerIds' | 'blind'>[]>;
  reviewersOfCall(tenantId: string, callId: string): Awaitable<string[]>;
  assignReviews(tenantId: string, assignments: readonly { callId: string; reviewerId: string }[], at: string): Awaitable<void>;

  insertDispute(tenantId: string, dispute: Dispute, agentId: string): Awaitable<void>;
  /** Saves the resolution (and the revised evaluation) atomically; CONFLICT when no longer open. */
  resolveDispute(tenantId: string, resolved: Dispute, revised: Evaluation | null): Awaitable<void>;
  getDispute(tenantId: string, id: string): Awaitable<Dispute | null>;
  listDisputesForCalls(tenantId: string, callIds: readonly string[]): Awaitable<Dispute[]>;
  listDisputes(tenantId: string, query?: { status?: Dispute['status']; agentIds?: readonly string[] }): Awaitable<Dispute[]>;

  insertCoachingTask(tenantId: string, task: CoachingTask): Awaitable<void>;
  /** CONFLICT when the stored task is no longer in `previous`'s state. */
  updateCoachingTask(tenantId: string, previous: CoachingTask, next: CoachingTask): Awaitable<void>;
  getCoachingTask(tenantId: string, id: string): Awaitable<CoachingTask | null>;
  listCoachingTasks(tenantId: string, query?: { agentIds?: readonly string[]; status?: CoachingTask['status'] }): Awaitable<CoachingTask[]>;
}
