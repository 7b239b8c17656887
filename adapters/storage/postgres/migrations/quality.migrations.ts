import type { PgMigration } from './pg-migration';

/**
 * Schema of quality management (scorecards, evaluations, sampling, disputes, coaching) (version 5), mirroring
 * SQLite's migration 40. Scorecard versions, evaluations and the history tables refuse UPDATE, as in SQLite.
 * Compared or sorted text is COLLATE "C" (SQLite's byte order); instants are ISO-8601 text; the JSON documents
 * are kept as text so that they read back exactly as written. Sampled calls are assigned through the call
 * repository's review_assignments (migration 1), which drives the QA access scope.
 */
export const QUALITY_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 5,
    name: 'quality: scorecards, evaluations, clips, sampling, disputes, coaching',
    sql: `
      CREATE FUNCTION qa_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
      END $$;

      CREATE TABLE qa_scorecards (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        card_json text NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL,
        PRIMARY KEY (tenant_id, id, version)
      );
      CREATE TRIGGER qa_scorecards_immutable BEFORE UPDATE ON qa_scorecards
        FOR EACH ROW EXECUTE FUNCTION qa_refuse_update('scorecard versions are immutable: add a version');

      CREATE TABLE qa_evaluations (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C" NOT NULL,
        reviewer_id text COLLATE "C" NOT NULL,
        call_started_at text COLLATE "C" NOT NULL,
        scorecard_id text COLLATE "C" NOT NULL,
        scorecard_version integer NOT NULL,
        total double precision,
        critical_failed boolean NOT NULL,
        evaluation_json text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, scorecard_id, scorecard_version) REFERENCES qa_scorecards (tenant_id, id, version)
      );
      -- by_call also serves the "has this reviewer scored the call" test of a plan replacement.
      CREATE INDEX qa_evaluations_by_call ON qa_evaluations (tenant_id, call_id, created_at, id);
      CREATE INDEX qa_evaluations_by_time ON qa_evaluations (tenant_id, call_started_at, id);
      CREATE INDEX qa_evaluations_by_agent ON qa_evaluations (tenant_id, agent_id, call_started_at);
      CREATE TRIGGER qa_evaluations_immutable BEFORE UPDATE ON qa_evaluations
        FOR EACH ROW EXECUTE FUNCTION qa_refuse_update('evaluations are immutable: score again or resolve a dispute');

      CREATE TABLE qa_clips (
        tenant_id text COLLATE "C" NOT NULL,
        evaluation_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C" NOT NULL,
        start_s double precision NOT NULL,
        end_s double precision NOT NULL,
        label text NOT NULL CHECK (label IN ('good', 'bad')),
        note text NOT NULL,
        criterion_id text,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, evaluation_id, seq)
      );
      CREATE INDEX qa_clips_by_agent ON qa_clips (tenant_id, agent_id, label, created_at);
      CREATE INDEX qa_clips_by_call ON qa_clips (tenant_id, call_id);

      CREATE TABLE qa_reviewers (
        tenant_id text COLLATE "C" NOT NULL,
        reviewer_id text COLLATE "C" NOT NULL,
        agent_id text,
        PRIMARY KEY (tenant_id, reviewer_id)
      );

      CREATE TABLE qa_sample_plans (
        tenant_id text COLLATE "C" NOT NULL,
        period text COLLATE "C" NOT NULL,
        seed text NOT NULL,
        fingerprint text NOT NULL,
        plan_json text NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL,
        PRIMARY KEY (tenant_id, period)
      );
      CREATE TABLE qa_sample_items (
        tenant_id text COLLATE "C" NOT NULL,
        period text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C" NOT NULL,
        stratum text NOT NULL CHECK (stratum IN ('risk', 'control', 'quota')),
        risk double precision NOT NULL,
        reviewer_ids_json text NOT NULL,
        blind boolean NOT NULL,
        PRIMARY KEY (tenant_id, period, call_id)
      );
      CREATE INDEX qa_sample_items_by_call ON qa_sample_items (tenant_id, call_id, period);

      CREATE TABLE qa_disputes (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        evaluation_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C" NOT NULL,
        status text COLLATE "C" NOT NULL CHECK (status IN ('open', 'resolved')),
        dispute_json text NOT NULL,
        opened_at text COLLATE "C" NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX qa_disputes_by_call ON qa_disputes (tenant_id, call_id);
      CREATE INDEX qa_disputes_by_status ON qa_disputes (tenant_id, status, opened_at, id);
      -- One open dispute per evaluation, whatever requests race (the API's own check runs before the insert).
      CREATE UNIQUE INDEX qa_disputes_one_open ON qa_disputes (tenant_id, evaluation_id) WHERE status = 'open';
      CREATE TABLE qa_dispute_events (
        tenant_id text COLLATE "C" NOT NULL,
        dispute_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        at text NOT NULL,
        note text NOT NULL,
        PRIMARY KEY (tenant_id, dispute_id, seq)
      );
      CREATE TRIGGER qa_dispute_events_append_only BEFORE UPDATE ON qa_dispute_events
        FOR EACH ROW EXECUTE FUNCTION qa_refuse_update('dispute history is append-only');

      CREATE TABLE qa_coaching_tasks (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C" NOT NULL,
        status text COLLATE "C" NOT NULL CHECK (status IN ('assigned', 'acknowledged', 'completed')),
        task_json text NOT NULL,
        assigned_at text COLLATE "C" NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX qa_coaching_by_agent ON qa_coaching_tasks (tenant_id, agent_id, assigned_at);
      CREATE INDEX qa_coaching_by_time ON qa_coaching_tasks (tenant_id, assigned_at DESC, id);
      CREATE TABLE qa_coaching_events (
        tenant_id text COLLATE "C" NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        status text NOT NULL,
        actor text NOT NULL,
        at text NOT NULL,
        PRIMARY KEY (tenant_id, task_id, seq)
      );
      CREATE TRIGGER qa_coaching_events_append_only BEFORE UPDATE ON qa_coaching_events
        FOR EACH ROW EXECUTE FUNCTION qa_refuse_update('coaching history is append-only');
    `,
  },
];
