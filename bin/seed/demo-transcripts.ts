import type { Segment, Transcript } from '../../core/analysis/transcript.types';
import { createSeededRandom, type RandomSource } from '../../core/shared/clock.port';

type Line = readonly ['agent' | 'customer', string];

const ZH_NOTICE = '您好，这里是客服中心，为了保证服务质量，本次通话将录音。请问有什么可以帮您？';
const EN_NOTICE = 'Hello, thank you for calling customer service. This call may be recorded for quality purposes. How can I help you today?';

const ZH_DIALOGUES: Record<string, readonly Line[][]> = {
  退款: [
    [['customer', '我上周买的耳机有质量问题，我要申请退款。'], ['agent', '非常抱歉给您带来不便，请问您的订单号是多少？'], ['customer', '订单号我发短信给你们了，退款流程太复杂了，我都提交了三次了。'], ['agent', '我帮您查一下，您的退款申请已经在审核中，预计三个工作日内到账。'], ['customer', '好的，那我等通知吧，谢谢。'], ['agent', '不客气，还有其他可以帮您的吗？']],
    [['customer', '你们的退款怎么还没到账？已经一个星期了！'], ['agent', '您别着急，我马上帮您核实一下退款进度。'], ['customer', '每次都说核实，太让人生气了，我要投诉！'], ['agent', '非常理解您的心情，我已经为您加急处理，今天内会有专人联系您。'], ['customer', '那好吧，希望这次能解决。']],
  ],
  物流: [
    [['customer', '我的快递还没到，物流信息三天没更新了。'], ['agent', '抱歉让您久等了，我帮您联系一下快递公司。'], ['customer', '物流太慢了，我还急着用呢。'], ['agent', '已经帮您催促了，预计明天送达，到时候会短信通知您。'], ['customer', '好的谢谢。']],
    [['customer', '快递显示已签收，但我根本没收到货。'], ['agent', '请问您方便留一个联系电话吗？我们让快递员跟您联系。'], ['customer', '我的手机号是一三八一二三四五六七八。'], ['agent', '好的，已经记录，我们会在二十四小时内给您回复。']],
  ],
  理财咨询: [
    [['customer', '我想了解一下你们新出的理财产品，收益怎么样？'], ['agent', '这款产品年化收益在百分之三到四之间，理财有风险，投资需谨慎。'], ['customer', '会不会亏本金？'], ['agent', '产品属于中低风险，不承诺保本，具体以合同为准。'], ['customer', '好的，我再考虑一下。']],
    [['customer', '这个基金到底安不安全？'], ['agent', '您放心，这个产品稳赚不赔，绝对保本，收益很高的。'], ['customer', '真的吗？那我先买五万试试。'], ['agent', '好的，我帮您登记一下，请提供您的银行卡号。'], ['customer', '卡号是六二二二零二一零零一一二三四五六七八九零。']],
  ],
  账户: [
    [['customer', '我的账户登录不上去了，提示密码错误。'], ['agent', '为了核实您的身份，请问您的注册手机号是多少？'], ['customer', '是一三九零零零零一一一一。'], ['agent', '好的，身份核实通过，我帮您重置密码，新密码会短信发给您。'], ['customer', '收到了，谢谢。']],
  ],
  投诉: [
    [['customer', '你们的服务太差了！我打了五次电话都没人解决！'], ['agent', '非常抱歉，请您先别生气，我来帮您处理。'], ['customer', '我已经很生气了，再不解决我就去消费者协会投诉你们！'], ['agent', '我理解您的心情，我现在就为您升级处理，并给您补偿一张优惠券。'], ['customer', '哼，希望这次说话算话。']],
  ],
};

const EN_DIALOGUES: Record<string, readonly Line[][]> = {
  billing: [
    [['customer', 'I was charged twice for my subscription this month.'], ['agent', 'I am sorry about that, let me look into your account.'], ['customer', 'This is the second time it has happened, it is really frustrating.'], ['agent', 'I can see the duplicate charge, I have issued a refund which should arrive in three to five days.'], ['customer', 'Okay, thank you for sorting it out.']],
  ],
  delivery: [
    [['customer', 'My package was supposed to arrive on Monday and it still has not come.'], ['agent', 'I apologize for the delay, the courier shows it is out for delivery today.'], ['customer', 'The late delivery is really annoying, I needed it for a birthday.'], ['agent', 'I understand, I have added a credit to your account for the inconvenience.'], ['customer', 'Thanks, I appreciate that.']],
  ],
  refund: [
    [['customer', 'I would like a refund for the headphones I returned.'], ['agent', 'Of course, could you confirm the email address on the order?'], ['customer', 'It is alice dot wong at example dot com.'], ['agent', 'Thank you, the refund has been approved and you will get a confirmation email.'], ['customer', 'Great, that was easy.']],
    [['customer', 'Is this investment plan safe?'], ['agent', 'Absolutely, it is a guaranteed return with no risk at all.'], ['customer', 'Sounds good, sign me up.'], ['agent', 'Great, I will send you the forms.']],
  ],
};

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

/**
 * A plausible bilingual transcript for a demo call: the recording notice in most calls (missing in some so
 * the screening has something to flag), a dialogue for its inquiry type, turns spread over the call with
 * occasional overlaps (the agent talking over the customer). Deterministic for a given seed.
 */
export function demoTranscript(seed: string, inquiryType: string | null, durationS: number): Transcript {
  const random = createSeededRandom(`transcript:${seed}`);
  const english = inquiryType !== null && inquiryType in EN_DIALOGUES;
  const pool = english ? EN_DIALOGUES : ZH_DIALOGUES;
  const dialogue = pick(random, pool[inquiryType ?? ''] ?? Object.values(pool).flat());
  const lines: Line[] = [];
  if (random.next() < 0.85) lines.push(['agent', english ? EN_NOTICE : ZH_NOTICE]);
  lines.push(...dialogue);
  lines.push(['agent', english ? 'Thank you for calling, have a nice day.' : '感谢您的来电，祝您生活愉快，再见。']);
  const slot = durationS / lines.length;
  const segments: Segment[] = lines.map(([speaker, text], index) => {
    const startS = Math.round((index * slot + random.next() * slot * 0.15) * 100) / 100;
    const length = slot * (0.6 + random.next() * 0.3);
    let endS = Math.round((startS + length) * 100) / 100;
    const next = lines[index + 1];
    if (speaker === 'customer' && next?.[0] === 'agent' && random.next() < 0.25) {
      endS = Math.round(((index + 1) * slot + slot * 0.1 + 0.5) * 100) / 100;
    }
    return { speaker, startS, endS: Math.min(endS, durationS), text };
  });
  return { language: english ? 'en' : 'zh', segments };
}
