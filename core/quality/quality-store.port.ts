/**
 * Storage of quality management (issue 7), implemented by adapters/storage/sqlite/sqlite.quality.ts and
 * adapters/storage/postgres/postgres.quality.ts; both pass test/contracts/quality-store.contract.ts.
 * Every method takes the tenant id and never reads or writes another tenant's data. Results may be returned
 * directly or as a promise, so that embedded (synchronous) and networked stores both fit.
 */
import type { Awaitable } from '../shared/awaitable';
import type { CoachingTask } from '../coaching/coaching-task';
import type { SampleItem, SamplePlan, SampleReviewerInput } from '../sampling/sample-plan';
import type { Dispute } from './dispute';
import type { Evaluation } from './evaluation';
import type { Scorecard } from './scorecard';

export type { Awaitable };

/** A stored sampling plan with who made it and when. */
export interface StoredSamplePlan {
  readonly plan: SamplePlan;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface EvaluationQuery {
  /** Inclusive lower bound on the call start (ISO-8601). */
  readonly from?: string;
  /** Exclusive upper bound on the call start. */
  readonly to?: string;
  /** Only these agents' evaluations; an empty list matches nothing. */
  readonly agentIds?: readonly string[];
}

/** What the QA views need to know about a call's place in a sampling plan. */
export type SampledCall = Pick<SampleItem, 'callId' | 'agentId' | 'stratum' | 'reviewerIds' | 'blind'>;

export interface QualityStore {
  /** Stores a scorecard version; CONFLICT when that id and version exist. */
  insertScorecard(tenantId: string, card: Scorecard): Awaitable<void>;
  /** The given version, or the latest; null when absent. */
  getScorecard(tenantId: string, id: string, version?: number): Awaitable<Scorecard | null>;
  /** Every version of one scorecard, oldest first. */
  listScorecardVersions(tenantId: string, id: string): Awaitable<Scorecard[]>;
  /** Every version of every scorecard, by id then version. */
  listAllScorecards(tenantId: string): Awaitable<Scorecard[]>;

  /**
   * Stores an immutable evaluation with its clips, atomically. CONFLICT when the id exists; NOT_FOUND when the
   * scorecard version it references is not stored.
   */
  insertEvaluation(tenantId: string, evaluation: Evaluation): Awaitable<void>;
  getEvaluation(tenantId: string, id: string): Awaitable<Evaluation | null>;
  /** A call's evaluations, oldest first (by creation, then id). */
  listEvaluationsForCall(tenantId: string, callId: string): Awaitable<Evaluation[]>;
  /** Evaluations of calls started in [from, to), of some agents when given, by call start then id. */
  listEvaluations(tenantId: string, query?: EvaluationQuery): Awaitable<Evaluation[]>;

  /** Replaces the reviewer roster used by sampling, atomically. */
  setReviewers(tenantId: string, reviewers: readonly SampleReviewerInput[]): Awaitable<void>;
  /** The roster by reviewer id. */
  listReviewers(tenantId: string): Awaitable<SampleReviewerInput[]>;
  /**
   * Stores the plan of a period and assigns its calls to their reviewers (review_assignments), atomically.
   * CONFLICT when the period has a plan and not `replace`; replacing drops the old plan's assignments that the
   * new plan does not repeat and that the reviewer has not scored yet.
   */
  savePlan(tenantId: string, plan: SamplePlan, by: string, at: string, replace: boolean): Awaitable<void>;
  getPlan(tenantId: string, period: string): Awaitable<StoredSamplePlan | null>;
  /** The sample items that cover a call (normally at most one), by period. */
  sampleItemsForCall(tenantId: string, callId: string): Awaitable<SampledCall[]>;
  /** Reviewers a call is assigned to, by reviewer id. */
  reviewersOfCall(tenantId: string, callId: string): Awaitable<string[]>;
  /** Assigns calls to reviewers; idempotent, atomic. */
  assignReviews(tenantId: string, assignments: readonly { callId: string; reviewerId: string }[], at: string): Awaitable<void>;

  /** Stores a new dispute with its first history event; CONFLICT when the id exists. */
  insertDispute(tenantId: string, dispute: Dispute, agentId: string): Awaitable<void>;
  /**
   * Saves the resolution (and the revised evaluation when the outcome is `changed`) atomically; CONFLICT when
   * the stored dispute is absent or no longer open (a concurrent resolution won), and then nothing is written.
   */
  resolveDispute(tenantId: string, resolved: Dispute, revised: Evaluation | null): Awaitable<void>;
  getDispute(tenantId: string, id: string): Awaitable<Dispute | null>;
  /** Disputes of the given calls, oldest first (by opening, then id). */
  listDisputesForCalls(tenantId: string, callIds: readonly string[]): Awaitable<Dispute[]>;
  /** Disputes by status (all when omitted), of some agents when given, oldest first. */
  listDisputes(tenantId: string, query?: { status?: Dispute['status']; agentIds?: readonly string[] }): Awaitable<Dispute[]>;

  /** Stores a new coaching task with its first history event; CONFLICT when the id exists. */
  insertCoachingTask(tenantId: string, task: CoachingTask): Awaitable<void>;
  /** Saves the next state of a task; CONFLICT when the stored task is no longer in `previous`'s state. */
  updateCoachingTask(tenantId: string, previous: CoachingTask, next: CoachingTask): Awaitable<void>;
  getCoachingTask(tenantId: string, id: string): Awaitable<CoachingTask | null>;
  /** Coaching tasks, newest first (by assignment, then id), of some agents and of one status when given. */
  listCoachingTasks(tenantId: string, query?: { agentIds?: readonly string[]; status?: CoachingTask['status'] }): Awaitable<CoachingTask[]>;

  /**
   * Removes what quality management derived from a deleted call, atomically: its evaluations and clips, its
   * disputes and their history, sample items and review assignments. Coaching tasks keep their clip references
   * (times and the call id only); the audio behind them is gone with the call.
   */
  purgeCall(tenantId: string, callId: string): Awaitable<void>;
}
