import type { Agent } from '../../core/recordings/call';
import { createSeededRandom, type RandomSource } from '../../core/shared/clock.port';
import type { CallScript, DemoTopic } from './demo-transcripts';

const DAY_MS = 86_400_000;

/** The demo's agents: two teams, new and senior, Chinese e-commerce, finance and English e-commerce. */
export const DEMO_AGENTS: readonly Omit<Agent, 'tenantId'>[] = [
  { id: 'a-zhangwei', name: '张伟', team: 'north', seniority: 'senior', hiredAt: '2021-03-01' },
  { id: 'a-lina', name: '李娜', team: 'north', seniority: 'senior', hiredAt: '2020-07-15' },
  { id: 'a-wangfang', name: '王芳', team: 'north', seniority: 'new', hiredAt: '2026-08-01' },
  { id: 'a-liuyang', name: '刘洋', team: 'north', seniority: 'new', hiredAt: '2026-09-10' },
  { id: 'a-chenjing', name: '陈静', team: 'south', seniority: 'senior', hiredAt: '2019-11-20' },
  { id: 'a-emma', name: 'Emma Clarke', team: 'south', seniority: 'senior', hiredAt: '2022-01-10' },
  { id: 'a-james', name: 'James Miller', team: 'south', seniority: 'new', hiredAt: '2026-07-01' },
  { id: 'a-zhaolei', name: '赵磊', team: 'south', seniority: 'senior', hiredAt: '2018-05-05' },
  { id: 'a-sunli', name: '孙丽', team: 'north', seniority: 'senior', hiredAt: '2023-02-14' },
  { id: 'a-olivia', name: 'Olivia Chen', team: 'south', seniority: 'new', hiredAt: '2026-10-01' },
];

/** The demo's queues: Chinese e-commerce service, Chinese wealth and cards, English e-commerce, and the IVR. */
export const DEMO_QUEUES = { ecommerce: 'ecommerce-cn', finance: 'finance-cn', global: 'ecommerce-global', ivr: 'ivr-main' } as const;

/** Which queue each agent answers. */
const AGENT_QUEUE: Readonly<Record<string, string>> = {
  'a-zhangwei': DEMO_QUEUES.ecommerce,
  'a-lina': DEMO_QUEUES.ecommerce,
  'a-wangfang': DEMO_QUEUES.ecommerce,
  'a-liuyang': DEMO_QUEUES.ecommerce,
  'a-sunli': DEMO_QUEUES.ecommerce,
  'a-chenjing': DEMO_QUEUES.finance,
  'a-zhaolei': DEMO_QUEUES.finance,
  'a-emma': DEMO_QUEUES.global,
  'a-james': DEMO_QUEUES.global,
  'a-olivia': DEMO_QUEUES.global,
};

/** The agent the demo coaches, and when (days before the seed's "now"): assigned, acknowledged, completed. */
export const COACHING = { agentId: 'a-wangfang', assignedDaysAgo: 45, acknowledgedDaysAgo: 44, completedDaysAgo: 40 } as const;

/** Days the demo spans, back from "now": three months. */
export const DEMO_SPAN_DAYS = 91;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡'];
const GIVEN = ['敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞'];
const EN_NAMES = ['Alice Wong', 'Bob Smith', 'Carol Davis', 'Daniel Lee', 'Grace Kim', 'Henry Ford', 'Ivy Lin', 'Jack Brown'];

export interface DemoCustomer {
  readonly phone: string;
  readonly name: string;
  /** CRM customer tags; `high-value` marks the segment whose refund complaints the demo plants. */
  readonly tags: readonly string[];
}

/** The demo customers (deterministic): Chinese mobiles and a few US numbers; about three in ten are high-value. */
export function demoCustomers(count = 60): DemoCustomer[] {
  const random = createSeededRandom('demo-customers');
  const customers: DemoCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const english = i % 8 === 7;
    const phone = english
      ? `+1650253${String(1000 + i).padStart(4, '0')}`
      : `+86${['138', '139', '150', '186', '177'][i % 5]}${String(10000000 + Math.floor(random.next() * 89999999)).slice(0, 8)}`;
    const name = english ? (EN_NAMES[i % EN_NAMES.length] ?? 'Customer') : `${pick(random, SURNAMES)}${pick(random, GIVEN)}`;
    const roll = random.next();
    const tags = i % 10 < 3 ? (roll < 0.4 ? ['vip', 'high-value'] : ['high-value']) : roll < 0.3 ? ['new'] : roll < 0.85 ? ['regular'] : ['vip'];
    customers.push({ phone, name, tags });
  }
  return customers;
}

/** One planned demo call: its metadata, length, and what its conversation contains (null: no transcript). */
export interface PlannedCall {
  readonly providerCallId: string;
  readonly channel: 'human' | 'ivr';
  readonly direction: 'inbound' | 'outbound';
  readonly startedAt: string;
  readonly agentId: string | null;
  readonly queue: string;
  readonly inquiryType: string;
  readonly customer: DemoCustomer;
  readonly durationS: number;
  readonly misdial: boolean;
  /** Customer satisfaction answered after the call (1-5), or null when the customer skipped the survey. */
  readonly csat: number | null;
  readonly script: CallScript | null;
}

const INQUIRY: Readonly<Record<DemoTopic, { zh: string; en: string }>> = {
  refund_process: { zh: '退款', en: 'refund' },
  logistics: { zh: '物流', en: 'delivery' },
  product_quality: { zh: '售后', en: 'returns' },
  invoice: { zh: '发票', en: 'billing' },
  wrong_item: { zh: '售后', en: 'returns' },
  promotion: { zh: '促销', en: 'billing' },
  address: { zh: '物流', en: 'delivery' },
  wealth_product: { zh: '理财咨询', en: 'investments' },
  card_fees: { zh: '信用卡', en: 'cards' },
  account_access: { zh: '账户', en: 'account' },
  transfer: { zh: '转账', en: 'payments' },
  fraud: { zh: '信用卡', en: 'cards' },
};

const ECOMMERCE_TOPICS: readonly [DemoTopic, number][] = [
  ['logistics', 30],
  ['product_quality', 16],
  ['wrong_item', 10],
  ['promotion', 12],
  ['invoice', 8],
  ['address', 8],
];
const FINANCE_TOPIC_WEIGHTS: readonly [DemoTopic, number][] = [
  ['wealth_product', 35],
  ['card_fees', 20],
  ['account_access', 20],
  ['transfer', 15],
  ['fraud', 10],
];

/**
 * Share of e-commerce calls about the refund process: high-value customers complain about it much more often. This
 * is the planted difference the product's segment comparison has to find; nothing else marks these calls.
 */
export const REFUND_COMPLAINT_SHARE = { highValue: 0.55, others: 0.12 } as const;

/**
 * The first answered calls of every demo, so that even a demo of a dozen calls shows each queue and the kinds of
 * call the findings are made of (refund-process complaints in both languages, two angry customers, a forbidden
 * promise, a calm call); their customers and agents are fixed, the rest of their conversation is planned like any call.
 */
const SHOWCASE: readonly { queue: string; agentId: string; highValue: boolean; script: Partial<CallScript> }[] = [
  { queue: DEMO_QUEUES.global, agentId: 'a-emma', highValue: true, script: { topic: 'refund_process' } },
  { queue: DEMO_QUEUES.ecommerce, agentId: 'a-lina', highValue: false, script: { topic: 'logistics', agitated: true, resolved: false } },
  { queue: DEMO_QUEUES.finance, agentId: 'a-zhaolei', highValue: false, script: { topic: 'wealth_product', sensitive: 'guarantee' } },
  { queue: DEMO_QUEUES.ecommerce, agentId: 'a-zhangwei', highValue: true, script: { topic: 'refund_process', agitated: true } },
  { queue: DEMO_QUEUES.ecommerce, agentId: 'a-sunli', highValue: false, script: { topic: 'product_quality', agitated: false } },
];

/**
 * The demo's calls, deterministic for a count and a "now": spread over the last three months across the queues,
 * with most calls 3-8 minutes long, a misdial every so often, some IVR calls, repeat callers, and conversations
 * whose traits (missing notices, forbidden promises, angry customers, talking over the customer) come in plausible
 * shares. The coached agent talks over customers often before coaching and rarely after it, and takes no calls
 * while training.
 */
export function planDemoCalls(total: number, now: Date): PlannedCall[] {
  const random = createSeededRandom('demo-calls');
  const customers = demoCustomers();
  const customerWeights = customers.map((_, i) => 1 / (1 + (i % 17) * 0.35));
  const misdialEvery = Math.max(2, Math.floor(total / 8));
  const calls: PlannedCall[] = [];
  let shown = 0;
  for (let i = 0; i < total; i++) {
    const misdial = i % misdialEvery === misdialEvery - 1;
    const showcase = !misdial && shown < SHOWCASE.length ? SHOWCASE[shown++]! : null;
    const pool = showcase
      ? customers.filter((c) => c.phone.startsWith('+1') === (showcase.queue === DEMO_QUEUES.global) && c.tags.includes('high-value') === showcase.highValue)
      : customers;
    const customer = showcase ? pool[shown % pool.length]! : customers[weightedIndex(random, customerWeights)]!;
    const english = customer.phone.startsWith('+1');
    const ivr = !misdial && !showcase && random.next() < 0.08;
    const agentId = ivr ? null : showcase ? showcase.agentId : pickAgent(random, english);
    const queue = agentId === null ? DEMO_QUEUES.ivr : AGENT_QUEUE[agentId]!;
    const startedAt = startOf(random, now, agentId);
    const durationS = misdial ? 1 + Math.floor(random.next() * 4) : callLengthS(random);
    const planned = misdial || ivr ? null : scriptFor(random, queue, customer, agentId!, startedAt, now);
    const script = planned && showcase ? { ...planned, ...showcase.script } : planned;
    const topic = script?.topic ?? pickWeighted(random, queue === DEMO_QUEUES.finance ? FINANCE_TOPIC_WEIGHTS : ECOMMERCE_TOPICS);
    calls.push({
      providerCallId: `demo-${String(i + 1).padStart(5, '0')}`,
      channel: ivr ? 'ivr' : 'human',
      direction: random.next() < 0.8 ? 'inbound' : 'outbound',
      startedAt: startedAt.toISOString(),
      agentId,
      queue,
      inquiryType: INQUIRY[topic][english ? 'en' : 'zh'],
      customer,
      durationS,
      misdial,
      csat: misdial || random.next() < 0.35 ? null : csatOf(random, script),
      script,
    });
  }
  return calls;
}

function pickAgent(random: RandomSource, english: boolean): string {
  if (english) return pick(random, ['a-emma', 'a-james', 'a-olivia']);
  if (random.next() < 0.3) return pick(random, ['a-chenjing', 'a-zhaolei']);
  // The coached agent takes more calls, so that her before/after comparison rests on enough of them.
  return pickWeighted(random, [['a-zhangwei', 1], ['a-lina', 1], ['a-wangfang', 1.6], ['a-liuyang', 1], ['a-sunli', 1]] as const);
}

/** A start within the last three months, during office hours (UTC+8); never in the coached agent's training days. */
function startOf(random: RandomSource, now: Date, agentId: string | null): Date {
  let daysAgo = 1 + random.next() * (DEMO_SPAN_DAYS - 1);
  if (agentId === COACHING.agentId && daysAgo <= COACHING.assignedDaysAgo + 0.5 && daysAgo >= COACHING.completedDaysAgo - 0.5) {
    daysAgo = COACHING.completedDaysAgo - 1 - random.next() * 5;
  }
  const day = new Date(now.getTime() - daysAgo * DAY_MS);
  day.setUTCHours(1 + Math.floor(random.next() * 9), Math.floor(random.next() * 60), 0, 0);
  return day.getTime() < now.getTime() ? day : new Date(day.getTime() - DAY_MS);
}

/** Most calls 3-8 min (log-normal around 5 min); a few quick ones and a few long ones fall outside the band. */
function callLengthS(random: RandomSource): number {
  const u1 = Math.max(random.next(), 1e-9);
  const u2 = random.next();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  if (random.next() < 0.06) return 100 + Math.floor(random.next() * 70);
  return Math.round(Math.min(720, Math.max(150, Math.exp(Math.log(290) + 0.28 * normal))));
}

function scriptFor(random: RandomSource, queue: string, customer: DemoCustomer, agentId: string, startedAt: Date, now: Date): CallScript {
  const finance = queue === DEMO_QUEUES.finance;
  const english = queue === DEMO_QUEUES.global;
  const highValue = customer.tags.includes('high-value');
  const refundShare = highValue ? REFUND_COMPLAINT_SHARE.highValue : REFUND_COMPLAINT_SHARE.others;
  const topic: DemoTopic = finance
    ? pickWeighted(random, FINANCE_TOPIC_WEIGHTS)
    : random.next() < refundShare
      ? 'refund_process'
      : pickWeighted(random, ECOMMERCE_TOPICS);
  const coached = agentId === COACHING.agentId;
  const afterCoaching = coached && startedAt.getTime() >= now.getTime() - COACHING.completedDaysAgo * DAY_MS;
  const newAgent = ['a-liuyang', 'a-james', 'a-olivia'].includes(agentId);
  const agitated = random.next() < (topic === 'refund_process' || topic === 'fraud' ? 0.18 : 0.05);
  const sensitiveRoll = random.next();
  const sensitive: CallScript['sensitive'] =
    topic === 'wealth_product'
      ? sensitiveRoll < 0.25 ? 'guarantee' : 'none'
      : topic === 'promotion' && sensitiveRoll < 0.2
        ? 'absolute'
        : sensitiveRoll < 0.025
          ? 'dismissive'
          : 'none';
  return {
    language: english ? 'en' : 'zh',
    topic,
    recordingNotice: random.next() > (coached && !afterCoaching ? 0.15 : 0.05),
    privacyNotice: random.next() > (newAgent || (coached && !afterCoaching) ? 0.2 : 0.06),
    sensitive,
    agitated,
    empathy: coached ? afterCoaching : random.next() < (newAgent ? 0.5 : 0.8),
    talkOverShare: coached ? (afterCoaching ? 0.05 : 0.4) : newAgent ? 0.1 : 0.03,
    resolved: random.next() < (agitated ? 0.6 : 0.88),
    personalData: random.next() < 0.15,
  };
}

/** The customer's rating follows what happened on the call: angry, unresolved or talked-over customers rate lower. */
function csatOf(random: RandomSource, script: CallScript | null): number {
  if (script === null) return 3 + Math.floor(random.next() * 3);
  let rating = 4.4 + random.next() * 0.8;
  if (!script.resolved) rating -= 1.6;
  if (script.agitated) rating -= 1.3;
  if (!script.empathy) rating -= 0.5;
  if (script.talkOverShare > 0.3) rating -= 0.8;
  if (script.sensitive === 'dismissive') rating -= 1.5;
  return Math.max(1, Math.min(5, Math.round(rating + (random.next() - 0.5))));
}

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

function weightedIndex(random: RandomSource, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let roll = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i]!;
    if (roll < 0) return i;
  }
  return weights.length - 1;
}

function pickWeighted<T>(random: RandomSource, items: readonly (readonly [T, number])[]): T {
  return items[weightedIndex(random, items.map(([, w]) => w))]![0];
}
