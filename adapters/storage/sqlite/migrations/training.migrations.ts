import type { Migration } from '../migrations';

/** Versions 90-99: training clips and their pins to coaching tasks (issue 15 item 4). */
export const TRAINING_MIGRATIONS: readonly Migration[] = [
  {
    version: 90,
    name: 'training clips and clip pins',
    sql: `
      CREATE TABLE training_clips (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        agent_id TEXT,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        label TEXT NOT NULL CHECK (label IN ('good', 'bad')),
        note TEXT NOT NULL,
        criterion_id TEXT,
        demand TEXT,
        inquiry_type TEXT,
        language TEXT,
        excerpt TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        CHECK (end_s > start_s AND start_s >= 0)
      );
      CREATE INDEX training_clips_newest ON training_clips (tenant_id, created_at, id);
      CREATE INDEX training_clips_call ON training_clips (tenant_id, call_id);
      CREATE TABLE training_clip_pins (
        tenant_id TEXT NOT NULL,
        clip_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        pinned_by TEXT NOT NULL,
        pinned_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, clip_id, task_id),
        FOREIGN KEY (tenant_id, clip_id) REFERENCES training_clips (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX training_clip_pins_task ON training_clip_pins (tenant_id, task_id);
    `,
  },
];
