/**
 * A generated corpus of customer-service calls with planted demands, each written in several
 * phrasings and embedded in varied sentences, among small talk full of generic words (解决, 问题)
 * and spoken numbers (order and phone digits, 二二). Seeded: the same seed gives the same calls.
 */
import { createSeededRandom } from '../../../../core/shared/clock.port';
import type { Segment } from '../../../../core/analysis/transcript.types';
import type { DemandMiningCall } from '../../../../core/analysis/demands/demand.miner';

export interface PlantedDemand {
  readonly id: string;
  readonly language: 'zh' | 'en';
  readonly phrasings: readonly string[];
  /** Share of calls of its language that raise it. */
  readonly share: number;
}

export const PLANTED: readonly PlantedDemand[] = [
  { id: 'logistics_delay', language: 'zh', phrasings: ['物流太慢', '快递太慢了', '物流怎么这么慢', '快递很慢'], share: 0.3 },
  { id: 'refund_complex', language: 'zh', phrasings: ['退款流程太复杂', '退款太麻烦', '退款手续很繁琐', '退款流程很麻烦'], share: 0.25 },
  { id: 'invoice_title', language: 'zh', phrasings: ['发票抬头开错了', '发票抬头写错了', '发票抬头不对'], share: 0.2 },
  { id: 'auto_renewal', language: 'zh', phrasings: ['会员自动续费', '会员被自动续费了', '自动续费会员'], share: 0.15 },
  { id: 'late_delivery', language: 'en', phrasings: ['the package is late', 'delivery is so slow', 'my parcel is really late', 'shipping is slow'], share: 0.3 },
  { id: 'double_charge', language: 'en', phrasings: ['i was charged twice', 'you charged me twice', 'i got billed twice'], share: 0.25 },
];

const ZH_FRAMES = ['你好，{d}，怎么解决', '我想问一下，{d}', '{d}，这个问题你们能不能解决一下', '喂喂，{d}', '就是{d}，你们帮我看看', '{d}啊，我真的很着急'];
const EN_FRAMES = ['hi, {d}, can you fix this problem', 'so {d} and I need this resolved', 'well {d}, what can you do', 'yes, {d}, please check'];
const ZH_SMALL_TALK = [
  '我的订单号是二二三四五六', '手机尾号二二八六', '好的好的，谢谢', '这个问题能解决吗', '嗯，我知道了', '你帮我查一下', '订单号是123456', '我现在就要解决',
  '我再问一下', '这个东西怎么弄',
];
const EN_SMALL_TALK = ['my order number is four five six seven', 'ok thank you', 'can you solve the problem', 'my phone number is 555 0199', 'yes that is right', 'let me check'];
const ZH_AGENT = ['您好，很高兴为您服务', '请问有什么可以帮您', '我帮您查询一下订单', '这个问题我们会尽快解决', '还有什么问题吗', '感谢您的来电'];
const EN_AGENT = ['thank you for calling, how can I help', 'let me look into your order', 'we will resolve this problem', 'is there anything else'];

/**
 * `count` calls, two thirds Chinese; each planted demand raised in about its share of calls of its
 * language, in a random phrasing and frame. `startedAt` spreads calls over two weeks ending
 * 2026-03-15; `risingId` (optional) is raised only in the second week, at twice its share.
 */
export function generateDemandCorpus(count: number, seed: string, risingId?: string): DemandMiningCall[] {
  const rand = createSeededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand.next() * list.length)] as T;
  const calls: DemandMiningCall[] = [];
  const end = Date.parse('2026-03-15T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const zh = i % 3 !== 2;
    const startedMs = end - 14 * 86_400_000 + Math.floor((i / count) * 14 * 86_400_000);
    const secondWeek = startedMs >= end - 7 * 86_400_000;
    const segments: Segment[] = [];
    let t = 0;
    const say = (speaker: 'agent' | 'customer', text: string) => {
      segments.push({ speaker, startS: t, endS: t + 4, text });
      t += 5;
    };
    say('agent', zh ? pick(ZH_AGENT) : pick(EN_AGENT));
    say('customer', zh ? pick(ZH_SMALL_TALK) : pick(EN_SMALL_TALK));
    for (const d of PLANTED) {
      if ((d.language === 'zh') !== zh) continue;
      const share = d.id === risingId ? (secondWeek ? d.share * 2 : 0) : d.share;
      if (rand.next() >= share) continue;
      const frame = pick(zh ? ZH_FRAMES : EN_FRAMES);
      say('customer', frame.replace('{d}', pick(d.phrasings)));
      say('agent', zh ? pick(ZH_AGENT) : pick(EN_AGENT));
    }
    say('customer', zh ? pick(ZH_SMALL_TALK) : pick(EN_SMALL_TALK));
    say('agent', zh ? pick(ZH_AGENT) : pick(EN_AGENT));
    calls.push({ callId: `call-${String(i).padStart(4, '0')}`, transcript: { language: zh ? 'zh' : 'en', segments }, startedAt: new Date(startedMs).toISOString() });
  }
  return calls;
}
