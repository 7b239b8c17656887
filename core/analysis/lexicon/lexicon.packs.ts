/** Industries with a preset of sensitive words, required scripts and demand categories. */
export type Industry = 'general' | 'finance' | 'ecommerce' | 'education' | 'medical';

export const INDUSTRIES: readonly Industry[] = ['general', 'finance', 'ecommerce', 'education', 'medical'];

export type Severity = 'low' | 'medium' | 'high';

/**
 * One lexicon term. `except` lists longer phrases that contain the term innocently
 * (e.g. 确保本金 contains 保本); a hit inside one of them is not reported. `negatable`: a hit
 * inside a negation ("不保本", "not risk-free"; see negation.rules.ts) is a denial, not a
 * violation, and is reported as cleared instead; absent or false, negation never clears it
 * (abuse stays abuse when negated).
 */
export interface LexiconEntry {
  readonly term: string;
  readonly category?: string;
  readonly severity?: Severity;
  readonly except?: readonly string[];
  readonly negatable?: boolean;
}

const t = (category: string, severity: Severity, terms: readonly string[]): LexiconEntry[] =>
  terms.map((term) => ({ term, category, severity }));
/** Promises and claims: denying them ("不保本", "no guaranteed returns") is what a compliant agent says. */
const tn = (category: string, severity: Severity, terms: readonly string[]): LexiconEntry[] =>
  terms.map((term) => ({ term, category, severity, negatable: true }));

/** Agent conduct: rude or dismissive language, in every industry. */
const GENERAL: readonly LexiconEntry[] = [
  ...t('abusive', 'high', [
    '你有病吧', '神经病', '滚蛋', '给我滚', '闭嘴', '蠢货', '白痴', '傻逼', '他妈的', '去死',
    'shut up', 'idiot', 'stupid', 'moron', 'dumb ass', 'screw you', 'go to hell',
  ]),
  ...t('dismissive', 'medium', [
    '爱买不买', '关我什么事', '不关我的事', '这不归我管', '你自己看着办', '随便你', '你听不懂吗', '我已经说过了',
    '有本事你去投诉', '你去投诉吧',
    'not my problem', 'not my job', 'deal with it', 'whatever you want', 'i already told you',
    'are you deaf', 'go ahead and complain',
  ]),
];

/** Finance: promises that regulators forbid (R-QA-1 "保本承诺"). */
const FINANCE: readonly LexiconEntry[] = [
  { term: '保本', category: 'guaranteed_principal', severity: 'high', except: ['确保本', '保本金安全', '担保本'], negatable: true },
  ...tn('guaranteed_principal', 'high', ['保本保息', '保证本金', '本金无忧', '本金不会亏', '不会亏本', '亏了算我的']),
  ...tn('guaranteed_return', 'high', [
    '保证收益', '保收益', '稳赚不赔', '稳赚', '只赚不赔', '包赚', '保证赚钱', '收益有保障', '保底收益', '刚性兑付',
    '固定高收益', '年化保证', '翻倍收益', '稳稳的收益',
    'guaranteed return', 'guaranteed returns', 'guaranteed profit', 'guaranteed profits', 'guaranteed income',
    'guaranteed yield', 'guaranteed gains', 'cannot lose', "can't lose", 'sure profit', 'double your money',
    'principal guaranteed', 'principal protected',
  ]),
  ...tn('no_risk', 'high', [
    '零风险', '无风险', '没有风险', '没有任何风险', '毫无风险', '绝对安全', '百分百安全',
    'risk-free', 'risk free', 'no risk', 'zero risk', 'without any risk', 'completely safe investment',
  ]),
  ...tn('misleading', 'medium', [
    '内部消息', '内幕消息', '稳定翻倍', '错过就没了', '最后一天', '名额有限', '马上涨',
    'insider information', 'insider tip', 'once in a lifetime', 'act now',
  ]),
];

/** E-commerce: unfounded claims and review manipulation. */
const ECOMMERCE: readonly LexiconEntry[] = [
  ...tn('absolute_claim', 'medium', [
    '全网最低', '最低价', '史上最低', '假一赔十', '假一赔百', '百分百正品', '绝对正品', '国家级', '最高级', '第一品牌',
    'lowest price guaranteed', 'cheapest anywhere', '100% authentic', 'best in the world',
  ]),
  ...tn('review_manipulation', 'high', [
    '好评返现', '刷单', '给个好评就', '删差评', '改好评', '五星好评返',
    'cash for reviews', 'refund for a five star', 'delete your review', 'change your review',
  ]),
  ...tn('refund_refusal', 'medium', ['不能退', '不给退', '概不退换', '退不了', 'no refunds', 'cannot be refunded']),
];

/** Education: outcome promises and pressure selling. */
const EDUCATION: readonly LexiconEntry[] = [
  { term: '包过', category: 'guaranteed_outcome', severity: 'high', except: ['包过期', '包过两天', '包过几天', '红包过', '钱包过', '面包过'], negatable: true },
  ...tn('guaranteed_outcome', 'high', [
    '保过', '百分百通过', '保证通过', '保证提分', '包提分', '不过全额退款', '包就业', '保证就业', '包分配',
    '保录取', '内部名额',
    'guaranteed pass', 'guarantee you pass', 'guaranteed admission', 'guaranteed job', 'job guaranteed',
    'guaranteed score',
  ]),
  ...tn('pressure_selling', 'medium', ['今天不报名就没有了', '最后一个名额', '错过今天', 'last seat', 'today only']),
];

/** Medical: cure promises and unsafe advice. */
const MEDICAL: readonly LexiconEntry[] = [
  ...tn('cure_promise', 'high', [
    '根治', '包治', '药到病除', '百分百治愈', '保证治好', '无副作用', '没有副作用', '永不复发', '一次见效', '神药',
    'cure guaranteed', 'guaranteed cure', 'no side effects', 'miracle cure', 'never come back', '100% cure',
  ]),
  ...t('unsafe_advice', 'high', ['停药吧', '不用吃药', '不用去医院', 'stop taking your medication', 'no need to see a doctor']),
];

/** The default sensitive-word pack of each industry; every industry includes the general pack. */
export const DEFAULT_LEXICON_PACKS: Readonly<Record<Industry, readonly LexiconEntry[]>> = {
  general: GENERAL,
  finance: [...GENERAL, ...FINANCE],
  ecommerce: [...GENERAL, ...ECOMMERCE],
  education: [...GENERAL, ...EDUCATION],
  medical: [...GENERAL, ...MEDICAL],
};
