import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kpiResponseSchema, segmentResponseSchema } from '../../core/api/insights.api';
import { principal } from './support/audit-spy';
import type { Transcript } from '../../core/analysis/transcript.types';
import { ANSWERS, once, qualityFixture, transcriptOf, type QualityFixture } from './quality-fixtures';

/** A customer who starts the call angry; calmed by the end or not. */
function upsetCall(calmed: boolean): Transcript {
  return {
    language: 'zh',
    segments: [
      { speaker: 'agent', startS: 0, endS: 5, text: '您好，本次通话将录音，请问有什么可以帮您？' },
      { speaker: 'customer', startS: 6, endS: 12, text: '你们的服务太差了，我非常生气，等了一个星期还没发货！' },
      { speaker: 'agent', startS: 13, endS: 18, text: '非常抱歉给您带来不便，我马上帮您处理。' },
      { speaker: 'customer', startS: 19, endS: 25, text: '太失望了，垃圾服务，气死我了。' },
      { speaker: 'agent', startS: 26, endS: 30, text: '已经为您加急发货，今天就能发出。' },
      ...(calmed
        ? [
            { speaker: 'customer' as const, startS: 31, endS: 36, text: '好的，谢谢你，问题解决了，很满意。' },
            { speaker: 'customer' as const, startS: 37, endS: 40, text: '非常感谢，服务很好。' },
          ]
        : [{ speaker: 'customer' as const, startS: 31, endS: 36, text: '又是这样敷衍，太差劲了，我要投诉你们，气死我了！' }]),
    ],
  };
}

let fx: QualityFixture;
const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-31T00:00:00Z' };

beforeEach(async () => {
  fx = await qualityFixture();
  // P1 calls twice about 退款 within 7 days (the first is unresolved); P2 once.
  await fx.addCall('k1', { agentId: 'a-1', startedAt: '2026-03-02T09:00:00.000Z', customerPhone: '+8613800000001', inquiryType: '退款', tags: ['vip'], csat: 5, transcript: transcriptOf({ turns: 4, interrupted: 1 }) });
  await fx.addCall('k2', { agentId: 'a-2', startedAt: '2026-03-05T09:00:00.000Z', customerPhone: '+8613800000001', inquiryType: '退款', csat: 2, transcript: transcriptOf({ turns: 2, interrupted: 0 }) });
  await fx.addCall('k3', { agentId: 'a-1', startedAt: '2026-03-10T09:00:00.000Z', customerPhone: '+8613800000002', inquiryType: '物流', csat: 4, transcript: transcriptOf({ turns: 3, interrupted: 0, sensitive: true }) });
  await fx.quality.submitEvaluation(principal('qa', { userId: 'qa-1', teams: ['north', 'south'] }), { callId: 'k1', answers: [...ANSWERS] });
});
afterEach(() => fx.close());

describe('insights', () => {
  it('report-kpis computes first-contact resolution and interruptions over the tenant; a manager gets their team\'s rows', async () => {
    const all = await once(fx, () => fx.insights.reportKpis(principal('admin'), { ...range, groupBy: 'all' }));
    const body = kpiResponseSchema.parse(all.result);
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ calls: 3, firstContactResolution: { numerator: 1, denominator: 2, repeatContacts: 1 }, interruptionRate: { numerator: 1, denominator: 9 } });
    expect(body.rows[0]!.averageScore.scored).toBe(1);
    expect(all.event).toMatchObject({ action: 'view_kpis', target: 'insights:kpis', outcome: 'allowed', details: { groupBy: 'all', groups: 1 } });
    const team = await once(fx, () => fx.insights.reportKpis(principal('manager', { teams: ['north'] }), { ...range, groupBy: 'agent' }));
    expect(team.result!.rows.map((r) => r.group)).toEqual(['a-1']);
    const bad = await once(fx, () => fx.insights.reportKpis(principal('admin'), { groupBy: 'planet' } as never));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const empty = await once(fx, () => fx.insights.reportKpis(principal('admin'), { from: range.to, to: range.from }));
    expect(empty.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'from must be before to' });
    const agent = await once(fx, () => fx.insights.reportKpis(principal('agent', { agentId: 'a-1' }), range));
    expect(agent.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });

  it('report-kpis fills emotion handling from the analyses: calmed / started negative, with its Wilson interval', async () => {
    await fx.addCall('e1', { agentId: 'a-1', startedAt: '2026-03-11T09:00:00.000Z', transcript: upsetCall(true) });
    await fx.addCall('e2', { agentId: 'a-1', startedAt: '2026-03-12T09:00:00.000Z', transcript: upsetCall(true) });
    await fx.addCall('e3', { agentId: 'a-2', startedAt: '2026-03-13T09:00:00.000Z', transcript: upsetCall(false) });
    await fx.addCall('e4', { agentId: 'a-2', startedAt: '2026-03-14T09:00:00.000Z' });
    const all = kpiResponseSchema.parse((await fx.insights.reportKpis(principal('admin'), { ...range, groupBy: 'all' })));
    const handling = all.rows[0]!.emotionHandling!;
    expect(handling).toMatchObject({ numerator: 2, denominator: 3, rate: 2 / 3, unknown: 1 });
    expect(handling.interval).toMatchObject({ level: 0.95 });
    expect(handling.interval!.low).toBeGreaterThan(0);
    expect(handling.interval!.low).toBeLessThan(2 / 3);
    expect(handling.interval!.high).toBeGreaterThan(2 / 3);
    expect(handling.interval!.high).toBeLessThan(1);
    const byAgent = await fx.insights.reportKpis(principal('admin'), { ...range, groupBy: 'agent' });
    expect(Object.fromEntries(byAgent.rows.map((r) => [r.group, [r.emotionHandling?.numerator, r.emotionHandling?.denominator]]))).toEqual({
      'a-1': [2, 2],
      'a-2': [0, 1],
    });
  });

  it('report-kpis defaults to the 30 days before now', async () => {
    const { result } = await once(fx, () => fx.insights.reportKpis(principal('admin'), {}));
    expect(result).toMatchObject({ from: '2026-03-16T12:00:00.000Z', to: '2026-04-15T12:00:00.000Z', groupBy: 'agent', rows: [] });
  });

  it('compare-segments compares tagged calls with the rest over the analysed calls', async () => {
    const { result, event } = await once(fx, () => fx.insights.compareSegments(principal('admin'), { ...range, tag: 'vip' }));
    const body = segmentResponseSchema.parse(result);
    expect(body).toMatchObject({ tag: 'vip', taggedCalls: 1, restCalls: 2, analysedCalls: 3, callsInRange: 3 });
    expect(event).toMatchObject({ action: 'view_insights', target: 'insights:segments', outcome: 'allowed', details: { calls: 3 } });
    const missing = await once(fx, () => fx.insights.compareSegments(principal('admin'), range as never));
    expect(missing.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid query: tag: /) });
    const qa = await once(fx, () => fx.insights.compareSegments(principal('qa'), { tag: 'vip' }));
    expect(qa.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });
});
