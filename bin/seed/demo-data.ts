import type { Agent } from '../../core/recordings/call';
import { createSeededRandom, type RandomSource } from '../../core/shared/clock.port';
import { systemActor } from '../../app/calls';
import type { Hub } from '../hub';
import { synthesizeCallWav } from './synth-audio';
import { demoTranscript } from './demo-transcripts';

export const DEMO_TENANT = 'demo';

const AGENTS: readonly Omit<Agent, 'tenantId'>[] = [
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

const INQUIRY_TYPES = ['退款', '物流', '理财咨询', '账户', '投诉', 'billing', 'delivery', 'refund'] as const;
const TAG_SETS: readonly (readonly string[])[] = [['high-value'], ['vip', 'high-value'], ['new'], ['regular'], ['regular'], ['new'], ['vip']];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡'];
const GIVEN = ['敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞'];
const EN_NAMES = ['Alice Wong', 'Bob Smith', 'Carol Davis', 'Daniel Lee', 'Grace Kim', 'Henry Ford', 'Ivy Lin', 'Jack Brown'];

export interface DemoCustomer {
  readonly phone: string;
  readonly name: string;
  readonly tags: readonly string[];
}

/** The demo customers (deterministic): Chinese mobiles and a few US numbers. */
export function demoCustomers(count = 60): DemoCustomer[] {
  const random = createSeededRandom('demo-customers');
  const customers: DemoCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const english = i % 8 === 7;
    const phone = english
      ? `+1650253${String(1000 + i).padStart(4, '0')}`
      : `+86${['138', '139', '150', '186', '177'][i % 5]}${String(10000000 + Math.floor(random.next() * 89999999)).slice(0, 8)}`;
    const name = english ? (EN_NAMES[i % EN_NAMES.length] ?? 'Customer') : `${pick(random, SURNAMES)}${pick(random, GIVEN)}`;
    customers.push({ phone, name, tags: pick(random, TAG_SETS) });
  }
  return customers;
}

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

/** Log-normal call length around two minutes, clamped to 20 s .. 10 min. */
function callLengthS(random: RandomSource): number {
  const u1 = Math.max(random.next(), 1e-9);
  const u2 = random.next();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.round(Math.min(600, Math.max(20, Math.exp(Math.log(120) + 0.6 * normal))));
}

export interface SeedReport {
  readonly calls: number;
  readonly misdials: number;
  readonly agents: number;
  readonly customers: number;
}

/**
 * Seeds tenant `demo`: 10 agents (new and senior) in two teams, 60 customers, `callCount` calls over the last
 * 60 days with real playable audio of their stated length (8 kHz telephony WAV), mixed directions, channels,
 * inquiry types and tags, and at least 5 misdials. Idempotent: calls already present are skipped. Calls come in
 * through the ingest use-case as the system actor `demo-seed`, so each leaves one audit event like any other.
 */
export async function seedDemo(
  hub: Hub,
  options: { calls?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedReport> {
  const total = options.calls ?? 220;
  await hub.ensureTenant({ id: DEMO_TENANT, name: 'Callsight demo', defaultRegion: 'CN', industry: 'general' });
  for (const agent of AGENTS) await hub.calls.upsertAgent({ ...agent, tenantId: DEMO_TENANT });
  const customers = demoCustomers();
  const seeder = systemActor(DEMO_TENANT, 'demo-seed');
  const random = createSeededRandom('demo-calls');
  const now = hub.clock.now().getTime();
  const misdialEvery = Math.max(2, Math.floor(total / 8));
  let misdials = 0;
  for (let i = 0; i < total; i++) {
    const agent = AGENTS[i % AGENTS.length] as (typeof AGENTS)[number];
    const customer = customers[Math.floor(random.next() * customers.length)] as DemoCustomer;
    const isMisdial = i % misdialEvery === misdialEvery - 1;
    const durationS = isMisdial ? 1 + Math.floor(random.next() * 4) : callLengthS(random);
    const ivr = random.next() < 0.12;
    const startedAt = new Date(now - Math.floor(random.next() * 60 * 86_400_000));
    startedAt.setUTCSeconds(0, 0);
    const metadata = {
      provider: 'demo',
      providerCallId: `demo-${String(i + 1).padStart(5, '0')}`,
      channel: ivr ? 'ivr' : 'human',
      direction: random.next() < 0.7 ? 'inbound' : 'outbound',
      startedAt: startedAt.toISOString(),
      agentId: ivr ? null : agent.id,
      queue: ivr ? 'ivr-main' : agent.team === 'north' ? 'cn-service' : 'global-service',
      customerPhone: customer.phone,
      inquiryType: pick(random, INQUIRY_TYPES),
      tags: customer.tags,
      csat: isMisdial ? null : 1 + Math.floor(random.next() * 5),
    };
    const existing = await hub.calls.findByProviderCallId(DEMO_TENANT, 'demo', metadata.providerCallId);
    if (!existing) {
      const audio = synthesizeCallWav({ durationS, seed: metadata.providerCallId });
      const { call } = await hub.ingestion.ingestCall(seeder, { metadata, audio });
      if (!isMisdial && !ivr) {
        // Demo audio is synthetic, so the transcript comes as an import, as from a provider that transcribes.
        const transcript = demoTranscript(metadata.providerCallId, metadata.inquiryType, call.durationS);
        hub.transcripts.saveTranscript(DEMO_TENANT, call.id, transcript, 'demo', hub.clock.now());
        await hub.transcriptStored(DEMO_TENANT, call.id, transcript);
        await hub.jobQueue.enqueue({ id: hub.ids.newId('job'), tenantId: DEMO_TENANT, kind: 'call.analyze', payload: { callId: call.id }, dedupeKey: call.id });
      }
    }
    if (isMisdial) misdials++;
    options.onProgress?.(i + 1, total);
  }
  return { calls: total, misdials, agents: AGENTS.length, customers: customers.length };
}
