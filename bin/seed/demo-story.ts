import type { Principal } from '../../core/access/access.policy';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { Clock } from '../../core/shared/clock.port';
import { createSeededRandom } from '../../core/shared/clock.port';
import { createCoachingUseCases } from '../../app/coaching';
import { createQualityUseCases } from '../../app/quality';
import { systemActor } from '../../app/calls';
import type { Hub } from '../hub';
import { qualityPortsOf } from '../wiring/quality.wiring';
import { COACHING, DEMO_QUEUES, type PlannedCall } from './demo-plan';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A demo call as stored: its plan, its hub id and its transcript (null for misdials and IVR calls). */
export interface SeededCall {
  readonly plan: PlannedCall;
  readonly callId: string;
  readonly transcript: Transcript | null;
}

/** The demo's QA reviewers: `demo-qa` is the reviewer a /demo visitor signs in as (team north). */
export const DEMO_REVIEWERS = { north: 'demo-qa', finance: 'qa-zhoumin', global: 'qa-morgan' } as const;
/** The manager who coaches in the demo. */
export const DEMO_COACH = 'demo-manager';
/** The agent whose evaluation is under an open dispute. */
export const DISPUTING_AGENT = 'a-liuyang';

/** What the quality story added. */
export interface StoryReport {
  readonly evaluations: number;
  readonly reviewers: number;
  readonly coachingTaskId: string | null;
  readonly followUpCalls: number;
  readonly disputes: number;
}

/** Below this many calls the demo has too few per agent for a before/after comparison: calls only, no QA story. */
export const STORY_MIN_CALLS = 100;

type Answers = { criterionId: string; value: 'pass' | 'fail' | 'na' | number; comment?: string }[];

/**
 * The QA reviewers' answers to the default scorecard's manual criteria, read off what the conversation contains
 * (the automatic criteria are decided by the product from the call's analysis). `strictness` is how much harder a
 * reviewer marks the points criteria, so cross-scored calls show real disagreement.
 */
function manualAnswers(call: SeededCall, strictness: number): Answers {
  const script = call.plan.script!;
  const finance = call.plan.queue === DEMO_QUEUES.finance;
  const clamp = (x: number) => Math.max(0, Math.min(5, Math.round(x)));
  const misleading = script.sensitive !== 'none';
  return [
    { criterionId: 'identity_verified', value: finance ? 'pass' : 'na' },
    { criterionId: 'greeting', value: clamp((script.recordingNotice ? 5 : 3) - strictness) },
    { criterionId: 'clarity', value: clamp((script.talkOverShare > 0.3 ? 3 : 4) + (script.resolved ? 0.4 : 0) - strictness) },
    {
      criterionId: 'product_knowledge',
      value: clamp((misleading ? 2 : 4.6) - strictness),
      ...(misleading ? { comment: script.language === 'zh' ? '坐席使用了违规承诺用语。' : 'The agent made a promise the rules forbid.' } : {}),
    },
    {
      criterionId: 'issue_resolved',
      value: script.resolved ? 'pass' : 'fail',
      ...(script.resolved ? {} : { comment: script.language === 'zh' ? '问题未在本次通话中解决，转交后续处理。' : 'Not solved on the call; passed on.' }),
    },
    { criterionId: 'empathy', value: clamp((script.empathy ? (script.agitated ? 5 : 4.3) : 2) - strictness) },
  ];
}

/** The first moment the agent talks over the customer in a transcript, as a clip, or null. */
function talkOverClip(call: SeededCall): { startS: number; endS: number } | null {
  const segments = call.transcript?.segments ?? [];
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1]!;
    const current = segments[i]!;
    if (previous.speaker === 'customer' && current.speaker === 'agent' && current.startS < previous.endS - 0.3) {
      return { startS: previous.startS, endS: current.endS };
    }
  }
  return null;
}

/**
 * The demo's quality history, written through the product's own use-cases as it would have happened: three QA
 * reviewers score sampled calls on the default scorecard (some calls by two of them), a manager coaches the agent
 * who talked over customers (task, acknowledgement by the agent, completion), a follow-up sample of her later calls
 * is assigned and mostly scored, and an agent disputes one evaluation (left open). The use-cases run on a story
 * clock set to when each step happened; the audit trail records when the seed wrote them. Nothing here writes a
 * score or a rate: the product computes them from the answers and the analyses.
 */
export async function seedQualityStory(hub: Hub, tenantId: string, calls: readonly SeededCall[], now: Date): Promise<StoryReport> {
  const story = { at: now.getTime() };
  const clock: Clock = { now: () => new Date(story.at) };
  const ports = { ...qualityPortsOf(hub), clock };
  const quality = createQualityUseCases(ports);
  const coaching = createCoachingUseCases(ports);
  const random = createSeededRandom('demo-story');
  const at = (ms: number) => {
    story.at = Math.min(ms, now.getTime() - HOUR_MS);
  };
  const human = calls.filter((c) => c.transcript !== null && c.plan.agentId !== null);
  const reviewerOf = (call: SeededCall) =>
    call.plan.queue === DEMO_QUEUES.finance ? DEMO_REVIEWERS.finance : call.plan.queue === DEMO_QUEUES.global ? DEMO_REVIEWERS.global : DEMO_REVIEWERS.north;
  const strictness: Record<string, number> = { [DEMO_REVIEWERS.north]: 0, [DEMO_REVIEWERS.finance]: 0.4, [DEMO_REVIEWERS.global]: 0.8 };
  const evaluationIds = new Map<string, { id: string; agentId: string; resolved: boolean; at: number }>();
  let evaluations = 0;
  const evaluate = async (call: SeededCall, reviewerId: string, whenMs: number) => {
    at(whenMs);
    const evaluation = await quality.submitEvaluation(systemActor(tenantId, reviewerId), {
      callId: call.callId,
      answers: manualAnswers(call, strictness[reviewerId] ?? 0),
    });
    evaluations++;
    if (!evaluationIds.has(call.callId)) evaluationIds.set(call.callId, { id: evaluation.id, agentId: call.plan.agentId!, resolved: call.plan.script!.resolved, at: story.at });
  };

  const coachStart = now.getTime() - COACHING.assignedDaysAgo * DAY_MS;
  const coachEnd = now.getTime() - COACHING.completedDaysAgo * DAY_MS;
  const coachedCalls = human.filter((c) => c.plan.agentId === COACHING.agentId);
  const sampled = human.filter((c) => c.plan.agentId !== COACHING.agentId && random.next() < 0.16);
  const reviewers = [DEMO_REVIEWERS.north, DEMO_REVIEWERS.finance, DEMO_REVIEWERS.global];
  for (const [index, call] of sampled.entries()) {
    const started = Date.parse(call.plan.startedAt);
    const first = reviewerOf(call);
    await evaluate(call, first, started + (20 + random.next() * 48) * HOUR_MS);
    if (index % 6 === 0) {
      const second = reviewers.find((r) => r !== first)!;
      await evaluate(call, second, started + (30 + random.next() * 48) * HOUR_MS);
    }
  }

  const before = coachedCalls.filter((c) => Date.parse(c.plan.startedAt) < coachStart);
  for (const call of before.filter((_, i) => i % 3 === 0).slice(0, 7)) {
    await evaluate(call, DEMO_REVIEWERS.north, Date.parse(call.plan.startedAt) + 26 * HOUR_MS);
  }

  let coachingTaskId: string | null = null;
  let followUpCalls = 0;
  const clipCall = before.find((c) => talkOverClip(c) !== null);
  if (clipCall) {
    const clip = talkOverClip(clipCall)!;
    const coach = systemActor(tenantId, DEMO_COACH);
    const agent: Principal = { tenantId, userId: `demo-agent-${COACHING.agentId}`, role: 'agent', agentId: COACHING.agentId, teams: [], queues: [] };
    at(coachStart);
    const task = await coaching.assignCoachingTask(coach, {
      agentId: COACHING.agentId,
      criterionIds: ['no_interruptions', 'empathy'],
      clips: [{ callId: clipCall.callId, startS: clip.startS, endS: clip.endS, label: 'bad', note: '客户还没说完就开口了 / Started talking before the customer had finished' }],
      advice:
        '等客户把话说完再回应：先停顿一秒，复述客户的问题，再给出方案；客户着急时先表示理解和歉意。\n' +
        'Let the customer finish before you answer: pause for a second, repeat their problem back, then offer the fix; when they are upset, acknowledge it and apologise first.',
      dueAt: new Date(coachEnd + 2 * DAY_MS).toISOString(),
    });
    coachingTaskId = task.id;
    at(now.getTime() - COACHING.acknowledgedDaysAgo * DAY_MS);
    await coaching.acknowledgeCoachingTask(agent, { id: task.id });
    at(coachEnd);
    await coaching.completeCoachingTask(coach, { id: task.id });
    at(now.getTime() - 2 * DAY_MS);
    const followUp = await coaching.planFollowUp(coach, { taskId: task.id, count: 8, reviewerId: DEMO_REVIEWERS.north, seed: 'demo-follow-up' });
    followUpCalls = followUp.callIds.length;
    // Two follow-up calls stay unscored, so the demo reviewer has work waiting in her queue.
    const scored = followUp.callIds.slice(0, Math.max(0, followUp.callIds.length - 2));
    for (const [index, callId] of scored.entries()) {
      const call = coachedCalls.find((c) => c.callId === callId)!;
      await evaluate(call, DEMO_REVIEWERS.north, now.getTime() - 40 * HOUR_MS + index * HOUR_MS);
    }
  }

  let disputes = 0;
  const disputed =
    [...evaluationIds.values()].find((e) => e.agentId === DISPUTING_AGENT && !e.resolved) ??
    [...evaluationIds.values()].find((e) => e.agentId === DISPUTING_AGENT) ??
    [...evaluationIds.values()].find((e) => e.agentId !== COACHING.agentId);
  if (disputed) {
    const agent: Principal = { tenantId, userId: `demo-agent-${disputed.agentId}`, role: 'agent', agentId: disputed.agentId, teams: [], queues: [] };
    at(disputed.at + DAY_MS);
    await quality.openDispute(agent, {
      evaluationId: disputed.id,
      criterionId: 'issue_resolved',
      reason: '客户在通话结束前确认问题已解决，之后也没有再来电。/ The customer confirmed the issue was solved before hanging up and did not call again.',
    });
    disputes++;
  }
  return { evaluations, reviewers: reviewers.length, coachingTaskId, followUpCalls, disputes };
}
