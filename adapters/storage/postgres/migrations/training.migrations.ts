import type { PgMigration } from './pg-migration';

/** Training clips and their pins to coaching tasks (issue 15 item 4); same rules as SQLite's version 90. */
export const TRAINING_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 10,
    name: 'training clips and clip pins',
    sql: `
      CREATE TABLE training_clips (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        agent_id text COLLATE "C",
        start_s double precision NOT NULL,
        end_s double precision NOT NULL,
        label text NOT NULL CHECK (label IN ('good', 'bad')),
        note text NOT NULL,
        criterion_id text COLLATE "C",
        demand text COLLATE "C",
        inquiry_type text COLLATE "C",
        language text,
        excerpt text NOT NULL,
        created_by text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, id),
        CHECK (end_s > start_s AND start_s >= 0)
      );
      CREATE INDEX training_clips_newest ON training_clips (tenant_id, created_at, id);
      CREATE INDEX training_clips_call ON training_clips (tenant_id, call_id);
      CREATE TABLE training_clip_pins (
        tenant_id text COLLATE "C" NOT NULL,
        clip_id text COLLATE "C" NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        pinned_by text NOT NULL,
        pinned_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, clip_id, task_id),
        FOREIGN KEY (tenant_id, clip_id) REFERENCES training_clips (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX training_clip_pins_task ON training_clip_pins (tenant_id, task_id);
    `,
  },
];
