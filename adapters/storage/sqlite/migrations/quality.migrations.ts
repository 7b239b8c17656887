import type { Migration } from '../migrations';

/**
 * Quality management (issue 7): versions 40-49. Scorecard versions and evaluations are immutable (triggers
 * refuse UPDATE); disputes and coaching tasks keep their current state in one row and every step in an
 * append-only history table. Sampled calls are assigned to reviewers through core's review_assignments,
 * which drives the QA access scope.
 */
export const QUALITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 40,
    name: 'quality: scorecards, evaluations, clips, sampling, disputes, coaching',
    sql: `
      CREATE TABLE qa_scorecards (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        card_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id, version)
      );
      CREATE TRIGGER qa_scorecards_immutable BEFORE UPDATE ON qa_scorecards
        BEGIN SELECT RAISE(ABORT, 'scorecard versions are immutable: add a version'); END;

      CREATE TABLE qa_evaluations (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        reviewer_id TEXT NOT NULL,
        call_started_at TEXT NOT NULL,
        scorecard_id TEXT NOT NULL,
        scorecard_version INTEGER NOT NULL,
        total REAL,
        critical_failed INTEGER NOT NULL,
        evaluation_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, scorecard_id, scorecard_version) REFERENCES qa_scorecards (tenant_id, id, version)
      );
      CREATE INDEX qa_evaluations_by_call ON qa_evaluations (tenant_id, call_id, created_at);
      CREATE INDEX qa_evaluations_by_time ON qa_evaluations (tenant_id, call_started_at);
      CREATE INDEX qa_evaluations_by_agent ON qa_evaluations (tenant_id, agent_id, call_started_at);
      CREATE TRIGGER qa_evaluations_immutable BEFORE UPDATE ON qa_evaluations
        BEGIN SELECT RAISE(ABORT, 'evaluations are immutable: score again or resolve a dispute'); END;

      CREATE TABLE qa_clips (
        tenant_id TEXT NOT NULL,
        evaluation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        call_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        label TEXT NOT NULL CHECK (label IN ('good', 'bad')),
        note TEXT NOT NULL,
        criterion_id TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, evaluation_id, seq)
      );
      CREATE INDEX qa_clips_by_agent ON qa_clips (tenant_id, agent_id, label, created_at);

      CREATE TABLE qa_reviewers (
        tenant_id TEXT NOT NULL,
        reviewer_id TEXT NOT NULL,
        agent_id TEXT,
        PRIMARY KEY (tenant_id, reviewer_id)
      );

      CREATE TABLE qa_sample_plans (
        tenant_id TEXT NOT NULL,
        period TEXT NOT NULL,
        seed TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        plan_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (tenant_id, period)
      );
      CREATE TABLE qa_sample_items (
        tenant_id TEXT NOT NULL,
        period TEXT NOT NULL,
        call_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        stratum TEXT NOT NULL CHECK (stratum IN ('risk', 'control', 'quota')),
        risk REAL NOT NULL,
        reviewer_ids_json TEXT NOT NULL,
        blind INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, period, call_id)
      );
      CREATE INDEX qa_sample_items_by_call ON qa_sample_items (tenant_id, call_id);

      CREATE TABLE qa_disputes (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        evaluation_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        dispute_json TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX qa_disputes_by_call ON qa_disputes (tenant_id, call_id);
      CREATE INDEX qa_disputes_by_status ON qa_disputes (tenant_id, status, opened_at);
      CREATE TABLE qa_dispute_events (
        tenant_id TEXT NOT NULL,
        dispute_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT NOT NULL,
        PRIMARY KEY (tenant_id, dispute_id, seq)
      );
      CREATE TRIGGER qa_dispute_events_append_only BEFORE UPDATE ON qa_dispute_events
        BEGIN SELECT RAISE(ABORT, 'dispute history is append-only'); END;

      CREATE TABLE qa_coaching_tasks (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('assigned', 'acknowledged', 'completed')),
        task_json TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX qa_coaching_by_agent ON qa_coaching_tasks (tenant_id, agent_id, assigned_at);
      CREATE TABLE qa_coaching_events (
        tenant_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, task_id, seq)
      );
      CREATE TRIGGER qa_coaching_events_append_only BEFORE UPDATE ON qa_coaching_events
        BEGIN SELECT RAISE(ABORT, 'coaching history is append-only'); END;
    `,
  },
  {
    version: 41,
    name: 'one open dispute per evaluation',
    sql: `
      -- The API checks for an open dispute before opening one; two requests at once could both pass that check.
      CREATE UNIQUE INDEX qa_disputes_one_open ON qa_disputes (tenant_id, evaluation_id) WHERE status = 'open';
    `,
  },
];
