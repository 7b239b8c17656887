import type { Segment, Transcript } from '../../core/analysis/transcript.types';
import { createSeededRandom, type RandomSource } from '../../core/shared/clock.port';

/** What a demo call is about: e-commerce topics and finance topics. */
export type DemoTopic =
  | 'refund_process'
  | 'logistics'
  | 'product_quality'
  | 'invoice'
  | 'wrong_item'
  | 'promotion'
  | 'address'
  | 'wealth_product'
  | 'card_fees'
  | 'account_access'
  | 'transfer'
  | 'fraud';

/** The finance topics (handled by the finance queues); the rest are e-commerce. */
export const FINANCE_TOPICS: readonly DemoTopic[] = ['wealth_product', 'card_fees', 'account_access', 'transfer', 'fraud'];

/**
 * What is planted in one demo call's conversation. The analysis finds (or does not find) each trait from the
 * words and timing of the transcript alone: nothing here is stored as a result.
 */
export interface CallScript {
  readonly language: 'zh' | 'en';
  readonly topic: DemoTopic;
  /** The agent gives the recording notice at the start. */
  readonly recordingNotice: boolean;
  /** The agent gives the privacy notice. */
  readonly privacyNotice: boolean;
  /** The agent promises what the lexicon forbids: a guaranteed return (finance), an absolute claim or a brush-off. */
  readonly sensitive: 'none' | 'guarantee' | 'absolute' | 'dismissive';
  /** The customer gets angry (several heated turns in a row). */
  readonly agitated: boolean;
  /** The agent acknowledges the customer's feelings and apologises. */
  readonly empathy: boolean;
  /** Chance that the agent starts talking before a customer turn has ended. */
  readonly talkOverShare: number;
  /** The issue is solved on the call (else it is passed on). */
  readonly resolved: boolean;
  /** The customer reads out personal data (a phone or card number). */
  readonly personalData: boolean;
}

type Line = readonly ['agent' | 'customer', string];
type Lines = readonly Line[];
const a = (text: string): Line => ['agent', text];
const c = (text: string): Line => ['customer', text];

interface Phrasebook {
  readonly greeting: { readonly notice: string; readonly plain: string };
  readonly privacy: string;
  readonly identity: Lines;
  readonly personalData: { readonly phone: Lines; readonly card: Lines };
  readonly agitated: readonly Lines[];
  readonly empathy: readonly string[];
  readonly neutralAck: readonly string[];
  readonly hold: string;
  readonly back: string;
  readonly sensitive: Readonly<Record<Exclude<CallScript['sensitive'], 'none'>, string>>;
  readonly unresolved: Lines;
  readonly closing: Lines;
  readonly topics: Readonly<Record<DemoTopic, { readonly opening: readonly Lines[]; readonly body: Lines; readonly resolution: Lines }>>;
}

const ZH: Phrasebook = {
  greeting: {
    notice: '您好，这里是客服中心，为了保证服务质量，本次通话将录音。请问有什么可以帮您？',
    plain: '您好，这里是客服中心，请问有什么可以帮您？',
  },
  privacy: '您的个人信息我们会严格保密，仅用于本次业务办理。',
  identity: [a('为了您的账户安全，需要核实一下您的身份，请报一下您的预留手机号后四位。'), c('好的，后四位是五六七八。'), a('好的，身份核实通过了，谢谢您。')],
  personalData: {
    phone: [a('请问您方便留一个联系电话吗？'), c('我的手机号是一三八一二三四五六七八。'), a('好的，已经帮您记下了。')],
    card: [a('请问是哪一张卡？'), c('卡号是六二二二零二一零零一一二三四五六七八九零。'), a('好的，我帮您查一下这张卡的记录。')],
  },
  agitated: [
    [c('你们这到底是什么服务啊？太让人生气了！'), c('我已经打了五次电话了，每次都说在处理，我真的受够了！'), c('再不解决我就去投诉你们，太气人了！')],
    [c('我非常不满意，你们简直是在浪费我的时间！'), c('每次打过来都要等半天，这服务太差了！'), c('我真的很生气，你们必须给我一个说法，不然我就投诉！')],
  ],
  empathy: ['非常理解您的心情，给您添麻烦了，真的很抱歉。', '实在抱歉让您这么着急，我一定尽力帮您解决。', '您的心情我完全理解，这件事确实是我们做得不够好。'],
  neutralAck: ['好的。', '嗯，您说。', '好的，我知道了。'],
  hold: '请您稍等，我帮您查一下。',
  back: '感谢您的耐心等待。',
  sensitive: {
    guarantee: '您放心，这款产品稳赚不赔，收益有保障，放心买就行。',
    absolute: '我们家这款是全网最低价，您放心。',
    dismissive: '这不归我管，你自己看着办吧。',
  },
  unresolved: [a('这个问题我需要提交给相关部门处理，三个工作日内会有专人联系您。'), c('好吧，那我等消息吧。')],
  closing: [a('请问还有其他可以帮您的吗？'), c('没有了，谢谢。'), a('感谢您的来电，祝您生活愉快，再见。')],
  topics: {
    refund_process: {
      opening: [
        [c('我想问一下退款的事。'), c('上个月退的那件外套，退款到现在还没到。')],
        [c('你好，我退货的钱到现在还没退回来。'), c('这个退款流程太麻烦了，填了三次表，还要自己拍照上传。')],
        [c('我想申请退款，可是页面一直提示材料不全。'), c('退款怎么这么麻烦，每次都要重新提交。')],
      ],
      body: [a('请问您的订单号是多少？'), c('订单号是二零二六一零一八零零三五。'), a('我看到了，您的退货我们已经签收了。'), c('那为什么退款还没到？'), a('退款需要先经过仓库质检，再由财务审核。'), c('流程也太长了，能不能简单一点。')],
      resolution: [a('我已经帮您加急审核了，款项会在三个工作日内原路退回。'), c('好的，那我等着。')],
    },
    logistics: {
      opening: [[c('我的快递还没到，物流一直没更新。'), c('已经五天了，我还急着用呢。')], [c('我买的东西一直没发货。'), c('下单都一个星期了。')]],
      body: [a('请问您的订单号是多少？'), c('订单号是二零二六一零二一零一一八。'), a('我看到包裹在中转站滞留了。'), c('那什么时候能送到？'), a('我马上联系快递公司帮您催一下。')],
      resolution: [a('已经帮您催促了，预计明天送达，到时候会短信通知您。'), c('好的，谢谢。')],
    },
    product_quality: {
      opening: [[c('我买的电饭煲用了两天就坏了。'), c('按键没反应，根本用不了。')], [c('收到的杯子有破损，边上有个裂口。'), c('包装也是破的。')]],
      body: [a('请问您方便拍张照片发给我们吗？'), c('可以，我一会儿发过去。'), a('收到照片后我们会尽快处理。'), c('那我是换货还是怎么办？'), a('您可以选择换新，我们承担运费。')],
      resolution: [a('我已经为您登记了换新，新的商品今天就会发出。'), c('好的，那就换新吧。')],
    },
    invoice: {
      opening: [[c('我需要补开发票，上次的抬头写错了。'), c('公司报销要用。')]],
      body: [a('请问您需要的是电子发票还是纸质发票？'), c('电子发票就可以。'), a('请您提供一下正确的公司名称和税号。'), c('好的，我发到你们的邮箱。')],
      resolution: [a('收到后我们会在一个工作日内重新开具。'), c('好的，麻烦了。')],
    },
    wrong_item: {
      opening: [[c('你们发错货了，我买的是蓝色的，收到的是黑色的。'), c('颜色不对，我没法用。')]],
      body: [a('非常抱歉，请问您的订单号是多少？'), c('订单号是二零二六一零一二零零七七。'), a('我看到了，确实是仓库拣货出错了。'), c('那怎么处理？')],
      resolution: [a('我们会安排快递上门取件，同时给您补发蓝色的。'), c('好的，那就这样吧。')],
    },
    promotion: {
      opening: [[c('我昨天刚买的，今天就降价了。'), c('能不能把差价补给我？')], [c('我下单的时候优惠券没有用上。'), c('结算的时候没抵扣。')]],
      body: [a('请问您是哪天下的单？'), c('就是昨天晚上。'), a('我查一下活动规则。'), c('好的。')],
      resolution: [a('符合价保规则，差价会以余额的形式返还到您的账户。'), c('好的，谢谢。')],
    },
    address: {
      opening: [[c('我想修改一下收货地址。'), c('上周搬家了，地址写错了。')]],
      body: [a('请问新的地址是哪里？'), c('是朝阳区建国路八十八号。'), a('好的，我帮您改一下。')],
      resolution: [a('已经帮您改好了，包裹会送到新地址。'), c('好的，谢谢你。')],
    },
    wealth_product: {
      opening: [[c('我想了解一下你们新出的理财产品。'), c('收益大概是多少？')], [c('这个基金到底安不安全？'), c('我想买一点试试。')]],
      body: [a('这款产品的业绩比较基准是年化百分之三到四。'), c('本金会有损失吗？'), a('我给您详细介绍一下产品的投资方向。'), c('好的，你说。'), a('主要投向债券和货币市场工具。')],
      resolution: [a('产品说明书已经发到您的手机上了，您可以仔细看一下再决定。'), c('好的，我再考虑一下。')],
    },
    card_fees: {
      opening: [[c('我的信用卡怎么多扣了一笔年费？'), c('我记得开卡的时候说免年费的。')]],
      body: [a('我帮您查一下这张卡的收费记录。'), c('好的。'), a('这笔是去年的年费，当时的免年费条件是刷满六次。'), c('我记得我刷够了。')],
      resolution: [a('核实后您的刷卡次数是够的，这笔年费会在下个账单日退回。'), c('好的，谢谢。')],
    },
    account_access: {
      opening: [[c('我的手机银行登录不了了。'), c('一直提示密码错误，账号被锁了。')]],
      body: [a('我帮您看一下账户状态。'), c('好的。'), a('您的账户因为多次输错密码被临时锁定了。'), c('那怎么解锁？')],
      resolution: [a('我已经帮您解除锁定，新的临时密码会短信发给您。'), c('收到了，谢谢。')],
    },
    transfer: {
      opening: [[c('我昨天转账失败了。'), c('对方说钱没到账，我这边却扣了。')]],
      body: [a('请问是哪一笔转账？'), c('昨天下午三点左右那笔，五千元。'), a('我查到了，这笔交易因为对方户名不一致被退回了。'), c('那钱什么时候回来？')],
      resolution: [a('资金会在今天内原路退回您的账户。'), c('好的，那我再确认一下户名。')],
    },
    fraud: {
      opening: [[c('我的卡被盗刷了。'), c('有一笔消费不是我本人操作的。')]],
      body: [a('请您先不要着急，我马上帮您冻结这张卡。'), c('好的，快点。'), a('已经冻结了，请问这笔消费是什么时候？'), c('今天早上六点多，我还在睡觉。')],
      resolution: [a('我已经为您提交了争议交易申请，调查期间不会影响您的征信。'), c('好的，谢谢你们。')],
    },
  },
};

const EN: Phrasebook = {
  greeting: {
    notice: 'Hello, thank you for calling customer service. This call may be recorded for quality purposes. How can I help you today?',
    plain: 'Hello, thank you for calling customer service. How can I help you today?',
  },
  privacy: 'Your personal information will be kept confidential and used only for this request.',
  identity: [a('For security purposes can you confirm the last four digits of your phone number?'), c('Sure, it is five six seven eight.'), a('Thank you, that is confirmed.')],
  personalData: {
    phone: [a('Could I take a contact number in case we get cut off?'), c('Yes, it is 415 555 0132.'), a('Thank you, I have noted it.')],
    card: [a('Which card is it about?'), c('The card number is 4111 1111 1111 1111.'), a('Thank you, let me pull up that card.')],
  },
  agitated: [
    [c('This is absolutely ridiculous, I am furious.'), c('I have called five times and nobody helps me, this is unacceptable!'), c('I am so angry right now, this is the worst service ever!')],
  ],
  empathy: ['I am really sorry about this, I completely understand how frustrating it is.', 'I apologise for the trouble, I will do my best to sort this out for you.'],
  neutralAck: ['Okay.', 'I see.', 'Right.'],
  hold: 'Please hold on a moment while I check.',
  back: 'Thank you for waiting.',
  sensitive: {
    guarantee: 'Honestly it is a guaranteed return with no risk at all.',
    absolute: 'We have the lowest price guaranteed, you will not find it cheaper.',
    dismissive: 'That is not my problem, you will have to deal with it.',
  },
  unresolved: [a('I need to pass this to the specialist team, they will contact you within three working days.'), c('Okay, I will wait then.')],
  closing: [a('Is there anything else I can help you with?'), c('No, that is all, thanks.'), a('Thank you for calling, have a nice day.')],
  topics: {
    refund_process: {
      opening: [
        [c('I returned the headphones two weeks ago.'), c('Honestly the refund process is complicated, I had to fill in three forms.')],
        [c('I am still waiting for my refund.'), c('The refund takes too long, it has been three weeks.')],
      ],
      body: [a('Could you give me the order number?'), c('It is order 7 7 0 4 2.'), a('I can see the return was received by our warehouse.'), c('So why is it taking so long?'), a('Refunds go through a quality check and then finance approval.')],
      resolution: [a('I have escalated it, the money will be back on your card within three days.'), c('Okay, thank you.')],
    },
    logistics: {
      opening: [[c('My package was supposed to arrive on Monday.'), c('It still has not arrived and the tracking is stuck.')]],
      body: [a('Let me check the shipment for you.'), c('Thanks.'), a('The parcel is at the local depot.'), c('When will it come?')],
      resolution: [a('It is out for delivery tomorrow, and I have added a credit to your account.'), c('Thanks, I appreciate that.')],
    },
    product_quality: {
      opening: [[c('The blender I bought stopped working after two days.'), c('It just does not turn on.')]],
      body: [a('I am sorry to hear that, could you send us a photo of the label?'), c('Sure, I can do that.'), a('Thank you, that helps us process it.')],
      resolution: [a('I have arranged a replacement, it ships today.'), c('Great, thank you.')],
    },
    invoice: {
      opening: [[c('I need an invoice for my last order.'), c('My company needs it for expenses.')]],
      body: [a('Which email should we send it to?'), c('The one on my account is fine.')],
      resolution: [a('Done, the invoice is on its way.'), c('Perfect, thanks.')],
    },
    wrong_item: {
      opening: [[c('I received the wrong item.'), c('I ordered a blue jacket and got a black one.')]],
      body: [a('I am sorry about the mix up.'), c('Can you fix it?')],
      resolution: [a('A courier will collect it and the blue one ships today.'), c('Okay, thanks.')],
    },
    promotion: {
      opening: [[c('The promo code did not work at checkout.'), c('It said the code was invalid.')]],
      body: [a('Let me check the promotion rules.'), c('Sure.')],
      resolution: [a('I have applied the discount to your order manually.'), c('Great, thank you.')],
    },
    address: {
      opening: [[c('I need to change my address for a delivery.'), c('I moved last week.')]],
      body: [a('What is the new address?'), c('It is 88 Market Street.')],
      resolution: [a('Updated, the parcel will go to the new address.'), c('Thanks.')],
    },
    wealth_product: {
      opening: [[c('Is this investment plan safe?'), c('I am thinking of putting some savings in.')]],
      body: [a('The plan invests mainly in bonds and money market funds.'), c('What kind of return can I expect?'), a('The benchmark is three to four percent a year.')],
      resolution: [a('I have emailed you the product documents so you can read them first.'), c('Okay, I will have a look.')],
    },
    card_fees: {
      opening: [[c('There is an annual fee on my card statement.'), c('I was told the card had no fees.')]],
      body: [a('Let me check the fee conditions on your card.'), c('Okay.')],
      resolution: [a('You met the conditions, so the fee will be refunded on your next statement.'), c('Good, thanks.')],
    },
    account_access: {
      opening: [[c('I cant log in to my account.'), c('I think I am locked out.')]],
      body: [a('Let me look at the account status.'), c('Okay.')],
      resolution: [a('I have unlocked it and sent you a temporary password.'), c('Got it, thanks.')],
    },
    transfer: {
      opening: [[c('My transfer failed yesterday.'), c('The money has not arrived at the other bank.')]],
      body: [a('Which transfer is it?'), c('The one for five hundred pounds.')],
      resolution: [a('It was returned because of a name mismatch, the money is back in your account today.'), c('Okay, thanks.')],
    },
    fraud: {
      opening: [[c('Someone used my card.'), c('There is a payment I did not make.')]],
      body: [a('I am blocking the card right now.'), c('Please do.')],
      resolution: [a('The card is blocked and I have opened a dispute for that payment.'), c('Thank you.')],
    },
  },
};

const FINANCE_DISCLOSURE = {
  zh: '理财有风险，投资需谨慎。这款产品不保本，过往业绩不代表未来表现。',
  en: 'Investments carry risk and you could lose money, past performance is not a guarantee of future results.',
};

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

/** The lines of one call, in order, from its script. Deterministic for a given seed. */
export function demoDialogue(seed: string, script: CallScript): Line[] {
  const random = createSeededRandom(`dialogue:${seed}`);
  const book = script.language === 'zh' ? ZH : EN;
  const topic = book.topics[script.topic];
  const finance = FINANCE_TOPICS.includes(script.topic);
  const lines: Line[] = [a(script.recordingNotice ? book.greeting.notice : book.greeting.plain)];
  lines.push(...pick(random, topic.opening));
  if (script.agitated) {
    lines.push(...pick(random, book.agitated));
  }
  lines.push(a(script.empathy ? pick(random, book.empathy) : pick(random, book.neutralAck)));
  if (script.privacyNotice) lines.push(a(book.privacy));
  if (finance) lines.push(...book.identity);
  if (script.personalData) lines.push(...(finance ? book.personalData.card : book.personalData.phone));
  lines.push(...topic.body);
  if (script.topic === 'wealth_product') {
    if (script.sensitive === 'guarantee') lines.push(a(book.sensitive.guarantee), c(script.language === 'zh' ? '真的吗？那我考虑一下。' : 'Really? I will think about it.'));
    else lines.push(a(FINANCE_DISCLOSURE[script.language]), c(script.language === 'zh' ? '明白了。' : 'Understood.'));
  } else if (script.sensitive !== 'none' && script.sensitive !== 'guarantee') {
    lines.push(a(book.sensitive[script.sensitive]), c(script.language === 'zh' ? '你这是什么态度？' : 'Excuse me?'));
  }
  lines.push(a(book.hold), a(book.back));
  if (script.empathy && script.agitated) lines.push(a(pick(random, book.empathy)));
  lines.push(...(script.resolved ? topic.resolution : book.unresolved));
  lines.push(...book.closing);
  return lines;
}

/** Seconds a line takes to say at a relaxed pace: Chinese by character, English by word. */
function speakingTimeS(language: 'zh' | 'en', text: string): number {
  return language === 'zh' ? 0.6 + [...text].length * 0.24 : 0.6 + text.split(/\s+/u).length * 0.4;
}

/**
 * The transcript of a demo call of `durationS` seconds: its dialogue spread over the call at a natural pace (slower
 * speech, pauses between turns and a hold while the agent checks fill the rest), with the agent starting early on
 * a share of customer turns (`talkOverShare`). Deterministic for a given seed.
 */
export function demoTranscript(seed: string, script: CallScript, durationS: number): Transcript {
  const random = createSeededRandom(`transcript:${seed}`);
  const lines = demoDialogue(seed, script);
  const natural = lines.map(([, text]) => speakingTimeS(script.language, text));
  const speech = natural.reduce((sum, s) => sum + s, 0);
  const usable = durationS * 0.92;
  const stretch = Math.min(1.5, Math.max(0.5, usable / (speech * 1.25)));
  const gapS = Math.min(2.5, Math.max(0.3, (usable - speech * stretch) / (lines.length * 3)));
  const holdIndex = lines.findIndex(([speaker, text]) => speaker === 'agent' && (text === ZH.hold || text === EN.hold));
  const holdS = Math.max(0, usable - speech * stretch - gapS * lines.length);
  const segments: Segment[] = [];
  let at = 0.5 + random.next();
  lines.forEach(([speaker, text], index) => {
    const length = natural[index]! * stretch * (0.9 + random.next() * 0.2);
    const previous = segments[segments.length - 1];
    let startS = at;
    if (previous && previous.speaker === 'customer' && speaker === 'agent' && random.next() < script.talkOverShare) {
      const previousLength = previous.endS - previous.startS;
      startS = previous.endS - Math.min(1.5, Math.max(0.6, previousLength * 0.35));
    }
    const endS = Math.min(durationS, startS + length);
    segments.push({ speaker, startS: round2(startS), endS: round2(Math.max(endS, startS + 0.2)), text });
    at = Math.max(at, endS) + gapS * (0.6 + random.next() * 0.8) + (index === holdIndex ? holdS : 0);
  });
  return { language: script.language, segments: segments.filter((s) => s.startS < durationS) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
