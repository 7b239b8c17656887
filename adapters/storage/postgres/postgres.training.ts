import type { ClipPin, TrainingClip } from '../../../core/training/clip';
import type { ClipQuery, ClipStore } from '../../../core/training/clip-store.port';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import { CLIP_COLUMNS, clipConditions, clipValues, rowToClip, type TrainingClipRow } from '../sqlite/sqlite.training';
import type { PostgresDatabase } from './postgres-database';

/** Training clips on PostgreSQL, with the behaviour of SqliteClipStore (test/contracts/clip-store.contract.ts). */
export class PostgresClipStore implements ClipStore {
  constructor(private readonly db: PostgresDatabase) {}

  async insertClip(tenantId: string, clip: TrainingClip): Promise<void> {
    const values = clipValues(tenantId, clip);
    try {
      await this.db.query(`INSERT INTO training_clips (${CLIP_COLUMNS}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    } catch (error) {
      if (isCallsightError(error) && error.code === 'CONFLICT') throw new CallsightError('CONFLICT', 'A clip with this id already exists', { cause: error });
      throw error;
    }
  }

  async getClip(tenantId: string, id: string): Promise<TrainingClip | null> {
    const { rows } = await this.db.query<TrainingClipRow>('SELECT * FROM training_clips WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? rowToClip(rows[0], await this.taskIdsOf(tenantId, id)) : null;
  }

  async listClips(tenantId: string, query: ClipQuery): Promise<TrainingClip[]> {
    const params: unknown[] = [tenantId];
    const where = ['c.tenant_id = $1', ...clipConditions(query, (value) => (params.push(value), `$${params.length}`))];
    params.push(query.limit);
    const { rows } = await this.db.query<TrainingClipRow>(
      `SELECT c.* FROM training_clips c WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
    const clips: TrainingClip[] = [];
    for (const row of rows) clips.push(rowToClip(row, await this.taskIdsOf(tenantId, row.id)));
    return clips;
  }

  async pinClip(tenantId: string, pin: ClipPin): Promise<boolean> {
    return this.db.transaction(async () => {
      const { rows } = await this.db.query('SELECT 1 FROM training_clips WHERE tenant_id = $1 AND id = $2 FOR SHARE', [tenantId, pin.clipId]);
      if (rows.length === 0) throw new CallsightError('NOT_FOUND', 'No clip with this id');
      const result = await this.db.query(
        'INSERT INTO training_clip_pins (tenant_id, clip_id, task_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [tenantId, pin.clipId, pin.taskId, pin.pinnedBy, pin.pinnedAt],
      );
      return (result.rowCount ?? 0) > 0;
    });
  }

  async deleteClip(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction(async () => {
      await this.db.query('DELETE FROM training_clip_pins WHERE tenant_id = $1 AND clip_id = $2', [tenantId, id]);
      const result = await this.db.query('DELETE FROM training_clips WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async purgeCall(tenantId: string, callId: string): Promise<number> {
    return this.db.transaction(async () => {
      await this.db.query(
        'DELETE FROM training_clip_pins WHERE tenant_id = $1 AND clip_id IN (SELECT id FROM training_clips WHERE tenant_id = $1 AND call_id = $2)',
        [tenantId, callId],
      );
      const result = await this.db.query('DELETE FROM training_clips WHERE tenant_id = $1 AND call_id = $2', [tenantId, callId]);
      return result.rowCount ?? 0;
    });
  }

  private async taskIdsOf(tenantId: string, clipId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ task_id: string }>(
      'SELECT task_id FROM training_clip_pins WHERE tenant_id = $1 AND clip_id = $2 ORDER BY pinned_at, task_id',
      [tenantId, clipId],
    );
    return rows.map((r) => r.task_id);
  }
}
