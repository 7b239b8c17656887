import { afterAll, beforeAll, expect, it } from 'vitest';
import { acknowledgeCoachingTask, completeCoachingTask, createCoachingTask, type CoachingTask } from '../../core/coaching/coaching-task';
import { openDispute, resolveDispute, type Dispute } from '../../core/quality/dispute';
import { createEvaluation, type Clip, type Evaluation } from '../../core/quality/evaluation';
import type { QualityStore } from '../../core/quality/quality-store.port';
import { createScorecard, reviseScorecard, type Scorecard } from '../../core/quality/scorecard';
import type { SamplePlan, SampleStratum } from '../../core/sampling/sample-plan';

/** Tables whose rows the port never returns one by one, counted to check purges and all-or-nothing writes. */
export type QualityTable = 'qa_evaluations' | 'qa_clips' | 'qa_dispute_events' | 'qa_coaching_events' | 'qa_sample_items' | 'review_assignments';

/** A quality store under contract test plus the raw access the port does not offer. */
export interface QualityStoreUnderTest {
  readonly store: QualityStore;
  countRows(table: QualityTable, tenantId: string): Promise<number>;
  /**
   * Runs `work` in one database transaction that the store's own writes join; present where callers really run
   * concurrently (PostgreSQL), so that a test can hold a transaction open while another caller writes.
   */
  readonly transaction?: <T>(work: () => Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

export type OpenQualityStore = () => Promise<QualityStoreUnderTest>;

const T1 = 't1';
const T2 = 't2';
const AT = '2026-03-10T09:00:00.000Z';

/** `n` minutes after 2026-03-10T09:00Z, as the ISO text both stores keep. */
function minute(n: number): string {
  return new Date(Date.parse(AT) + n * 60_000).toISOString();
}

function makeCard(id: string, versions = 1): Scorecard {
  let card = createScorecard(
    {
      id,
      name: { zh: '评分表', en: 'Card' },
      sections: [
        {
          id: 'talk',
          label: { zh: '沟通', en: 'Communication' },
          weight: 1,
          criteria: [
            { id: 'greet', label: { zh: '问候', en: 'Greeting' }, kind: 'manual' },
            { id: 'solve', label: { zh: '解决', en: 'Solved' }, kind: 'manual', scale: { kind: 'points', max: 5 } },
          ],
        },
      ],
    },
    { by: 'admin-1', at: AT },
  );
  for (let v = 2; v <= versions; v++) card = reviseScorecard(card, { note: `revision ${v}`, name: { zh: `评分表 ${v}`, en: `Card ${v}` } }, { by: 'admin-1', at: minute(v) });
  return card;
}

const CARD = makeCard('std');

function makeEvaluation(
  id: string,
  over: { callId?: string; agentId?: string; reviewerId?: string; callStartedAt?: string; at?: string; clips?: readonly Clip[]; solve?: number; card?: Scorecard } = {},
): Evaluation {
  return createEvaluation({
    id,
    callId: over.callId ?? 'call-1',
    agentId: over.agentId ?? 'a1',
    reviewerId: over.reviewerId ?? 'qa-1',
    callStartedAt: over.callStartedAt ?? '2026-03-01T08:00:00.000Z',
    scorecard: over.card ?? CARD,
    answers: [
      { criterionId: 'greet', value: 'pass' },
      { criterionId: 'solve', value: over.solve ?? 4 },
    ],
    clips: over.clips ?? [],
    analysis: null,
    at: over.at ?? AT,
  });
}

function makeDispute(id: string, evaluation: Evaluation, at = AT): Dispute {
  return openDispute({ id, evaluation, by: `user-${evaluation.agentId}`, reason: 'I did greet the customer', at });
}

function upheld(dispute: Dispute, by = 'mgr-1'): Dispute {
  return resolveDispute(dispute, { by, at: minute(30), outcome: 'upheld', note: 'score stands', originalReviewerId: 'qa-1' });
}

function changed(dispute: Dispute, revised: Evaluation, by = 'mgr-1'): Dispute {
  return resolveDispute(dispute, { by, at: minute(30), outcome: 'changed', note: 'rescored', originalReviewerId: 'qa-1', revisedEvaluation: revised });
}

function makeTask(id: string, over: { agentId?: string; at?: string } = {}): CoachingTask {
  return createCoachingTask({
    id,
    agentId: over.agentId ?? 'a1',
    criterionIds: ['greet'],
    clips: [{ callId: 'call-1', startS: 1, endS: 5, label: 'bad', note: 'no greeting' }],
    advice: 'Greet the customer first.',
    by: 'coach-1',
    at: over.at ?? AT,
  });
}

interface ItemSpec {
  readonly callId: string;
  readonly reviewerIds: readonly string[];
  readonly agentId?: string;
  readonly stratum?: SampleStratum;
  readonly blind?: boolean;
}

function makePlan(period: string, items: readonly ItemSpec[], seed = 'seed-1'): SamplePlan {
  return {
    period,
    seed,
    settings: { quotas: { new: 0.5, senior: 0.1 }, riskFirst: true, controlShare: 0.2, doubleScoreShare: 0.1, minRiskScore: 0 },
    items: items.map((i) => ({
      callId: i.callId,
      agentId: i.agentId ?? 'a1',
      stratum: i.stratum ?? 'quota',
      riskScore: 0.25,
      reviewerIds: i.reviewerIds,
      doubleScored: i.reviewerIds.length > 1,
      blind: i.blind ?? false,
    })),
    agents: [],
    reviewers: [],
    totals: { callsInPeriod: items.length, callsWithoutAgent: 0, sampled: items.length, doubleScored: 0, unassigned: 0 },
    fingerprint: `fp-${seed}`,
  };
}

/** Starts every write together and waits for all; a synchronous store's throw becomes a rejection like an async one's. */
function race(...writes: (() => unknown)[]): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(writes.map((write) => Promise.resolve().then(write)));
}

async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    return String((error as { code?: unknown }).code ?? 'no code');
  }
  return 'no error';
}

/**
 * The QualityStore contract: every adapter gives the same answers, orders, error codes and all-or-nothing writes.
 * One database per suite; each test uses its own ids (calls, periods, disputes) so the tests do not meet.
 */
export function describeQualityStoreContract(open: OpenQualityStore): void {
  let subject: QualityStoreUnderTest;
  let store: QualityStore;

  beforeAll(async () => {
    subject = await open();
    store = subject.store;
    await store.insertScorecard(T1, CARD);
    await store.insertScorecard(T2, CARD);
  });
  afterAll(async () => subject?.close());

  // ---- scorecards ----

  it('keeps scorecard versions: the latest, a given one, all of one id oldest first, all by id in byte order', async () => {
    const [v1, v2, v3] = [makeCard('qa', 1), makeCard('qa', 2), makeCard('qa', 3)];
    await store.insertScorecard(T1, v2);
    await store.insertScorecard(T1, v3);
    await store.insertScorecard(T1, v1);
    // Byte order puts '-' < '.' < digits < '_'; a locale collation that ignores punctuation would not.
    for (const id of ['qa_1', 'qa-2', 'qa1', 'qa.3']) await store.insertScorecard(T1, makeCard(id));

    expect(await store.getScorecard(T1, 'qa')).toEqual(v3);
    expect(await store.getScorecard(T1, 'qa', 2)).toEqual(v2);
    expect(await store.getScorecard(T1, 'qa', 4)).toBeNull();
    expect(await store.getScorecard(T1, 'nope')).toBeNull();
    expect(await store.listScorecardVersions(T1, 'qa')).toEqual([v1, v2, v3]);
    expect(await store.listScorecardVersions(T1, 'nope')).toEqual([]);
    const all = (await store.listAllScorecards(T1)).filter((c) => c.id.startsWith('qa') || c.id === 'std');
    expect(all.map((c) => `${c.id}@${c.version}`)).toEqual(['qa@1', 'qa@2', 'qa@3', 'qa-2@1', 'qa.3@1', 'qa1@1', 'qa_1@1', 'std@1']);
    expect(await store.listAllScorecards(T2)).toEqual([CARD]);
  });

  it('refuses a scorecard version that exists (CONFLICT) and keeps the stored one', async () => {
    const card = makeCard('dup');
    await store.insertScorecard(T1, card);
    const other = { ...card, name: { zh: '别的', en: 'Other' } };
    expect(await codeOf(() => store.insertScorecard(T1, other))).toBe('CONFLICT');
    expect(await store.listScorecardVersions(T1, 'dup')).toEqual([card]);
  });

  // ---- evaluations ----

  it('stores an evaluation with its clips and reads it back whole', async () => {
    const clips: Clip[] = [
      { startS: 1.5, endS: 4.25, label: 'good', note: 'warm greeting', criterionId: 'greet' },
      { startS: 30, endS: 42, label: 'bad', note: 'long hold' },
    ];
    const evaluation = makeEvaluation('ev-clips', { callId: 'call-clips', clips });
    await store.insertEvaluation(T1, evaluation);
    expect(await store.getEvaluation(T1, 'ev-clips')).toEqual(evaluation);
    expect(await store.getEvaluation(T1, 'nope')).toBeNull();
    expect(await subject.countRows('qa_clips', T1)).toBe(2);
  });

  it('refuses a known evaluation id (CONFLICT) and an unknown scorecard version (NOT_FOUND), writing nothing', async () => {
    const before = await subject.countRows('qa_evaluations', T1);
    const clipsBefore = await subject.countRows('qa_clips', T1);
    await store.insertEvaluation(T1, makeEvaluation('ev-dup', { callId: 'call-dup' }));
    const again = makeEvaluation('ev-dup', { callId: 'call-dup', solve: 1, clips: [{ startS: 0, endS: 1, label: 'bad', note: 'x' }] });
    expect(await codeOf(() => store.insertEvaluation(T1, again))).toBe('CONFLICT');
    const orphan = makeEvaluation('ev-orphan', { callId: 'call-dup', card: makeCard('never-stored'), clips: [{ startS: 0, endS: 1, label: 'bad', note: 'x' }] });
    expect(await codeOf(() => store.insertEvaluation(T1, orphan))).toBe('NOT_FOUND');
    expect((await store.getEvaluation(T1, 'ev-dup'))?.score.criteria.find((c) => c.criterionId === 'solve')?.value).toBe(4);
    expect(await store.getEvaluation(T1, 'ev-orphan')).toBeNull();
    expect(await subject.countRows('qa_evaluations', T1)).toBe(before + 1);
    expect(await subject.countRows('qa_clips', T1)).toBe(clipsBefore);
  });

  it("lists a call's evaluations oldest first, ties by id in byte order", async () => {
    await store.insertEvaluation(T1, makeEvaluation('ev_a', { callId: 'call-order', at: minute(5) }));
    await store.insertEvaluation(T1, makeEvaluation('ev-z', { callId: 'call-order', at: minute(1) }));
    await store.insertEvaluation(T1, makeEvaluation('ev-b', { callId: 'call-order', at: minute(5) }));
    await store.insertEvaluation(T1, makeEvaluation('ev-other', { callId: 'call-order-2', at: minute(0) }));
    expect((await store.listEvaluationsForCall(T1, 'call-order')).map((e) => e.id)).toEqual(['ev-z', 'ev-b', 'ev_a']);
    expect(await store.listEvaluationsForCall(T1, 'call-none')).toEqual([]);
  });

  it('lists evaluations of calls started in [from, to), of some agents, by call start then id', async () => {
    const T = T2;
    const day = (d: number, h = 8) => `2026-04-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`;
    await store.insertEvaluation(T, makeEvaluation('w-3', { callId: 'w-c3', agentId: 'a2', callStartedAt: day(3) }));
    await store.insertEvaluation(T, makeEvaluation('w-1', { callId: 'w-c1', agentId: 'a1', callStartedAt: day(1) }));
    await store.insertEvaluation(T, makeEvaluation('w-2b', { callId: 'w-c2', agentId: 'a1', callStartedAt: day(2) }));
    await store.insertEvaluation(T, makeEvaluation('w-2a', { callId: 'w-c2', agentId: 'a1', reviewerId: 'qa-2', callStartedAt: day(2) }));
    await store.insertEvaluation(T, makeEvaluation('w-4', { callId: 'w-c4', agentId: 'a3', callStartedAt: day(4) }));
    const ids = async (query: Parameters<QualityStore['listEvaluations']>[1]) =>
      (await store.listEvaluations(T, query)).filter((e) => e.id.startsWith('w-')).map((e) => e.id);

    expect(await ids(undefined)).toEqual(['w-1', 'w-2a', 'w-2b', 'w-3', 'w-4']);
    expect(await ids({ from: day(2), to: day(4) })).toEqual(['w-2a', 'w-2b', 'w-3']);
    expect(await ids({ from: day(2, 9) })).toEqual(['w-3', 'w-4']);
    expect(await ids({ to: day(1) })).toEqual([]);
    expect(await ids({ agentIds: ['a1', 'a3'] })).toEqual(['w-1', 'w-2a', 'w-2b', 'w-4']);
    expect(await ids({ from: day(2), agentIds: ['a2'] })).toEqual(['w-3']);
    expect(await store.listEvaluations(T, { agentIds: [] })).toEqual([]);
  });

  // ---- reviewers ----

  it('replaces the reviewer roster whole and lists it by id', async () => {
    await store.setReviewers(T1, [{ id: 'qa-9' }, { id: 'qa-1', agentId: 'a7' }, { id: 'qa-5', agentId: null }]);
    expect(await store.listReviewers(T1)).toEqual([{ id: 'qa-1', agentId: 'a7' }, { id: 'qa-5' }, { id: 'qa-9' }]);
    await store.setReviewers(T1, [{ id: 'qa-2' }]);
    expect(await store.listReviewers(T1)).toEqual([{ id: 'qa-2' }]);
    expect(await store.listReviewers(T2)).toEqual([]);
    await store.setReviewers(T1, []);
    expect(await store.listReviewers(T1)).toEqual([]);
  });

  it('applies concurrent roster replacements one after the other: the result is one roster whole', async () => {
    const a = [{ id: 'ra-1' }, { id: 'ra-2' }, { id: 'shared' }];
    const b = [{ id: 'rb-1' }, { id: 'shared', agentId: 'a4' }];
    const results = await race(() => store.setReviewers(T2, a), () => store.setReviewers(T2, b), () => store.setReviewers(T2, a));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect([JSON.stringify(a), JSON.stringify(b)]).toContain(JSON.stringify(await store.listReviewers(T2)));
    await store.setReviewers(T2, []);
  });

  // ---- sampling plans and assignments ----

  it('saves a plan with its items and assignments, and reads them back', async () => {
    const plan = makePlan('2026-01', [
      { callId: 'p1-c1', reviewerIds: ['qa-2', 'qa-1'], blind: true, stratum: 'risk' },
      { callId: 'p1-c2', reviewerIds: ['qa-1'], agentId: 'a2', stratum: 'control' },
      { callId: 'p1-c3', reviewerIds: [] },
    ]);
    await store.savePlan(T1, plan, 'admin-1', AT, false);
    expect(await store.getPlan(T1, '2026-01')).toEqual({ plan, createdAt: AT, createdBy: 'admin-1' });
    expect(await store.getPlan(T1, '2026-02')).toBeNull();
    expect(await store.sampleItemsForCall(T1, 'p1-c1')).toEqual([{ callId: 'p1-c1', agentId: 'a1', stratum: 'risk', reviewerIds: ['qa-2', 'qa-1'], blind: true }]);
    expect(await store.sampleItemsForCall(T1, 'p1-c2')).toEqual([{ callId: 'p1-c2', agentId: 'a2', stratum: 'control', reviewerIds: ['qa-1'], blind: false }]);
    expect(await store.sampleItemsForCall(T1, 'p1-none')).toEqual([]);
    expect(await store.reviewersOfCall(T1, 'p1-c1')).toEqual(['qa-1', 'qa-2']);
    expect(await store.reviewersOfCall(T1, 'p1-c3')).toEqual([]);
  });

  it('refuses a second plan of a period without replace (CONFLICT) and changes nothing', async () => {
    const first = makePlan('2026-02', [{ callId: 'p2-c1', reviewerIds: ['qa-1'] }]);
    await store.savePlan(T1, first, 'admin-1', AT, false);
    const second = makePlan('2026-02', [{ callId: 'p2-c2', reviewerIds: ['qa-3'] }], 'seed-2');
    expect(await codeOf(() => store.savePlan(T1, second, 'admin-2', minute(1), false))).toBe('CONFLICT');
    expect(await store.getPlan(T1, '2026-02')).toEqual({ plan: first, createdAt: AT, createdBy: 'admin-1' });
    expect(await store.reviewersOfCall(T1, 'p2-c2')).toEqual([]);
    expect(await store.sampleItemsForCall(T1, 'p2-c2')).toEqual([]);
  });

  it('replaces a plan: drops unscored assignments it does not repeat, keeps scored and repeated ones', async () => {
    const old = makePlan('2026-03', [
      { callId: 'p3-keep', reviewerIds: ['qa-1'] },
      { callId: 'p3-scored', reviewerIds: ['qa-1'] },
      { callId: 'p3-drop', reviewerIds: ['qa-1', 'qa-2'] },
    ]);
    await store.savePlan(T1, old, 'admin-1', AT, false);
    await store.assignReviews(T1, [{ callId: 'p3-drop', reviewerId: 'coach-x' }], AT);
    await store.insertEvaluation(T1, makeEvaluation('p3-ev', { callId: 'p3-scored', reviewerId: 'qa-1' }));
    const next = makePlan(
      '2026-03',
      [
        { callId: 'p3-keep', reviewerIds: ['qa-1'] },
        { callId: 'p3-new', reviewerIds: ['qa-3'] },
      ],
      'seed-2',
    );
    await store.savePlan(T1, next, 'admin-2', minute(1), true);

    expect(await store.getPlan(T1, '2026-03')).toEqual({ plan: next, createdAt: minute(1), createdBy: 'admin-2' });
    expect(await store.reviewersOfCall(T1, 'p3-keep')).toEqual(['qa-1']);
    expect(await store.reviewersOfCall(T1, 'p3-scored')).toEqual(['qa-1']);
    // Assignments the old plan did not make (coaching follow-ups) are not the plan's to drop.
    expect(await store.reviewersOfCall(T1, 'p3-drop')).toEqual(['coach-x']);
    expect(await store.reviewersOfCall(T1, 'p3-new')).toEqual(['qa-3']);
    expect(await store.sampleItemsForCall(T1, 'p3-drop')).toEqual([]);
    expect(await store.sampleItemsForCall(T1, 'p3-scored')).toEqual([]);
    expect((await store.sampleItemsForCall(T1, 'p3-new')).map((i) => i.reviewerIds)).toEqual([['qa-3']]);
  });

  it('leaves the old plan and its assignments intact when a replacement fails part-way', async () => {
    const old = makePlan('2026-05', [
      { callId: 'p5-a', reviewerIds: ['qa-1'] },
      { callId: 'p5-b', reviewerIds: ['qa-2'] },
    ]);
    await store.savePlan(T1, old, 'admin-1', AT, false);
    // The same call twice breaks the items' key only after the old plan and assignments were removed.
    const broken = makePlan('2026-05', [
      { callId: 'p5-c', reviewerIds: ['qa-3'] },
      { callId: 'p5-c', reviewerIds: ['qa-4'] },
    ]);
    expect(await codeOf(() => store.savePlan(T1, broken, 'admin-2', minute(1), true))).not.toBe('no error');
    expect(await store.getPlan(T1, '2026-05')).toEqual({ plan: old, createdAt: AT, createdBy: 'admin-1' });
    expect(await store.reviewersOfCall(T1, 'p5-a')).toEqual(['qa-1']);
    expect(await store.reviewersOfCall(T1, 'p5-b')).toEqual(['qa-2']);
    expect(await store.reviewersOfCall(T1, 'p5-c')).toEqual([]);
    expect((await store.sampleItemsForCall(T1, 'p5-a')).length).toBe(1);
  });

  it('lets exactly one of two concurrent first plans of a period win; the loser gets CONFLICT', async () => {
    const a = makePlan('2026-06', [{ callId: 'p6-a', reviewerIds: ['qa-1'] }], 'seed-a');
    const b = makePlan('2026-06', [{ callId: 'p6-b', reviewerIds: ['qa-2'] }], 'seed-b');
    const results = await race(() => store.savePlan(T1, a, 'admin-1', AT, false), () => store.savePlan(T1, b, 'admin-2', AT, false));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((lost?.reason as { code?: string }).code).toBe('CONFLICT');
    const winner = results[0]!.status === 'fulfilled' ? a : b;
    const loser = winner === a ? b : a;
    expect((await store.getPlan(T1, '2026-06'))?.plan).toEqual(winner);
    expect(await store.reviewersOfCall(T1, loser.items[0]!.callId)).toEqual([]);
  });

  it('assigns reviews idempotently', async () => {
    const pairs = [
      { callId: 'as-1', reviewerId: 'qa-b' },
      { callId: 'as-1', reviewerId: 'qa-a' },
      { callId: 'as-2', reviewerId: 'qa-a' },
    ];
    await store.assignReviews(T1, pairs, AT);
    await store.assignReviews(T1, [...pairs, { callId: 'as-1', reviewerId: 'qa-a' }], minute(1));
    await store.assignReviews(T1, [], AT);
    expect(await store.reviewersOfCall(T1, 'as-1')).toEqual(['qa-a', 'qa-b']);
    expect(await store.reviewersOfCall(T1, 'as-2')).toEqual(['qa-a']);
    expect(await store.reviewersOfCall(T2, 'as-1')).toEqual([]);
  });

  // ---- disputes ----

  it('stores disputes and lists them by call, status and agent, oldest first', async () => {
    const e1 = makeEvaluation('d-ev1', { callId: 'd-c1', agentId: 'a1' });
    const e2 = makeEvaluation('d-ev2', { callId: 'd-c2', agentId: 'a2' });
    const e3 = makeEvaluation('d-ev3', { callId: 'd-c3', agentId: 'a3' });
    for (const e of [e1, e2, e3]) await store.insertEvaluation(T2, e);
    const d1 = makeDispute('d_1', e1, minute(3));
    const d2 = makeDispute('d-2', e2, minute(1));
    const d3 = makeDispute('d-3', e3, minute(3));
    const d4 = makeDispute('d-4', e1, minute(2));
    // d4 and d1 dispute one evaluation: d4 is resolved before d1 opens (one open dispute per evaluation).
    await store.insertDispute(T2, d4, 'a1');
    const resolved4 = upheld(d4);
    await store.resolveDispute(T2, resolved4, null);
    await store.insertDispute(T2, d1, 'a1');
    await store.insertDispute(T2, d2, 'a2');
    await store.insertDispute(T2, d3, 'a3');

    expect(await store.getDispute(T2, 'd_1')).toEqual(d1);
    expect(await store.getDispute(T2, 'nope')).toBeNull();
    expect(await store.listDisputesForCalls(T2, ['d-c3', 'd-c1', 'd-none', 'd-c1'])).toEqual([resolved4, d3, d1]);
    expect(await store.listDisputesForCalls(T2, [])).toEqual([]);
    expect(await store.listDisputes(T2)).toEqual([d2, resolved4, d3, d1]);
    expect(await store.listDisputes(T2, { status: 'open' })).toEqual([d2, d3, d1]);
    expect(await store.listDisputes(T2, { status: 'resolved' })).toEqual([resolved4]);
    expect(await store.listDisputes(T2, { agentIds: ['a1', 'a3'] })).toEqual([resolved4, d3, d1]);
    expect(await store.listDisputes(T2, { status: 'open', agentIds: ['a1'] })).toEqual([d1]);
    expect(await store.listDisputes(T2, { agentIds: [] })).toEqual([]);
  });

  it('refuses a known dispute id (CONFLICT)', async () => {
    const e = makeEvaluation('dd-ev', { callId: 'dd-c' });
    await store.insertEvaluation(T1, e);
    const d = makeDispute('dd-1', e);
    await store.insertDispute(T1, d, 'a1');
    const events = await subject.countRows('qa_dispute_events', T1);
    expect(await codeOf(() => store.insertDispute(T1, { ...d, reason: 'another reason' }, 'a1'))).toBe('CONFLICT');
    expect(await store.getDispute(T1, 'dd-1')).toEqual(d);
    expect(await subject.countRows('qa_dispute_events', T1)).toBe(events);
  });

  it('keeps one open dispute per evaluation, even when two are opened at once (CONFLICT), and allows a new one once resolved', async () => {
    const e = makeEvaluation('o-ev', { callId: 'o-c' });
    await store.insertEvaluation(T1, e);
    const results = await Promise.allSettled(['o-1', 'o-2'].map(async (id) => store.insertDispute(T1, makeDispute(id, e), 'a1')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT', message: 'this evaluation already has an open dispute' });
    const open = (await store.listDisputesForCalls(T1, ['o-c'])).filter((d) => d.status === 'open');
    expect(open).toHaveLength(1);
    await store.resolveDispute(T1, upheld(open[0]!), null);
    await store.insertDispute(T1, makeDispute('o-3', e), 'a1');
    expect((await store.listDisputesForCalls(T1, ['o-c'])).map((d) => [d.id, d.status])).toEqual(
      [[open[0]!.id, 'resolved'], ['o-3', 'open']],
    );
  });

  it('resolves a dispute as changed with its revised evaluation, appending to the history', async () => {
    const e = makeEvaluation('r-ev', { callId: 'r-c' });
    await store.insertEvaluation(T1, e);
    const d = makeDispute('r-d', e);
    await store.insertDispute(T1, d, 'a1');
    const events = await subject.countRows('qa_dispute_events', T1);
    const revised = makeEvaluation('r-ev2', { callId: 'r-c', reviewerId: 'mgr-1', solve: 5, at: minute(30) });
    const resolved = changed(d, revised);
    await store.resolveDispute(T1, resolved, revised);

    expect(await store.getDispute(T1, 'r-d')).toEqual(resolved);
    expect(await store.getEvaluation(T1, 'r-ev2')).toEqual(revised);
    expect((await store.listEvaluationsForCall(T1, 'r-c')).map((x) => x.id)).toEqual(['r-ev', 'r-ev2']);
    expect(await subject.countRows('qa_dispute_events', T1)).toBe(events + 1);
  });

  it('refuses to resolve a dispute that is no longer open or does not exist (CONFLICT), writing nothing', async () => {
    const e = makeEvaluation('x-ev', { callId: 'x-c' });
    await store.insertEvaluation(T1, e);
    const d = makeDispute('x-d', e);
    await store.insertDispute(T1, d, 'a1');
    const first = upheld(d);
    await store.resolveDispute(T1, first, null);
    const events = await subject.countRows('qa_dispute_events', T1);
    const late = makeEvaluation('x-ev2', { callId: 'x-c', reviewerId: 'mgr-2', at: minute(40) });
    expect(await codeOf(() => store.resolveDispute(T1, changed(d, late, 'mgr-2'), late))).toBe('CONFLICT');
    expect(await store.getDispute(T1, 'x-d')).toEqual(first);
    expect(await store.getEvaluation(T1, 'x-ev2')).toBeNull();
    expect(await subject.countRows('qa_dispute_events', T1)).toBe(events);

    const ghost = upheld(makeDispute('x-ghost', e));
    expect(await codeOf(() => store.resolveDispute(T1, ghost, null))).toBe('CONFLICT');
    expect(await store.getDispute(T1, 'x-ghost')).toBeNull();
  });

  it('keeps a dispute open when its revised evaluation cannot be stored', async () => {
    const e = makeEvaluation('y-ev', { callId: 'y-c' });
    await store.insertEvaluation(T1, e);
    const d = makeDispute('y-d', e);
    await store.insertDispute(T1, d, 'a1');
    // The revised evaluation reuses a stored id, so storing it fails after the dispute row was read and locked.
    const revised = makeEvaluation('y-ev', { callId: 'y-c', reviewerId: 'mgr-1', solve: 1, at: minute(30) });
    const resolved = changed(d, makeEvaluation('y-ev2', { callId: 'y-c', reviewerId: 'mgr-1', solve: 1, at: minute(30) }));
    expect(await codeOf(() => store.resolveDispute(T1, resolved, revised))).toBe('CONFLICT');
    expect(await store.getDispute(T1, 'y-d')).toEqual(d);
    expect(await store.listEvaluationsForCall(T1, 'y-c')).toEqual([e]);
  });

  it('lets exactly one of two concurrent resolutions of a dispute win; the other gets CONFLICT', async () => {
    for (let n = 0; n < 4; n++) {
      const e = makeEvaluation(`cc-ev${n}`, { callId: `cc-c${n}` });
      await store.insertEvaluation(T1, e);
      const d = makeDispute(`cc-d${n}`, e);
      await store.insertDispute(T1, d, 'a1');
      const revisedA = makeEvaluation(`cc-ev${n}-a`, { callId: e.callId, reviewerId: 'mgr-a', solve: 5, at: minute(30) });
      const revisedB = makeEvaluation(`cc-ev${n}-b`, { callId: e.callId, reviewerId: 'mgr-b', solve: 0, at: minute(30) });
      const byA = changed(d, revisedA, 'mgr-a');
      const byB = changed(d, revisedB, 'mgr-b');
      const results = await race(() => store.resolveDispute(T1, byA, revisedA), () => store.resolveDispute(T1, byB, revisedB));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect((lost?.reason as { code?: string }).code).toBe('CONFLICT');
      const [winner, winnerRevised] = results[0]!.status === 'fulfilled' ? [byA, revisedA] : [byB, revisedB];
      expect(await store.getDispute(T1, d.id)).toEqual(winner);
      expect((await store.listEvaluationsForCall(T1, e.callId)).map((x) => x.id)).toEqual([e.id, winnerRevised.id]);
    }
  });

  // ---- coaching ----

  it('stores coaching tasks, moves them on, and lists them newest first by agent and status', async () => {
    const t1 = makeTask('k-1', { agentId: 'a1', at: minute(1) });
    const t2 = makeTask('k_2', { agentId: 'a2', at: minute(2) });
    const t3 = makeTask('k-3', { agentId: 'a1', at: minute(2) });
    for (const t of [t1, t2, t3]) await store.insertCoachingTask(T2, t);
    const acked = acknowledgeCoachingTask(t1, { by: 'a1', at: minute(3) });
    await store.updateCoachingTask(T2, t1, acked);
    const done = completeCoachingTask(acked, { by: 'coach-1', at: minute(4) });
    await store.updateCoachingTask(T2, acked, done);

    expect(await store.getCoachingTask(T2, 'k-1')).toEqual(done);
    expect(await store.getCoachingTask(T2, 'nope')).toBeNull();
    expect(await subject.countRows('qa_coaching_events', T2)).toBe(5);
    expect((await store.listCoachingTasks(T2)).map((t) => t.id)).toEqual(['k-3', 'k_2', 'k-1']);
    expect(await store.listCoachingTasks(T2, { agentIds: ['a1'] })).toEqual([t3, done]);
    expect(await store.listCoachingTasks(T2, { status: 'assigned' })).toEqual([t3, t2]);
    expect(await store.listCoachingTasks(T2, { status: 'completed', agentIds: ['a2'] })).toEqual([]);
    expect(await store.listCoachingTasks(T2, { agentIds: [] })).toEqual([]);
  });

  it('refuses a known coaching task id and a stale update (CONFLICT), writing nothing', async () => {
    const task = makeTask('kc-1');
    await store.insertCoachingTask(T1, task);
    expect(await codeOf(() => store.insertCoachingTask(T1, { ...task, advice: 'other advice' }))).toBe('CONFLICT');
    const acked = acknowledgeCoachingTask(task, { by: 'a1', at: minute(1) });
    await store.updateCoachingTask(T1, task, acked);
    const events = await subject.countRows('qa_coaching_events', T1);
    const staleAck = acknowledgeCoachingTask(task, { by: 'a1', at: minute(2) });
    expect(await codeOf(() => store.updateCoachingTask(T1, task, staleAck))).toBe('CONFLICT');
    expect(await codeOf(() => store.updateCoachingTask(T1, makeTask('kc-ghost'), acknowledgeCoachingTask(makeTask('kc-ghost'), { by: 'a1', at: minute(1) })))).toBe(
      'CONFLICT',
    );
    expect(await store.getCoachingTask(T1, 'kc-1')).toEqual(acked);
    expect(await store.getCoachingTask(T1, 'kc-ghost')).toBeNull();
    expect(await subject.countRows('qa_coaching_events', T1)).toBe(events);
  });

  it('lets exactly one of two concurrent updates of a coaching task win; the other gets CONFLICT', async () => {
    const task = makeTask('kk-1');
    await store.insertCoachingTask(T1, task);
    const a = acknowledgeCoachingTask(task, { by: 'a1', at: minute(1) });
    const b = acknowledgeCoachingTask(task, { by: 'a1', at: minute(2) });
    const results = await race(() => store.updateCoachingTask(T1, task, a), () => store.updateCoachingTask(T1, task, b));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((lost?.reason as { code?: string }).code).toBe('CONFLICT');
    expect(await store.getCoachingTask(T1, 'kk-1')).toEqual(results[0]!.status === 'fulfilled' ? a : b);
  });

  // ---- purge and tenants ----

  it("purges a deleted call's evaluations, clips, disputes, history, sample items and assignments only", async () => {
    const clips: Clip[] = [{ startS: 0, endS: 2, label: 'bad', note: 'n' }];
    for (const tenant of [T1, T2]) {
      const e = makeEvaluation('pg-ev', { callId: 'pg-c', clips });
      await store.insertEvaluation(tenant, e);
      await store.insertEvaluation(tenant, makeEvaluation('pg-ev-kept', { callId: 'pg-kept', clips }));
      await store.insertDispute(tenant, makeDispute('pg-d', e), 'a1');
      await store.savePlan(tenant, makePlan('2025-12', [{ callId: 'pg-c', reviewerIds: ['qa-1'] }, { callId: 'pg-kept', reviewerIds: ['qa-1'] }]), 'admin-1', AT, false);
    }
    await store.insertCoachingTask(T1, makeTask('pg-task'));
    const count = async (tenant: string) =>
      Promise.all((['qa_evaluations', 'qa_clips', 'qa_dispute_events', 'qa_sample_items', 'review_assignments'] as const).map((t) => subject.countRows(t, tenant)));
    const [before1, before2] = [await count(T1), await count(T2)];

    await store.purgeCall(T1, 'pg-c');

    expect(await store.getEvaluation(T1, 'pg-ev')).toBeNull();
    expect(await store.listEvaluationsForCall(T1, 'pg-c')).toEqual([]);
    expect(await store.getDispute(T1, 'pg-d')).toBeNull();
    expect(await store.sampleItemsForCall(T1, 'pg-c')).toEqual([]);
    expect(await store.reviewersOfCall(T1, 'pg-c')).toEqual([]);
    expect(await count(T1)).toEqual([before1[0]! - 1, before1[1]! - 1, before1[2]! - 1, before1[3]! - 1, before1[4]! - 1]);
    expect(await store.getEvaluation(T1, 'pg-ev-kept')).not.toBeNull();
    expect(await store.reviewersOfCall(T1, 'pg-kept')).toEqual(['qa-1']);
    expect(await store.getCoachingTask(T1, 'pg-task')).not.toBeNull();
    expect(await count(T2)).toEqual(before2);
    expect(await store.getDispute(T2, 'pg-d')).not.toBeNull();
    await store.purgeCall(T1, 'pg-none');
  });

  it('keeps tenants apart: the same ids live side by side and no read or write crosses over', async () => {
    const iso = <T extends { id: string }>(items: readonly T[]) => items.filter((x) => x.id.startsWith('iso'));
    const card1 = makeCard('iso', 2);
    const card2 = makeCard('iso', 1);
    await store.insertScorecard(T1, makeCard('iso', 1));
    await store.insertScorecard(T1, card1);
    await store.insertScorecard(T2, card2);
    const e1 = makeEvaluation('iso-ev', { callId: 'iso-c', agentId: 'a1', card: card1 });
    const e2 = makeEvaluation('iso-ev', { callId: 'iso-c', agentId: 'a9', solve: 0 });
    const e1b = makeEvaluation('iso-ev-b', { callId: 'iso-c2', agentId: 'a1', card: card1 });
    await store.insertEvaluation(T1, e1);
    await store.insertEvaluation(T1, e1b);
    await store.insertEvaluation(T2, e2);
    const d1 = makeDispute('iso-d', e1);
    const d2 = makeDispute('iso-d', e2);
    const onlyT1 = makeDispute('iso-d1', e1b);
    await store.insertDispute(T1, d1, 'a1');
    await store.insertDispute(T1, onlyT1, 'a1');
    await store.insertDispute(T2, d2, 'a9');
    const k1 = makeTask('iso-k', { agentId: 'a1' });
    const k2 = makeTask('iso-k', { agentId: 'a9' });
    const k1only = makeTask('iso-k1', { agentId: 'a1' });
    await store.insertCoachingTask(T1, k1);
    await store.insertCoachingTask(T1, k1only);
    await store.insertCoachingTask(T2, k2);
    await store.savePlan(T1, makePlan('2025-11', [{ callId: 'iso-c', reviewerIds: ['qa-1'] }]), 'admin-1', AT, false);
    await store.savePlan(T2, makePlan('2025-11', [{ callId: 'iso-c', reviewerIds: ['qa-9'] }], 'seed-t2'), 'admin-9', AT, false);

    expect(await store.getScorecard(T2, 'iso')).toEqual(card2);
    expect(await store.listScorecardVersions(T2, 'iso')).toEqual([card2]);
    expect(await store.getEvaluation(T2, 'iso-ev')).toEqual(e2);
    expect(await store.listEvaluationsForCall(T2, 'iso-c')).toEqual([e2]);
    expect(iso(await store.listEvaluations(T2))).toEqual([e2]);
    expect(await store.getDispute(T2, 'iso-d')).toEqual(d2);
    expect(await store.getDispute(T2, 'iso-d1')).toBeNull();
    expect(iso(await store.listDisputes(T2))).toEqual([d2]);
    expect(await store.listDisputesForCalls(T2, ['iso-c'])).toEqual([d2]);
    expect(await store.getCoachingTask(T2, 'iso-k')).toEqual(k2);
    expect(await store.getCoachingTask(T2, 'iso-k1')).toBeNull();
    expect(iso(await store.listCoachingTasks(T2))).toEqual([k2]);
    expect((await store.getPlan(T2, '2025-11'))?.createdBy).toBe('admin-9');
    expect((await store.sampleItemsForCall(T2, 'iso-c')).map((i) => i.reviewerIds)).toEqual([['qa-9']]);
    expect(await store.reviewersOfCall(T1, 'iso-c')).toEqual(['qa-1']);
    // Writes addressed to the other tenant find nothing there.
    expect(await codeOf(() => store.resolveDispute(T2, upheld(onlyT1), null))).toBe('CONFLICT');
    expect(await codeOf(() => store.updateCoachingTask(T2, k1only, acknowledgeCoachingTask(k1only, { by: 'a1', at: minute(1) })))).toBe('CONFLICT');
    await store.purgeCall(T2, 'iso-c');
    expect(await store.getDispute(T1, 'iso-d1')).toEqual(onlyT1);
    expect(await store.getCoachingTask(T1, 'iso-k1')).toEqual(k1only);
    expect(await store.listEvaluationsForCall(T1, 'iso-c')).toEqual([e1]);
    expect(await store.listDisputesForCalls(T1, ['iso-c', 'iso-c2'])).toEqual([d1, onlyT1]);
    expect(await store.reviewersOfCall(T1, 'iso-c')).toEqual(['qa-1']);
    expect(await store.getEvaluation(T2, 'iso-ev')).toBeNull();
  });

  it('keeps the assignment of a call whose evaluation commits while a plan replacement drops it', async (context) => {
    if (!subject.transaction) return context.skip('one writer at a time: no transaction stays open across another write');
    const period = '2026-07';
    await store.savePlan(T1, makePlan(period, [{ callId: 'race-c', reviewerIds: ['qa-1'] }]), 'admin-1', AT, false);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const scored = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = subject.transaction;
    const scoring = transaction(async () => {
      await store.insertEvaluation(T1, makeEvaluation('race-ev', { callId: 'race-c', reviewerId: 'qa-1' }));
      inserted();
      await held;
    });
    await scored;
    const replacing = Promise.resolve(store.savePlan(T1, makePlan(period, [], 'seed-2'), 'admin-2', minute(1), true));
    // Give the replacement time to reach the assignment before the evaluation commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await Promise.all([scoring, replacing]);
    expect(await store.reviewersOfCall(T1, 'race-c')).toEqual(['qa-1']);
    expect(await store.sampleItemsForCall(T1, 'race-c')).toEqual([]);
  });
}
