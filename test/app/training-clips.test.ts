import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase, SqliteClipStore } from '../../adapters/storage/sqlite';
import { ByteRangeAudioExcerpter } from '../../adapters/audio/excerpt';
import { PlaybackTokens } from '../../adapters/http/token-service';
import { createTrainingUseCases, type TrainingUseCases } from '../../app/training';
import { clipListResponseSchema, clipPinResponseSchema, clipSchema, type SaveClipRequest } from '../../core/api/training.api';
import type { Transcript } from '../../core/analysis/transcript.types';
import { principal } from './support/audit-spy';
import { once, qualityFixture, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
let training: TrainingUseCases;
let clips: SqliteClipStore;
let clipDb: ReturnType<typeof openSqliteDatabase>;
const qa = principal('qa', { userId: 'qa-1', teams: ['north'] });
const qaSouth = principal('qa', { userId: 'qa-2', teams: ['south'] });
const managerNorth = principal('manager', { userId: 'm-n', teams: ['north'] });
const managerSouth = principal('manager', { userId: 'm-s', teams: ['south'] });
const agent1 = principal('agent', { userId: 'u-a1', agentId: 'a-1' });
const agent2 = principal('agent', { userId: 'u-a2', agentId: 'a-2' });
const admin = principal('admin');

const withPhone: Transcript = {
  language: 'zh',
  segments: [
    { speaker: 'agent', startS: 0, endS: 5, text: '您好，本次通话将录音。' },
    { speaker: 'customer', startS: 6, endS: 12, text: '我的电话是13812345678，我想退款。' },
    { speaker: 'agent', startS: 13, endS: 20, text: '好的，我帮您办理退款流程。' },
    { speaker: 'customer', startS: 40, endS: 45, text: '谢谢。' },
  ],
};

beforeEach(async () => {
  fx = await qualityFixture();
  clipDb = openSqliteDatabase(':memory:');
  clips = new SqliteClipStore(clipDb);
  // Clip audio is tested on a real hub (test/api/clip-playback.api.test.ts); these calls have no recording.
  training = createTrainingUseCases({
    ...fx.ports,
    clips,
    audio: { read: async function* () {} },
    excerpts: new ByteRangeAudioExcerpter(),
    playback: new PlaybackTokens(() => new Uint8Array(32).fill(7)),
  });
  await fx.addCall('n-1', { agentId: 'a-1', inquiryType: '退款', transcript: withPhone });
  await fx.ports.transcripts.saveTranscript('t1', 'n-1', withPhone, 'import', new Date());
  await fx.addCall('s-1', { agentId: 'a-2', inquiryType: '物流' });
});
afterEach(() => {
  clipDb.close();
  fx.close();
});

const clipOf = (over: Partial<SaveClipRequest> = {}): SaveClipRequest => ({ callId: 'n-1', startS: 5, endS: 21, label: 'good', note: '先核实再办理', criterionId: 'issue_resolved', ...over });

describe('training clips', () => {
  it('save-clip: a reviewer marks a clip of a call in scope; the excerpt holds the lines of the range with the phone masked', async () => {
    const saved = await once(fx, () => training.saveClip(qa, clipOf()));
    const body = clipSchema.parse(saved.result);
    expect(body).toMatchObject({ callId: 'n-1', agentId: 'a-1', label: 'good', criterionId: 'issue_resolved', inquiryType: '退款', createdBy: 'qa-1', taskIds: [] });
    expect(body.excerpt.map((l) => l.startS)).toEqual([6, 13]);
    expect(body.excerpt.map((l) => l.text).join('')).not.toContain('13812345678');
    expect(body.excerpt[0]!.text).toMatch(/\[[A-Z_]+\]/);
    expect(saved.event).toMatchObject({ action: 'save_clip', target: `clip:${body.id}`, outcome: 'allowed', details: { callId: 'n-1', label: 'good', lines: 2 } });
  });

  it('save-clip refuses agents and auditors by role, a call out of scope as CALL_NOT_FOUND, a range past the call end, and stores nothing', async () => {
    const agent = await once(fx, () => training.saveClip(agent1, clipOf()));
    expect(agent.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
    const auditor = await once(fx, () => training.saveClip(principal('auditor'), clipOf()));
    expect(auditor.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
    const out = await once(fx, () => training.saveClip(qaSouth, clipOf()));
    expect(out.error).toMatchObject({ code: 'CALL_NOT_FOUND' });
    expect(out.event).toMatchObject({ outcome: 'denied', reason: 'not_found_or_out_of_scope' });
    const late = await once(fx, () => training.saveClip(qa, clipOf({ startS: 200, endS: 300 })));
    expect(late.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'A clip must end within its call' });
    const reversed = await once(fx, () => training.saveClip(qa, clipOf({ startS: 20, endS: 10 })));
    expect(reversed.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const bad = await once(fx, () => training.saveClip(qa, { ...clipOf(), label: 'great' } as unknown as SaveClipRequest));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid clip: label/) });
    expect(await clips.listClips('t1', { limit: 10 })).toEqual([]);
  });

  it('list-clips filters and holds only clips the reader reaches: the call agent and team, not the other team or agent; auditors refused', async () => {
    const a = await training.saveClip(admin, clipOf());
    const b = await training.saveClip(admin, { callId: 's-1', startS: 0, endS: 30, label: 'bad', demand: 'logistics_delay' });
    const ids = async (who: Parameters<TrainingUseCases['listClips']>[0], query = {}) => clipListResponseSchema.parse(await training.listClips(who, query)).items.map((c) => c.id);
    expect(await ids(admin)).toEqual([b.id, a.id]);
    expect(await ids(admin, { label: 'good' })).toEqual([a.id]);
    expect(await ids(admin, { demand: 'logistics_delay' })).toEqual([b.id]);
    expect(await ids(admin, { inquiryType: '退款', criterionId: 'issue_resolved' })).toEqual([a.id]);
    expect(await ids(managerNorth)).toEqual([a.id]);
    expect(await ids(agent1)).toEqual([a.id]);
    expect(await ids(agent2)).toEqual([b.id]);
    const listed = await once(fx, () => training.listClips(qa, {}));
    expect(listed.event).toMatchObject({ action: 'list_clips', outcome: 'allowed', details: { returned: 1 } });
    const auditor = await once(fx, () => training.listClips(principal('auditor'), {}));
    expect(auditor.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
    const bad = await once(fx, () => training.listClips(admin, { limit: '0' }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('get-clip answers NOT_FOUND alike for an absent clip and one out of reach', async () => {
    const a = await training.saveClip(qa, clipOf());
    expect((await once(fx, () => training.getClip(agent1, { id: a.id }))).result).toMatchObject({ id: a.id });
    const hidden = await once(fx, () => training.getClip(agent2, { id: a.id }));
    const absent = await once(fx, () => training.getClip(agent2, { id: 'clip_nope' }));
    expect(hidden.error).toMatchObject({ code: 'NOT_FOUND', message: 'No clip with this id is visible to you' });
    expect(absent.error).toMatchObject({ code: 'NOT_FOUND', message: 'No clip with this id is visible to you' });
    expect(hidden.event).toMatchObject({ action: 'view_clip', outcome: 'denied', reason: 'not_found_or_out_of_scope' });
  });

  it('pin-clip-to-task: the team manager pins a colleague call example to an agent task, which the agent then reads; others refused', async () => {
    const example = await training.saveClip(admin, { callId: 's-1', startS: 0, endS: 30, label: 'good' });
    const task = await fx.coaching.assignCoachingTask(managerNorth, { agentId: 'a-1', criterionIds: ['empathy'], advice: '先安抚客户' });
    const foreign = await once(fx, () => training.pinClipToTask(managerNorth, { taskId: task.id, clipId: example.id }));
    expect(foreign.error).toMatchObject({ code: 'NOT_FOUND', message: 'No clip with this id is visible to you' });
    expect(foreign.event).toMatchObject({ outcome: 'denied', reason: 'clip_not_found_or_out_of_scope' });
    const otherTeam = await once(fx, () => training.pinClipToTask(managerSouth, { taskId: task.id, clipId: example.id }));
    expect(otherTeam.error).toMatchObject({ code: 'NOT_FOUND', message: 'No coaching task with this id is visible to you' });
    expect(await training.getClip(agent1, { id: example.id }).catch((e) => e)).toMatchObject({ code: 'NOT_FOUND' });
    const pinned = await once(fx, () => training.pinClipToTask(admin, { taskId: task.id, clipId: example.id }));
    expect(clipPinResponseSchema.parse(pinned.result)).toMatchObject({ clipId: example.id, taskId: task.id, pinnedBy: 'u-admin' });
    expect(pinned.event).toMatchObject({ action: 'pin_clip', target: `coaching:${task.id}`, outcome: 'allowed', details: { clipId: example.id, created: true } });
    expect((await training.pinClipToTask(admin, { taskId: task.id, clipId: example.id })).created).toBe(false);
    expect(await training.getClip(agent1, { id: example.id })).toMatchObject({ id: example.id, taskIds: [task.id] });
    expect((await training.listClips(agent1, {})).items.map((c) => c.id)).toContain(example.id);
    expect((await training.listClips(agent1, { taskId: task.id })).items.map((c) => c.id)).toEqual([example.id]);
    expect((await training.listClips(admin, { taskId: 'coach_other' })).items).toEqual([]);
    const agent = await once(fx, () => training.pinClipToTask(agent1, { taskId: task.id, clipId: example.id }));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });

  it('remove-clip: the author or an admin removes; another reviewer is FORBIDDEN and the clip stays', async () => {
    const a = await training.saveClip(qa, clipOf());
    const other = await once(fx, () => training.removeClip(principal('qa', { userId: 'qa-3', teams: ['north'] }), { id: a.id }));
    expect(other.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(other.event).toMatchObject({ outcome: 'denied', reason: 'not_author' });
    expect(await clips.getClip('t1', a.id)).not.toBeNull();
    const agent = await once(fx, () => training.removeClip(agent1, { id: a.id }));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
    const removed = await once(fx, () => training.removeClip(qa, { id: a.id }));
    expect(removed.result).toEqual({ id: a.id, removed: true });
    expect(removed.event).toMatchObject({ action: 'remove_clip', outcome: 'allowed' });
    expect(await clips.getClip('t1', a.id)).toBeNull();
  });
});
