import type Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import type { Scorecard } from '../../../core/quality/scorecard';
import type { Evaluation } from '../../../core/quality/evaluation';
import type { Dispute } from '../../../core/quality/dispute';
import type { CoachingTask } from '../../../core/coaching/coaching-task';
import type { SamplePlan, SampleReviewerInput } from '../../../core/sampling/sample-plan';
import type { EvaluationQuery, QualityStore, SampledCall, StoredSamplePlan } from '../../../core/quality/quality-store.port';
import { prepared } from './sqlite-statements';

export type { EvaluationQuery, StoredSamplePlan } from '../../../core/quality/quality-store.port';

function sqliteCode(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
}

/** A duplicate key on insert becomes CONFLICT with `message`; anything else is rethrown as it is. */
/** The message of a second open dispute on one evaluation (index qa_disputes_one_open). */
const OPEN_DISPUTE_EXISTS = 'this evaluation already has an open dispute';

function rethrowDuplicate(error: unknown, message: string): never {
  if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new CallsightError('CONFLICT', message, { cause: error });
  throw error;
}

/**
 * Quality management storage on SQLite: scorecard versions, immutable evaluations with their clips, the
 * reviewer roster, sampling plans (whose assignments go into review_assignments, the QA access scope),
 * disputes and coaching tasks with append-only histories. Every method takes the tenant id.
 */
export class SqliteQualityStore implements QualityStore {
  constructor(private readonly db: Database.Database) {}

  /** Stores a scorecard version; CONFLICT when that id and version already exist. */
  insertScorecard(tenantId: string, card: Scorecard): void {
    try {
      prepared(this.db, 'INSERT INTO qa_scorecards (tenant_id, id, version, card_json, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(tenantId, card.id, card.version, JSON.stringify(card), card.createdAt, card.createdBy);
    } catch (error) {
      rethrowDuplicate(error, `scorecard ${card.id} version ${card.version} already exists`);
    }
  }

  /** One version, or the latest when `version` is omitted; null when absent. */
  getScorecard(tenantId: string, id: string, version?: number): Scorecard | null {
    const row = (
      version === undefined
        ? prepared(this.db, 'SELECT card_json FROM qa_scorecards WHERE tenant_id = ? AND id = ? ORDER BY version DESC LIMIT 1').get(tenantId, id)
        : prepared(this.db, 'SELECT card_json FROM qa_scorecards WHERE tenant_id = ? AND id = ? AND version = ?').get(tenantId, id, version)
    ) as { card_json: string } | undefined;
    return row ? (JSON.parse(row.card_json) as Scorecard) : null;
  }

  /** Every version of one scorecard, oldest first. */
  listScorecardVersions(tenantId: string, id: string): Scorecard[] {
    const rows = prepared(this.db, 'SELECT card_json FROM qa_scorecards WHERE tenant_id = ? AND id = ? ORDER BY version').all(tenantId, id) as { card_json: string }[];
    return rows.map((r) => JSON.parse(r.card_json) as Scorecard);
  }

  /** Every version of every scorecard of the tenant, by id then version. */
  listAllScorecards(tenantId: string): Scorecard[] {
    const rows = prepared(this.db, 'SELECT card_json FROM qa_scorecards WHERE tenant_id = ? ORDER BY id, version').all(tenantId) as { card_json: string }[];
    return rows.map((r) => JSON.parse(r.card_json) as Scorecard);
  }

  /** Stores an evaluation and its clips atomically; CONFLICT on a known id, NOT_FOUND on an unknown scorecard version. */
  insertEvaluation(tenantId: string, evaluation: Evaluation): void {
    this.db.transaction(() => this.writeEvaluation(tenantId, evaluation))();
  }

  private writeEvaluation(tenantId: string, e: Evaluation): void {
    try {
      prepared(
      this.db,
          `INSERT INTO qa_evaluations (tenant_id, id, call_id, agent_id, reviewer_id, call_started_at, scorecard_id, scorecard_version,
             total, critical_failed, evaluation_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(tenantId, e.id, e.callId, e.agentId, e.reviewerId, e.callStartedAt, e.scorecard.scorecardId, e.scorecard.version, e.score.total, e.score.criticalFailed ? 1 : 0, JSON.stringify(e), e.createdAt);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new CallsightError('NOT_FOUND', `scorecard ${e.scorecard.scorecardId} version ${e.scorecard.version} does not exist`, { cause: error });
      }
      rethrowDuplicate(error, `evaluation ${e.id} already exists`);
    }
    const clip = prepared(
      this.db,
      `INSERT INTO qa_clips (tenant_id, evaluation_id, seq, call_id, agent_id, start_s, end_s, label, note, criterion_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    e.clips.forEach((c, i) => clip.run(tenantId, e.id, i, e.callId, e.agentId, c.startS, c.endS, c.label, c.note, c.criterionId ?? null, e.createdAt));
  }

  getEvaluation(tenantId: string, id: string): Evaluation | null {
    const row = prepared(this.db, 'SELECT evaluation_json FROM qa_evaluations WHERE tenant_id = ? AND id = ?').get(tenantId, id) as { evaluation_json: string } | undefined;
    return row ? (JSON.parse(row.evaluation_json) as Evaluation) : null;
  }

  /** A call's evaluations, oldest first. */
  listEvaluationsForCall(tenantId: string, callId: string): Evaluation[] {
    const rows = prepared(this.db, 'SELECT evaluation_json FROM qa_evaluations WHERE tenant_id = ? AND call_id = ? ORDER BY created_at, id')
      .all(tenantId, callId) as { evaluation_json: string }[];
    return rows.map((r) => JSON.parse(r.evaluation_json) as Evaluation);
  }

  /** Evaluations of calls started in [from, to), optionally of some agents only. */
  listEvaluations(tenantId: string, query: EvaluationQuery = {}): Evaluation[] {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (query.from !== undefined) {
      where.push('call_started_at >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('call_started_at < ?');
      params.push(query.to);
    }
    if (query.agentIds !== undefined) {
      if (query.agentIds.length === 0) return [];
      where.push(`agent_id IN (${query.agentIds.map(() => '?').join(', ')})`);
      params.push(...query.agentIds);
    }
    const rows = prepared(this.db, `SELECT evaluation_json FROM qa_evaluations WHERE ${where.join(' AND ')} ORDER BY call_started_at, id`)
      .all(...params) as { evaluation_json: string }[];
    return rows.map((r) => JSON.parse(r.evaluation_json) as Evaluation);
  }

  /** Replaces the reviewer roster used by sampling. */
  setReviewers(tenantId: string, reviewers: readonly SampleReviewerInput[]): void {
    this.db.transaction(() => {
      prepared(this.db, 'DELETE FROM qa_reviewers WHERE tenant_id = ?').run(tenantId);
      const insert = prepared(this.db, 'INSERT INTO qa_reviewers (tenant_id, reviewer_id, agent_id) VALUES (?, ?, ?)');
      for (const r of reviewers) insert.run(tenantId, r.id, r.agentId ?? null);
    })();
  }

  listReviewers(tenantId: string): SampleReviewerInput[] {
    const rows = prepared(this.db, 'SELECT reviewer_id, agent_id FROM qa_reviewers WHERE tenant_id = ? ORDER BY reviewer_id').all(tenantId) as {
      reviewer_id: string;
      agent_id: string | null;
    }[];
    return rows.map((r) => ({ id: r.reviewer_id, ...(r.agent_id ? { agentId: r.agent_id } : {}) }));
  }

  /**
   * Stores the plan of a period and assigns its calls to their reviewers in review_assignments, in one
   * transaction. An existing plan of the period is a CONFLICT unless `replace`; replacing removes the old
   * plan's assignments that the new plan does not repeat and that the reviewer has not scored yet.
   */
  savePlan(tenantId: string, plan: SamplePlan, by: string, at: string, replace: boolean): void {
    this.db.transaction(() => {
      const existing = prepared(this.db, 'SELECT 1 FROM qa_sample_plans WHERE tenant_id = ? AND period = ?').get(tenantId, plan.period);
      if (existing && !replace) {
        throw new CallsightError('CONFLICT', `a sampling plan for ${plan.period} exists already; pass "replace": true to plan it again`);
      }
      const wanted = new Set(plan.items.flatMap((i) => i.reviewerIds.map((r) => `${i.callId}\u0000${r}`)));
      if (existing) {
        const old = prepared(this.db, 'SELECT call_id, reviewer_ids_json FROM qa_sample_items WHERE tenant_id = ? AND period = ?').all(tenantId, plan.period) as {
          call_id: string;
          reviewer_ids_json: string;
        }[];
        const drop = prepared(
      this.db,
          `DELETE FROM review_assignments WHERE tenant_id = ? AND call_id = ? AND reviewer_id = ?
             AND NOT EXISTS (SELECT 1 FROM qa_evaluations e WHERE e.tenant_id = ? AND e.call_id = ? AND e.reviewer_id = ?)`,
        );
        for (const row of old) {
          for (const reviewer of JSON.parse(row.reviewer_ids_json) as string[]) {
            if (!wanted.has(`${row.call_id}\u0000${reviewer}`)) drop.run(tenantId, row.call_id, reviewer, tenantId, row.call_id, reviewer);
          }
        }
        prepared(this.db, 'DELETE FROM qa_sample_items WHERE tenant_id = ? AND period = ?').run(tenantId, plan.period);
        prepared(this.db, 'DELETE FROM qa_sample_plans WHERE tenant_id = ? AND period = ?').run(tenantId, plan.period);
      }
      prepared(this.db, 'INSERT INTO qa_sample_plans (tenant_id, period, seed, fingerprint, plan_json, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(tenantId, plan.period, plan.seed, plan.fingerprint, JSON.stringify(plan), at, by);
      const item = prepared(
      this.db,
        'INSERT INTO qa_sample_items (tenant_id, period, call_id, agent_id, stratum, risk, reviewer_ids_json, blind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const assign = prepared(this.db, 'INSERT OR IGNORE INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)');
      for (const i of plan.items) {
        item.run(tenantId, plan.period, i.callId, i.agentId, i.stratum, i.riskScore, JSON.stringify(i.reviewerIds), i.blind ? 1 : 0);
        for (const reviewer of i.reviewerIds) assign.run(tenantId, i.callId, reviewer, at);
      }
    }).immediate();
  }

  getPlan(tenantId: string, period: string): StoredSamplePlan | null {
    const row = prepared(this.db, 'SELECT plan_json, created_at, created_by FROM qa_sample_plans WHERE tenant_id = ? AND period = ?').get(tenantId, period) as
      | { plan_json: string; created_at: string; created_by: string }
      | undefined;
    return row ? { plan: JSON.parse(row.plan_json) as SamplePlan, createdAt: row.created_at, createdBy: row.created_by } : null;
  }

  /** The sample items that cover a call (normally at most one: a call belongs to one month), by period. */
  sampleItemsForCall(tenantId: string, callId: string): SampledCall[] {
    const rows = prepared(this.db, 'SELECT call_id, agent_id, stratum, reviewer_ids_json, blind FROM qa_sample_items WHERE tenant_id = ? AND call_id = ? ORDER BY period')
      .all(tenantId, callId) as {
      call_id: string;
      agent_id: string;
      stratum: SampledCall['stratum'];
      reviewer_ids_json: string;
      blind: number;
    }[];
    return rows.map((r) => ({ callId: r.call_id, agentId: r.agent_id, stratum: r.stratum, reviewerIds: JSON.parse(r.reviewer_ids_json) as string[], blind: r.blind === 1 }));
  }

  /** Reviewers a call is assigned to (review_assignments). */
  reviewersOfCall(tenantId: string, callId: string): string[] {
    const rows = prepared(this.db, 'SELECT reviewer_id FROM review_assignments WHERE tenant_id = ? AND call_id = ? ORDER BY reviewer_id').all(tenantId, callId) as { reviewer_id: string }[];
    return rows.map((r) => r.reviewer_id);
  }

  /** Assigns calls to a reviewer (idempotent). */
  assignReviews(tenantId: string, assignments: readonly { callId: string; reviewerId: string }[], at: string): void {
    const assign = prepared(this.db, 'INSERT OR IGNORE INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const a of assignments) assign.run(tenantId, a.callId, a.reviewerId, at);
    })();
  }

  /** Stores a new dispute with its first history event; CONFLICT when the id exists or the evaluation has an open one. */
  insertDispute(tenantId: string, dispute: Dispute, agentId: string): void {
    this.db.transaction(() => {
      try {
        prepared(this.db, 'INSERT INTO qa_disputes (tenant_id, id, evaluation_id, call_id, agent_id, status, dispute_json, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(tenantId, dispute.id, dispute.evaluationId, dispute.callId, agentId, dispute.status, JSON.stringify(dispute), dispute.openedAt, dispute.openedAt);
      } catch (error) {
        if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') throw new CallsightError('CONFLICT', OPEN_DISPUTE_EXISTS, { cause: error });
        rethrowDuplicate(error, `dispute ${dispute.id} already exists`);
      }
      this.appendDisputeEvents(tenantId, dispute, 0);
    })();
  }

  /**
   * Saves a resolved dispute, and the revised evaluation when the outcome is `changed`, in one transaction.
   * CONFLICT when the stored dispute is no longer open (a concurrent resolution won).
   */
  resolveDispute(tenantId: string, resolved: Dispute, revised: Evaluation | null): void {
    this.db.transaction(() => {
      const current = this.getDispute(tenantId, resolved.id);
      if (!current || current.status !== 'open') throw new CallsightError('CONFLICT', 'this dispute is already resolved');
      if (revised) this.writeEvaluation(tenantId, revised);
      prepared(this.db, 'UPDATE qa_disputes SET status = ?, dispute_json = ?, updated_at = ? WHERE tenant_id = ? AND id = ?')
        .run(resolved.status, JSON.stringify(resolved), resolved.resolvedAt ?? resolved.openedAt, tenantId, resolved.id);
      this.appendDisputeEvents(tenantId, resolved, current.history.length);
    }).immediate();
  }

  private appendDisputeEvents(tenantId: string, dispute: Dispute, from: number): void {
    const insert = prepared(this.db, 'INSERT INTO qa_dispute_events (tenant_id, dispute_id, seq, action, actor, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)');
    dispute.history.slice(from).forEach((event, i) => insert.run(tenantId, dispute.id, from + i + 1, event.action, event.by, event.at, event.note));
  }

  getDispute(tenantId: string, id: string): Dispute | null {
    const row = prepared(this.db, 'SELECT dispute_json FROM qa_disputes WHERE tenant_id = ? AND id = ?').get(tenantId, id) as { dispute_json: string } | undefined;
    return row ? (JSON.parse(row.dispute_json) as Dispute) : null;
  }

  /** Disputes of the given calls, oldest first. The ids travel as one JSON array, so any number fits one query. */
  listDisputesForCalls(tenantId: string, callIds: readonly string[]): Dispute[] {
    if (callIds.length === 0) return [];
    const rows = prepared(this.db, 'SELECT dispute_json FROM qa_disputes WHERE tenant_id = ? AND call_id IN (SELECT value FROM json_each(?)) ORDER BY opened_at, id')
      .all(tenantId, JSON.stringify(callIds)) as { dispute_json: string }[];
    return rows.map((r) => JSON.parse(r.dispute_json) as Dispute);
  }

  /** Disputes by status (all when omitted), of some agents when given, oldest first. */
  listDisputes(tenantId: string, query: { status?: Dispute['status']; agentIds?: readonly string[] } = {}): Dispute[] {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.agentIds) {
      if (query.agentIds.length === 0) return [];
      where.push(`agent_id IN (${query.agentIds.map(() => '?').join(', ')})`);
      params.push(...query.agentIds);
    }
    const rows = prepared(this.db, `SELECT dispute_json FROM qa_disputes WHERE ${where.join(' AND ')} ORDER BY opened_at, id`).all(...params) as { dispute_json: string }[];
    return rows.map((r) => JSON.parse(r.dispute_json) as Dispute);
  }

  /** Stores a new coaching task with its first history event; CONFLICT when the id exists. */
  insertCoachingTask(tenantId: string, task: CoachingTask): void {
    this.db.transaction(() => {
      try {
        prepared(this.db, 'INSERT INTO qa_coaching_tasks (tenant_id, id, agent_id, status, task_json, assigned_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(tenantId, task.id, task.agentId, task.status, JSON.stringify(task), task.assignedAt, task.assignedAt);
      } catch (error) {
        rethrowDuplicate(error, `coaching task ${task.id} already exists`);
      }
      this.appendCoachingEvents(tenantId, task, 0);
    })();
  }

  /** Saves the next state of a task; CONFLICT when it changed since `previous` was read. */
  updateCoachingTask(tenantId: string, previous: CoachingTask, next: CoachingTask): void {
    this.db.transaction(() => {
      const result = prepared(this.db, 'UPDATE qa_coaching_tasks SET status = ?, task_json = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = ?')
        .run(next.status, JSON.stringify(next), next.history[next.history.length - 1]!.at, tenantId, next.id, previous.status);
      if (result.changes === 0) throw new CallsightError('CONFLICT', 'the coaching task changed meanwhile; reload it');
      this.appendCoachingEvents(tenantId, next, previous.history.length);
    }).immediate();
  }

  private appendCoachingEvents(tenantId: string, task: CoachingTask, from: number): void {
    const insert = prepared(this.db, 'INSERT INTO qa_coaching_events (tenant_id, task_id, seq, status, actor, at) VALUES (?, ?, ?, ?, ?, ?)');
    task.history.slice(from).forEach((event, i) => insert.run(tenantId, task.id, from + i + 1, event.status, event.by, event.at));
  }

  getCoachingTask(tenantId: string, id: string): CoachingTask | null {
    const row = prepared(this.db, 'SELECT task_json FROM qa_coaching_tasks WHERE tenant_id = ? AND id = ?').get(tenantId, id) as { task_json: string } | undefined;
    return row ? (JSON.parse(row.task_json) as CoachingTask) : null;
  }

  /** Coaching tasks, newest first, of some agents when given and of one status when given. */
  listCoachingTasks(tenantId: string, query: { agentIds?: readonly string[]; status?: CoachingTask['status'] } = {}): CoachingTask[] {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.agentIds) {
      if (query.agentIds.length === 0) return [];
      where.push(`agent_id IN (${query.agentIds.map(() => '?').join(', ')})`);
      params.push(...query.agentIds);
    }
    const rows = prepared(this.db, `SELECT task_json FROM qa_coaching_tasks WHERE ${where.join(' AND ')} ORDER BY assigned_at DESC, id`).all(...params) as { task_json: string }[];
    return rows.map((r) => JSON.parse(r.task_json) as CoachingTask);
  }

  /**
   * Removes what quality management derived from a deleted call: its evaluations and clips, disputes and
   * their history, sample items and review assignments. Coaching tasks keep their clip references (times and
   * the call id only); the audio behind them is gone with the call.
   */
  purgeCall(tenantId: string, callId: string): void {
    this.db.transaction(() => {
      prepared(this.db, 'DELETE FROM qa_dispute_events WHERE tenant_id = ? AND dispute_id IN (SELECT id FROM qa_disputes WHERE tenant_id = ? AND call_id = ?)').run(tenantId, tenantId, callId);
      prepared(this.db, 'DELETE FROM qa_disputes WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM qa_clips WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM qa_evaluations WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM qa_sample_items WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
      prepared(this.db, 'DELETE FROM review_assignments WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId);
    })();
  }
}
