import type Database from 'better-sqlite3';
import type { ClipExcerptLine, ClipLabel, ClipPin, TrainingClip } from '../../../core/training/clip';
import type { ClipQuery, ClipStore } from '../../../core/training/clip-store.port';
import { CallsightError } from '../../../core/shared/errors';

/** A training_clips row as both SQL adapters read it. */
export interface TrainingClipRow {
  readonly id: string;
  readonly call_id: string;
  readonly agent_id: string | null;
  readonly start_s: number;
  readonly end_s: number;
  readonly label: ClipLabel;
  readonly note: string;
  readonly criterion_id: string | null;
  readonly demand: string | null;
  readonly inquiry_type: string | null;
  readonly language: string | null;
  readonly excerpt: string;
  readonly created_by: string;
  readonly created_at: string;
}

/** Maps a row and its pinned task ids to the domain clip. */
export function rowToClip(row: TrainingClipRow, taskIds: readonly string[]): TrainingClip {
  return {
    id: row.id,
    callId: row.call_id,
    agentId: row.agent_id,
    startS: Number(row.start_s),
    endS: Number(row.end_s),
    label: row.label,
    note: row.note,
    criterionId: row.criterion_id,
    demand: row.demand,
    inquiryType: row.inquiry_type,
    language: row.language,
    excerpt: JSON.parse(row.excerpt) as ClipExcerptLine[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    taskIds: [...taskIds],
  };
}

/** The column values of a new clip, in INSERT order (tenant first). */
export function clipValues(tenantId: string, clip: TrainingClip): unknown[] {
  return [
    tenantId, clip.id, clip.callId, clip.agentId, clip.startS, clip.endS, clip.label, clip.note, clip.criterionId,
    clip.demand, clip.inquiryType, clip.language, JSON.stringify(clip.excerpt), clip.createdBy, clip.createdAt,
  ];
}

export const CLIP_COLUMNS =
  'tenant_id, id, call_id, agent_id, start_s, end_s, label, note, criterion_id, demand, inquiry_type, language, excerpt, created_by, created_at';

/** The WHERE conditions of a query, with `param(value)` returning the placeholder for the dialect. */
export function clipConditions(query: ClipQuery, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (query.demand !== undefined) where.push(`c.demand = ${param(query.demand)}`);
  if (query.inquiryType !== undefined) where.push(`c.inquiry_type = ${param(query.inquiryType)}`);
  if (query.criterionId !== undefined) where.push(`c.criterion_id = ${param(query.criterionId)}`);
  if (query.label !== undefined) where.push(`c.label = ${param(query.label)}`);
  if (query.callId !== undefined) where.push(`c.call_id = ${param(query.callId)}`);
  if (query.taskIds !== undefined) {
    if (query.taskIds.length === 0) where.push('1 = 0');
    else {
      const list = query.taskIds.map((t) => param(t)).join(', ');
      where.push(`EXISTS (SELECT 1 FROM training_clip_pins p WHERE p.tenant_id = c.tenant_id AND p.clip_id = c.id AND p.task_id IN (${list}))`);
    }
  }
  return where;
}

/** Training clips on the hub's SQLite database; deleting a clip deletes its pins in the same transaction. */
export class SqliteClipStore implements ClipStore {
  constructor(private readonly db: Database.Database) {}

  insertClip(tenantId: string, clip: TrainingClip): void {
    try {
      this.db.prepare(`INSERT INTO training_clips (${CLIP_COLUMNS}) VALUES (${CLIP_COLUMNS.split(',').map(() => '?').join(', ')})`).run(...clipValues(tenantId, clip));
    } catch (error) {
      if (String((error as { code?: unknown }).code ?? '') === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new CallsightError('CONFLICT', 'A clip with this id already exists', { cause: error });
      }
      throw error;
    }
  }

  getClip(tenantId: string, id: string): TrainingClip | null {
    const row = this.db.prepare('SELECT * FROM training_clips WHERE tenant_id = ? AND id = ?').get(tenantId, id) as TrainingClipRow | undefined;
    return row ? rowToClip(row, this.taskIdsOf(tenantId, id)) : null;
  }

  listClips(tenantId: string, query: ClipQuery): TrainingClip[] {
    const params: unknown[] = [tenantId];
    const where = ['c.tenant_id = ?', ...clipConditions(query, (value) => (params.push(value), '?'))];
    params.push(query.limit);
    const rows = this.db
      .prepare(`SELECT c.* FROM training_clips c WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`)
      .all(...params) as TrainingClipRow[];
    return rows.map((row) => rowToClip(row, this.taskIdsOf(tenantId, row.id)));
  }

  pinClip(tenantId: string, pin: ClipPin): boolean {
    if (!this.db.prepare('SELECT 1 FROM training_clips WHERE tenant_id = ? AND id = ?').get(tenantId, pin.clipId)) {
      throw new CallsightError('NOT_FOUND', 'No clip with this id');
    }
    const result = this.db
      .prepare('INSERT INTO training_clip_pins (tenant_id, clip_id, task_id, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(tenantId, pin.clipId, pin.taskId, pin.pinnedBy, pin.pinnedAt);
    return result.changes > 0;
  }

  deleteClip(tenantId: string, id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM training_clip_pins WHERE tenant_id = ? AND clip_id = ?').run(tenantId, id);
      return this.db.prepare('DELETE FROM training_clips WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes > 0;
    })();
  }

  purgeCall(tenantId: string, callId: string): number {
    return this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM training_clip_pins WHERE tenant_id = ? AND clip_id IN (SELECT id FROM training_clips WHERE tenant_id = ? AND call_id = ?)')
        .run(tenantId, tenantId, callId);
      return this.db.prepare('DELETE FROM training_clips WHERE tenant_id = ? AND call_id = ?').run(tenantId, callId).changes;
    })();
  }

  private taskIdsOf(tenantId: string, clipId: string): string[] {
    return (
      this.db.prepare('SELECT task_id FROM training_clip_pins WHERE tenant_id = ? AND clip_id = ? ORDER BY pinned_at, task_id').all(tenantId, clipId) as { task_id: string }[]
    ).map((r) => r.task_id);
  }
}
