import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import type { Scorecard } from '../../../core/quality/scorecard';
import type { Evaluation } from '../../../core/quality/evaluation';
import type { Dispute } from '../../../core/quality/dispute';
import type { CoachingTask } from '../../../core/coaching/coaching-task';
import type { SamplePlan, SampleReviewerInput } from '../../../core/sampling/sample-plan';
import type { EvaluationQuery, QualityStore, SampledCall, StoredSamplePlan } from '../../../core/quality/quality-store.port';
import type { PostgresDatabase } from './postgres-database';

/** The PostgreSQL error code behind a translated error (translatePgError keeps the original as `cause`). */
function pgCodeOf(error: unknown): string | undefined {
  const cause = isCallsightError(error) ? error.cause : error;
  return typeof cause === 'object' && cause !== null ? (cause as { code?: string }).code : undefined;
}

function parseAll<T>(rows: readonly Record<string, string>[], column: string): T[] {
  return rows.map((row) => JSON.parse(row[column]!) as T);
}

/**
 * Quality management storage on PostgreSQL, with the behaviour of SqliteQualityStore (the contract suite in
 * test/contracts/quality-store.contract.ts runs on both). Multi-statement writes run in `db.transaction`, so they
 * also join a caller's transaction. Where SQLite is correct because it is the only writer, this store uses
 * locks: a resolution locks the dispute row, a plan (or roster) write takes an advisory lock on its period (or
 * tenant), and an evaluation share-locks its review assignment so that a plan replacement never drops the
 * assignment of a call its reviewer is scoring at that moment.
 */
export class PostgresQualityStore implements QualityStore {
  constructor(private readonly db: PostgresDatabase) {}

  async insertScorecard(tenantId: string, card: Scorecard): Promise<void> {
    const { rowCount } = await this.db.query(
      `INSERT INTO qa_scorecards (tenant_id, id, version, card_json, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [tenantId, card.id, card.version, JSON.stringify(card), card.createdAt, card.createdBy],
    );
    if (rowCount === 0) throw new CallsightError('CONFLICT', `scorecard ${card.id} version ${card.version} already exists`);
  }

  async getScorecard(tenantId: string, id: string, version?: number): Promise<Scorecard | null> {
    const { rows } =
      version === undefined
        ? await this.db.query<{ card_json: string }>('SELECT card_json FROM qa_scorecards WHERE tenant_id = $1 AND id = $2 ORDER BY version DESC LIMIT 1', [tenantId, id])
        : await this.db.query<{ card_json: string }>('SELECT card_json FROM qa_scorecards WHERE tenant_id = $1 AND id = $2 AND version = $3', [tenantId, id, version]);
    return rows[0] ? (JSON.parse(rows[0].card_json) as Scorecard) : null;
  }

  async listScorecardVersions(tenantId: string, id: string): Promise<Scorecard[]> {
    const { rows } = await this.db.query('SELECT card_json FROM qa_scorecards WHERE tenant_id = $1 AND id = $2 ORDER BY version', [tenantId, id]);
    return parseAll<Scorecard>(rows, 'card_json');
  }

  async listAllScorecards(tenantId: string): Promise<Scorecard[]> {
    const { rows } = await this.db.query('SELECT card_json FROM qa_scorecards WHERE tenant_id = $1 ORDER BY id, version', [tenantId]);
    return parseAll<Scorecard>(rows, 'card_json');
  }

  async insertEvaluation(tenantId: string, evaluation: Evaluation): Promise<void> {
    await this.db.transaction(() => this.writeEvaluation(tenantId, evaluation));
  }

  private async writeEvaluation(tenantId: string, e: Evaluation): Promise<void> {
    // Held until commit: savePlan locks the assignments it may drop, then re-reads the evaluations, so it sees this one.
    await this.db.query('SELECT 1 FROM review_assignments WHERE tenant_id = $1 AND call_id = $2 AND reviewer_id = $3 FOR SHARE', [tenantId, e.callId, e.reviewerId]);
    let inserted: number | null;
    try {
      ({ rowCount: inserted } = await this.db.query(
        `INSERT INTO qa_evaluations (tenant_id, id, call_id, agent_id, reviewer_id, call_started_at, scorecard_id, scorecard_version,
           total, critical_failed, evaluation_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT DO NOTHING`,
        [tenantId, e.id, e.callId, e.agentId, e.reviewerId, e.callStartedAt, e.scorecard.scorecardId, e.scorecard.version, e.score.total, e.score.criticalFailed, JSON.stringify(e), e.createdAt],
      ));
    } catch (error) {
      if (pgCodeOf(error) === '23503') {
        throw new CallsightError('NOT_FOUND', `scorecard ${e.scorecard.scorecardId} version ${e.scorecard.version} does not exist`, { cause: error });
      }
      throw error;
    }
    if (inserted === 0) throw new CallsightError('CONFLICT', `evaluation ${e.id} already exists`);
    if (e.clips.length === 0) return;
    await this.db.query(
      `INSERT INTO qa_clips (tenant_id, evaluation_id, seq, call_id, agent_id, start_s, end_s, label, note, criterion_id, created_at)
       SELECT $1, $2, c.seq - 1, $3, $4, c.start_s, c.end_s, c.label, c.note, c.criterion_id, $5
       FROM unnest($6::double precision[], $7::double precision[], $8::text[], $9::text[], $10::text[])
         WITH ORDINALITY AS c(start_s, end_s, label, note, criterion_id, seq)`,
      [
        tenantId,
        e.id,
        e.callId,
        e.agentId,
        e.createdAt,
        e.clips.map((c) => c.startS),
        e.clips.map((c) => c.endS),
        e.clips.map((c) => c.label),
        e.clips.map((c) => c.note),
        e.clips.map((c) => c.criterionId ?? null),
      ],
    );
  }

  async getEvaluation(tenantId: string, id: string): Promise<Evaluation | null> {
    const { rows } = await this.db.query<{ evaluation_json: string }>('SELECT evaluation_json FROM qa_evaluations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? (JSON.parse(rows[0].evaluation_json) as Evaluation) : null;
  }

  async listEvaluationsForCall(tenantId: string, callId: string): Promise<Evaluation[]> {
    const { rows } = await this.db.query('SELECT evaluation_json FROM qa_evaluations WHERE tenant_id = $1 AND call_id = $2 ORDER BY created_at, id', [tenantId, callId]);
    return parseAll<Evaluation>(rows, 'evaluation_json');
  }

  async listEvaluations(tenantId: string, query: EvaluationQuery = {}): Promise<Evaluation[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (query.from !== undefined) {
      params.push(query.from);
      where.push(`call_started_at >= $${params.length}`);
    }
    if (query.to !== undefined) {
      params.push(query.to);
      where.push(`call_started_at < $${params.length}`);
    }
    if (query.agentIds !== undefined) {
      if (query.agentIds.length === 0) return [];
      params.push(query.agentIds);
      where.push(`agent_id = ANY($${params.length}::text[])`);
    }
    const { rows } = await this.db.query(`SELECT evaluation_json FROM qa_evaluations WHERE ${where.join(' AND ')} ORDER BY call_started_at, id`, params);
    return parseAll<Evaluation>(rows, 'evaluation_json');
  }

  async setReviewers(tenantId: string, reviewers: readonly SampleReviewerInput[]): Promise<void> {
    await this.db.transaction(async () => {
      // Two concurrent replacements must not interleave their delete and insert: the later one wins whole.
      await this.db.query("SELECT pg_advisory_xact_lock(hashtext('callsight.qa_reviewers'), hashtext($1))", [tenantId]);
      await this.db.query('DELETE FROM qa_reviewers WHERE tenant_id = $1', [tenantId]);
      if (reviewers.length === 0) return;
      await this.db.query('INSERT INTO qa_reviewers (tenant_id, reviewer_id, agent_id) SELECT $1, r, a FROM unnest($2::text[], $3::text[]) AS t(r, a)', [
        tenantId,
        reviewers.map((r) => r.id),
        reviewers.map((r) => r.agentId ?? null),
      ]);
    });
  }

  async listReviewers(tenantId: string): Promise<SampleReviewerInput[]> {
    const { rows } = await this.db.query<{ reviewer_id: string; agent_id: string | null }>(
      'SELECT reviewer_id, agent_id FROM qa_reviewers WHERE tenant_id = $1 ORDER BY reviewer_id',
      [tenantId],
    );
    return rows.map((r) => ({ id: r.reviewer_id, ...(r.agent_id ? { agentId: r.agent_id } : {}) }));
  }

  async savePlan(tenantId: string, plan: SamplePlan, by: string, at: string, replace: boolean): Promise<void> {
    await this.db.transaction(async () => {
      // Serialises plans of one period, so "exists? then write" and the replacement below cannot interleave.
      await this.db.query("SELECT pg_advisory_xact_lock(hashtext('callsight.qa_sample_plan'), hashtext($1::text || '/' || $2::text))", [tenantId, plan.period]);
      const existing = await this.db.query('SELECT 1 FROM qa_sample_plans WHERE tenant_id = $1 AND period = $2', [tenantId, plan.period]);
      if (existing.rowCount !== 0 && !replace) {
        throw new CallsightError('CONFLICT', `a sampling plan for ${plan.period} exists already; pass "replace": true to plan it again`);
      }
      if (existing.rowCount !== 0) await this.dropReplacedAssignments(tenantId, plan);
      await this.db.query('INSERT INTO qa_sample_plans (tenant_id, period, seed, fingerprint, plan_json, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        tenantId,
        plan.period,
        plan.seed,
        plan.fingerprint,
        JSON.stringify(plan),
        at,
        by,
      ]);
      if (plan.items.length === 0) return;
      await this.db.query(
        `INSERT INTO qa_sample_items (tenant_id, period, call_id, agent_id, stratum, risk, reviewer_ids_json, blind)
         SELECT $1, $2, i.call_id, i.agent_id, i.stratum, i.risk, i.reviewer_ids_json, i.blind
         FROM unnest($3::text[], $4::text[], $5::text[], $6::double precision[], $7::text[], $8::boolean[]) AS i(call_id, agent_id, stratum, risk, reviewer_ids_json, blind)`,
        [
          tenantId,
          plan.period,
          plan.items.map((i) => i.callId),
          plan.items.map((i) => i.agentId),
          plan.items.map((i) => i.stratum),
          plan.items.map((i) => i.riskScore),
          plan.items.map((i) => JSON.stringify(i.reviewerIds)),
          plan.items.map((i) => i.blind),
        ],
      );
      const pairs = plan.items.flatMap((i) => i.reviewerIds.map((reviewerId) => ({ callId: i.callId, reviewerId })));
      await this.insertAssignments(tenantId, pairs, at);
    });
  }

  /** Removes the period's old plan and its assignments that the new plan does not repeat and nobody has scored. */
  private async dropReplacedAssignments(tenantId: string, plan: SamplePlan): Promise<void> {
    const wanted = new Set(plan.items.flatMap((i) => i.reviewerIds.map((r) => `${i.callId}\u0000${r}`)));
    const { rows: old } = await this.db.query<{ call_id: string; reviewer_ids_json: string }>(
      'SELECT call_id, reviewer_ids_json FROM qa_sample_items WHERE tenant_id = $1 AND period = $2',
      [tenantId, plan.period],
    );
    const callIds: string[] = [];
    const reviewerIds: string[] = [];
    for (const row of old) {
      for (const reviewer of JSON.parse(row.reviewer_ids_json) as string[]) {
        if (wanted.has(`${row.call_id}\u0000${reviewer}`)) continue;
        callIds.push(row.call_id);
        reviewerIds.push(reviewer);
      }
    }
    if (callIds.length > 0) {
      // Lock first, then test for evaluations in a new statement: its fresh snapshot sees every evaluation whose
      // transaction held the assignment (writeEvaluation), so a just-scored call keeps its reviewer.
      await this.db.query(
        `SELECT 1 FROM review_assignments ra JOIN unnest($2::text[], $3::text[]) AS d(call_id, reviewer_id)
           ON ra.call_id = d.call_id AND ra.reviewer_id = d.reviewer_id
         WHERE ra.tenant_id = $1 ORDER BY ra.call_id, ra.reviewer_id FOR UPDATE OF ra`,
        [tenantId, callIds, reviewerIds],
      );
      await this.db.query(
        `DELETE FROM review_assignments ra USING unnest($2::text[], $3::text[]) AS d(call_id, reviewer_id)
         WHERE ra.tenant_id = $1 AND ra.call_id = d.call_id AND ra.reviewer_id = d.reviewer_id
           AND NOT EXISTS (SELECT 1 FROM qa_evaluations e WHERE e.tenant_id = $1 AND e.call_id = d.call_id AND e.reviewer_id = d.reviewer_id)`,
        [tenantId, callIds, reviewerIds],
      );
    }
    await this.db.query('DELETE FROM qa_sample_items WHERE tenant_id = $1 AND period = $2', [tenantId, plan.period]);
    await this.db.query('DELETE FROM qa_sample_plans WHERE tenant_id = $1 AND period = $2', [tenantId, plan.period]);
  }

  private async insertAssignments(tenantId: string, pairs: readonly { callId: string; reviewerId: string }[], at: string): Promise<void> {
    if (pairs.length === 0) return;
    await this.db.query(
      `INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at)
       SELECT $1, a.call_id, a.reviewer_id, $4 FROM unnest($2::text[], $3::text[]) AS a(call_id, reviewer_id)
       ON CONFLICT DO NOTHING`,
      [tenantId, pairs.map((p) => p.callId), pairs.map((p) => p.reviewerId), at],
    );
  }

  async getPlan(tenantId: string, period: string): Promise<StoredSamplePlan | null> {
    const { rows } = await this.db.query<{ plan_json: string; created_at: string; created_by: string }>(
      'SELECT plan_json, created_at, created_by FROM qa_sample_plans WHERE tenant_id = $1 AND period = $2',
      [tenantId, period],
    );
    const row = rows[0];
    return row ? { plan: JSON.parse(row.plan_json) as SamplePlan, createdAt: row.created_at, createdBy: row.created_by } : null;
  }

  async sampleItemsForCall(tenantId: string, callId: string): Promise<SampledCall[]> {
    const { rows } = await this.db.query<{ call_id: string; agent_id: string; stratum: SampledCall['stratum']; reviewer_ids_json: string; blind: boolean }>(
      'SELECT call_id, agent_id, stratum, reviewer_ids_json, blind FROM qa_sample_items WHERE tenant_id = $1 AND call_id = $2 ORDER BY period',
      [tenantId, callId],
    );
    return rows.map((r) => ({ callId: r.call_id, agentId: r.agent_id, stratum: r.stratum, reviewerIds: JSON.parse(r.reviewer_ids_json) as string[], blind: r.blind }));
  }

  async reviewersOfCall(tenantId: string, callId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ reviewer_id: string }>('SELECT reviewer_id FROM review_assignments WHERE tenant_id = $1 AND call_id = $2 ORDER BY reviewer_id', [
      tenantId,
      callId,
    ]);
    return rows.map((r) => r.reviewer_id);
  }

  async assignReviews(tenantId: string, assignments: readonly { callId: string; reviewerId: string }[], at: string): Promise<void> {
    await this.insertAssignments(tenantId, assignments, at);
  }

  async insertDispute(tenantId: string, dispute: Dispute, agentId: string): Promise<void> {
    await this.db.transaction(async () => {
      try {
        await this.db.query(
          `INSERT INTO qa_disputes (tenant_id, id, evaluation_id, call_id, agent_id, status, dispute_json, opened_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
          [tenantId, dispute.id, dispute.evaluationId, dispute.callId, agentId, dispute.status, JSON.stringify(dispute), dispute.openedAt],
        );
      } catch (error) {
        if (!isCallsightError(error) || error.code !== 'CONFLICT') throw error;
        const constraint = (error.cause as { constraint?: string } | undefined)?.constraint;
        throw new CallsightError('CONFLICT', constraint === 'qa_disputes_one_open' ? 'this evaluation already has an open dispute' : `dispute ${dispute.id} already exists`, {
          cause: error,
        });
      }
      await this.appendDisputeEvents(tenantId, dispute, 0);
    });
  }

  async resolveDispute(tenantId: string, resolved: Dispute, revised: Evaluation | null): Promise<void> {
    await this.db.transaction(async () => {
      // The row lock makes a concurrent resolution wait here and then read the resolved state.
      const { rows } = await this.db.query<{ dispute_json: string }>('SELECT dispute_json FROM qa_disputes WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
        tenantId,
        resolved.id,
      ]);
      const current = rows[0] ? (JSON.parse(rows[0].dispute_json) as Dispute) : null;
      if (!current || current.status !== 'open') throw new CallsightError('CONFLICT', 'this dispute is already resolved');
      if (revised) await this.writeEvaluation(tenantId, revised);
      await this.db.query('UPDATE qa_disputes SET status = $1, dispute_json = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5', [
        resolved.status,
        JSON.stringify(resolved),
        resolved.resolvedAt ?? resolved.openedAt,
        tenantId,
        resolved.id,
      ]);
      await this.appendDisputeEvents(tenantId, resolved, current.history.length);
    });
  }

  private async appendDisputeEvents(tenantId: string, dispute: Dispute, from: number): Promise<void> {
    const events = dispute.history.slice(from);
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO qa_dispute_events (tenant_id, dispute_id, seq, action, actor, at, note)
       SELECT $1, $2, $3 + e.n, e.action, e.actor, e.at, e.note
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS e(action, actor, at, note, n)`,
      [tenantId, dispute.id, from, events.map((e) => e.action), events.map((e) => e.by), events.map((e) => e.at), events.map((e) => e.note)],
    );
  }

  async getDispute(tenantId: string, id: string): Promise<Dispute | null> {
    const { rows } = await this.db.query<{ dispute_json: string }>('SELECT dispute_json FROM qa_disputes WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? (JSON.parse(rows[0].dispute_json) as Dispute) : null;
  }

  async listDisputesForCalls(tenantId: string, callIds: readonly string[]): Promise<Dispute[]> {
    if (callIds.length === 0) return [];
    const { rows } = await this.db.query('SELECT dispute_json FROM qa_disputes WHERE tenant_id = $1 AND call_id = ANY($2::text[]) ORDER BY opened_at, id', [tenantId, callIds]);
    return parseAll<Dispute>(rows, 'dispute_json');
  }

  async listDisputes(tenantId: string, query: { status?: Dispute['status']; agentIds?: readonly string[] } = {}): Promise<Dispute[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (query.status) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.agentIds) {
      if (query.agentIds.length === 0) return [];
      params.push(query.agentIds);
      where.push(`agent_id = ANY($${params.length}::text[])`);
    }
    const { rows } = await this.db.query(`SELECT dispute_json FROM qa_disputes WHERE ${where.join(' AND ')} ORDER BY opened_at, id`, params);
    return parseAll<Dispute>(rows, 'dispute_json');
  }

  async insertCoachingTask(tenantId: string, task: CoachingTask): Promise<void> {
    await this.db.transaction(async () => {
      const { rowCount } = await this.db.query(
        `INSERT INTO qa_coaching_tasks (tenant_id, id, agent_id, status, task_json, assigned_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING`,
        [tenantId, task.id, task.agentId, task.status, JSON.stringify(task), task.assignedAt],
      );
      if (rowCount === 0) throw new CallsightError('CONFLICT', `coaching task ${task.id} already exists`);
      await this.appendCoachingEvents(tenantId, task, 0);
    });
  }

  async updateCoachingTask(tenantId: string, previous: CoachingTask, next: CoachingTask): Promise<void> {
    await this.db.transaction(async () => {
      // A concurrent update of the same row waits for this one, then re-checks the status and matches nothing.
      const { rowCount } = await this.db.query('UPDATE qa_coaching_tasks SET status = $1, task_json = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5 AND status = $6', [
        next.status,
        JSON.stringify(next),
        next.history[next.history.length - 1]!.at,
        tenantId,
        next.id,
        previous.status,
      ]);
      if (rowCount === 0) throw new CallsightError('CONFLICT', 'the coaching task changed meanwhile; reload it');
      await this.appendCoachingEvents(tenantId, next, previous.history.length);
    });
  }

  private async appendCoachingEvents(tenantId: string, task: CoachingTask, from: number): Promise<void> {
    const events = task.history.slice(from);
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO qa_coaching_events (tenant_id, task_id, seq, status, actor, at)
       SELECT $1, $2, $3 + e.n, e.status, e.actor, e.at
       FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS e(status, actor, at, n)`,
      [tenantId, task.id, from, events.map((e) => e.status), events.map((e) => e.by), events.map((e) => e.at)],
    );
  }

  async getCoachingTask(tenantId: string, id: string): Promise<CoachingTask | null> {
    const { rows } = await this.db.query<{ task_json: string }>('SELECT task_json FROM qa_coaching_tasks WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? (JSON.parse(rows[0].task_json) as CoachingTask) : null;
  }

  async listCoachingTasks(tenantId: string, query: { agentIds?: readonly string[]; status?: CoachingTask['status'] } = {}): Promise<CoachingTask[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (query.status) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.agentIds) {
      if (query.agentIds.length === 0) return [];
      params.push(query.agentIds);
      where.push(`agent_id = ANY($${params.length}::text[])`);
    }
    const { rows } = await this.db.query(`SELECT task_json FROM qa_coaching_tasks WHERE ${where.join(' AND ')} ORDER BY assigned_at DESC, id`, params);
    return parseAll<CoachingTask>(rows, 'task_json');
  }

  async purgeCall(tenantId: string, callId: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.query(
        'DELETE FROM qa_dispute_events WHERE tenant_id = $1 AND dispute_id IN (SELECT id FROM qa_disputes WHERE tenant_id = $1 AND call_id = $2)',
        [tenantId, callId],
      );
      await this.db.query('DELETE FROM qa_disputes WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      await this.db.query('DELETE FROM qa_clips WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      await this.db.query('DELETE FROM qa_evaluations WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      await this.db.query('DELETE FROM qa_sample_items WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      await this.db.query('DELETE FROM review_assignments WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
    });
  }
}
