import type { PoolClient } from 'pg';
import type { PgMigration } from './migrations/pg-migration';
import { ACCESS_MIGRATIONS } from './migrations/access.migrations';
import { QUALITY_MIGRATIONS } from './migrations/quality.migrations';
import { RETENTION_MIGRATIONS } from './migrations/retention.migrations';
import { QUEUE_MIGRATIONS } from './migrations/queue.migrations';
import { RECORDINGS_MIGRATIONS } from './migrations/recordings.migrations';
import { TRAINING_MIGRATIONS } from './migrations/training.migrations';
import { KEYS_MIGRATIONS } from './migrations/keys.migrations';
import { PBX_MIGRATIONS } from './migrations/pbx.migrations';
import { COMPLETENESS_MIGRATIONS } from './migrations/completeness.migrations';
import { CONNECT_MIGRATIONS } from './migrations/connect.migrations';

export type { PgMigration } from './migrations/pg-migration';

/**
 * The PostgreSQL schema of the call repository and search. Text columns that are compared or sorted use the
 * "C" collation so that ordering and keyset cursors match SQLite's byte order exactly; instants are ISO-8601
 * UTC text as in SQLite.
 */
const CALL_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'tenants, agents, calls, tags, outbox, jobs, review assignments',
    sql: `
      CREATE TABLE tenants (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        default_region text NOT NULL,
        industry text NOT NULL,
        created_at text NOT NULL
      );
      CREATE TABLE agents (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants(id),
        id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        team text COLLATE "C" NOT NULL,
        seniority text NOT NULL CHECK (seniority IN ('new', 'senior')),
        hired_at text NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE calls (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants(id),
        id text COLLATE "C" NOT NULL,
        provider text COLLATE "C" NOT NULL,
        provider_call_id text COLLATE "C" NOT NULL,
        channel text NOT NULL CHECK (channel IN ('human', 'ivr')),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        started_at text COLLATE "C" NOT NULL,
        ended_at text NOT NULL,
        duration_s double precision NOT NULL,
        agent_id text COLLATE "C",
        team text COLLATE "C",
        queue text COLLATE "C",
        customer_phone text COLLATE "C",
        inquiry_type text COLLATE "C",
        tags_json text NOT NULL DEFAULT '[]',
        csat integer,
        crm_links_json text NOT NULL DEFAULT '[]',
        status text NOT NULL,
        rec_format text,
        rec_bytes bigint,
        rec_sha256 text,
        rec_channels integer,
        rec_duration_s double precision,
        rec_key_id text,
        created_at text NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, provider, provider_call_id)
      );
      CREATE INDEX calls_by_time ON calls (tenant_id, started_at DESC, id DESC);
      CREATE INDEX calls_by_agent ON calls (tenant_id, agent_id, started_at DESC, id DESC);
      CREATE INDEX calls_by_phone ON calls (tenant_id, customer_phone, started_at DESC, id DESC);
      CREATE INDEX calls_by_team ON calls (tenant_id, team, started_at DESC, id DESC);
      CREATE INDEX calls_by_inquiry ON calls (tenant_id, inquiry_type, started_at DESC, id DESC);
      CREATE TABLE call_tags (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        tag text COLLATE "C" NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, tag, started_at, call_id)
      );
      CREATE TABLE outbox (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        kind text NOT NULL,
        payload_json text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at text NOT NULL,
        lease_until text,
        last_error text,
        created_at text NOT NULL,
        updated_at text NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
      CREATE TABLE jobs (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        kind text NOT NULL,
        payload_json text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL DEFAULT 5,
        run_at text NOT NULL,
        lease_until text,
        last_error text,
        dedupe_key text,
        created_at text NOT NULL,
        updated_at text NOT NULL
      );
      CREATE INDEX jobs_due ON jobs (status, run_at);
      CREATE INDEX jobs_dedupe ON jobs (tenant_id, kind, dedupe_key, status);
      CREATE TABLE review_assignments (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        reviewer_id text COLLATE "C" NOT NULL,
        assigned_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id, reviewer_id)
      );
      CREATE INDEX review_assignments_by_reviewer ON review_assignments (tenant_id, reviewer_id);
    `,
  },
  {
    version: 2,
    name: 'flags, scores, transcript search',
    sql: `
      CREATE TABLE call_flags (
        tenant_id text COLLATE "C" NOT NULL,
        flag text COLLATE "C" NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, flag, started_at, call_id)
      );
      CREATE INDEX call_flags_by_call ON call_flags (tenant_id, call_id);
      CREATE TABLE call_scores (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        score double precision NOT NULL,
        evaluated_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE INDEX call_scores_by_score ON call_scores (tenant_id, score);
      -- words: jieba words and stemmed English words; grams: Chinese character bigrams. Weight A = agent,
      -- B = customer; positions are explicit, with a gap between segments so phrases stay inside one utterance.
      CREATE TABLE call_search (
        tenant_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        language text NOT NULL,
        segments jsonb NOT NULL,
        words tsvector NOT NULL,
        grams tsvector NOT NULL,
        indexed_at text NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE INDEX call_search_time ON call_search (tenant_id, started_at DESC, call_id DESC);
      CREATE INDEX call_search_words ON call_search USING gin (words);
      CREATE INDEX call_search_grams ON call_search USING gin (grams);
    `,
  },
  {
    version: 3,
    name: 'search prefilter columns, month term index, lz4 transcripts',
    sql: `
      -- Copies of the call's immutable attributes that scopes narrow on, so that a scoped keyword search
      -- intersects bitmaps of these indexes with the GIN match instead of testing every match's call.
      -- The exact predicates on calls stay in every query; these only let fewer rows reach them.
      ALTER TABLE call_search ADD COLUMN agent_id text COLLATE "C", ADD COLUMN team text COLLATE "C",
        ADD COLUMN queue text COLLATE "C";
      UPDATE call_search s SET agent_id = c.agent_id, team = c.team, queue = c.queue
        FROM calls c WHERE c.tenant_id = s.tenant_id AND c.id = s.call_id;
      CREATE INDEX call_search_by_agent ON call_search (tenant_id, agent_id);
      CREATE INDEX call_search_by_team ON call_search (tenant_id, team);
      CREATE INDEX call_search_by_queue ON call_search (tenant_id, queue);
      -- Every term of a call prefixed with its field and start month ('w2026-03:退款', 'g2026-03:退款'): a keyword
      -- search over recent months reads only those months' postings instead of the term's whole posting list.
      CREATE FUNCTION callsight_month_terms(words tsvector, grams tsvector, started_at text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN array_to_tsvector(ARRAY(
          SELECT 'w' || left(started_at, 7) || ':' || t FROM unnest(tsvector_to_array(words)) AS t
          UNION ALL
          SELECT 'g' || left(started_at, 7) || ':' || t FROM unnest(tsvector_to_array(grams)) AS t));
      CREATE INDEX call_search_month_terms ON call_search USING gin (callsight_month_terms(words, grams, started_at));
      -- Ranking and phrase checks decompress tsvectors row by row; lz4 does that several times faster than pglz.
      -- Values written from now on use it (servers built without lz4 keep pglz).
      DO $$ BEGIN
        ALTER TABLE call_search ALTER COLUMN words SET COMPRESSION lz4, ALTER COLUMN grams SET COMPRESSION lz4,
          ALTER COLUMN segments SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN NULL;
      END $$;
    `,
  },
  {
    version: 8,
    name: 'search: direction, channel and inquiry type on call_search; score probes from the index alone',
    sql: `
      -- More copies of immutable call attributes: with them every filter but phone and status is tested on the
      -- call_search row a keyword match already reads, and calls is read only for the page's rows.
      ALTER TABLE call_search ADD COLUMN direction text COLLATE "C", ADD COLUMN channel text COLLATE "C",
        ADD COLUMN inquiry_type text COLLATE "C";
      UPDATE call_search s SET direction = c.direction, channel = c.channel, inquiry_type = c.inquiry_type
        FROM calls c WHERE c.tenant_id = s.tenant_id AND c.id = s.call_id;
      -- Inquiry type is the selective one (a handful of types); with the start time its bitmap covers one slice
      -- of one type, which narrows the keyword matches before their rows are read.
      CREATE INDEX call_search_by_inquiry ON call_search (tenant_id, inquiry_type, started_at);
      -- A score filter probes one call at a time: (tenant, call) with the score included answers from the index.
      CREATE INDEX call_scores_probe ON call_scores (tenant_id, call_id) INCLUDE (score);
    `,
  },
];

/** Every migration of the hub's schema: the call repository and search above, then the other stores' own files. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  ...CALL_MIGRATIONS,
  ...ACCESS_MIGRATIONS,
  ...QUALITY_MIGRATIONS,
  ...RETENTION_MIGRATIONS,
  ...QUEUE_MIGRATIONS,
  ...RECORDINGS_MIGRATIONS,
  ...TRAINING_MIGRATIONS,
  ...PBX_MIGRATIONS,
  ...COMPLETENESS_MIGRATIONS,
  ...CONNECT_MIGRATIONS,
  ...KEYS_MIGRATIONS,
];

/**
 * Brings the database to the newest schema, one transaction per migration, serialised across processes by an
 * advisory lock. Refuses a database that has migrations this code does not know.
 */
export async function migratePostgres(client: PoolClient, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('callsight.migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`);
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(`The database has schema migrations ${unknown.join(', ')} that this Callsight does not know: run a newer release.`);
    }
    const ordered = [...migrations].sort((a, b) => a.version - b.version);
    for (const migration of ordered) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
    await client.query('COMMIT');
    return ordered.at(-1)?.version ?? 0;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
