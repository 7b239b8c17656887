import type { Industry } from '../lexicon/lexicon.packs';

/** Who must say a script. */
export type ScriptSpeaker = 'agent' | 'customer' | 'any';

/**
 * A required-script definition. `variants` are alternative phrasings (Chinese and English); a
 * segment matches when, inside a window about as long as a variant, at least `threshold` of that
 * variant's character bigrams occur (after normalisation). `withinS` limits the search to
 * segments that start in [fromS, toS] seconds.
 */
export interface ScriptDefinition {
  readonly id: string;
  readonly label: string;
  readonly variants: readonly string[];
  readonly speaker: ScriptSpeaker;
  readonly withinS?: { readonly fromS?: number; readonly toS?: number };
  readonly threshold?: number;
  /**
   * Words one of which any phrasing contains (e.g. 录音 / record). A segment is scored only when
   * it contains an anchor, which keeps scoring cheap; without anchors every segment is scored.
   */
  readonly anchors?: readonly string[];
}

export const DEFAULT_SCRIPT_THRESHOLD = 0.75;

/** The built-in scripts; presets pick which of them are required. */
export const DEFAULT_SCRIPTS: readonly ScriptDefinition[] = [
  {
    id: 'recording_notice',
    anchors: ['录音', '录制', 'record', 'monitored'],
    label: 'Recording notice (本次通话将录音)',
    speaker: 'agent',
    withinS: { toS: 30 },
    variants: [
      '本次通话将录音', '本次通话将被录音', '本次通话可能会被录音', '您的通话将被录音', '通话正在录音', '本次通话会全程录音',
      '通话过程将被录音', '为了保证服务质量通话将录音', '此次通话有录音', '我们的通话会录音',
      'this call may be recorded', 'this call will be recorded', 'this call is being recorded', 'your call may be recorded',
      'calls are recorded for quality', 'call may be monitored or recorded', 'this conversation is recorded',
      'recorded for quality and training purposes',
    ],
  },
  {
    id: 'privacy_notice',
    anchors: ['信息', '隐私', '保密', 'privacy', 'personal', 'data', 'confidential', 'information'],
    label: 'Privacy notice (个人信息保护告知)',
    speaker: 'agent',
    variants: [
      '您的个人信息我们会严格保密', '我们会对您的个人信息保密', '您的信息仅用于本次业务办理', '依法保护您的个人信息', '个人信息将严格保密',
      'your personal information will be kept confidential', 'we protect your personal data', 'your information is used only for this request',
      'in line with our privacy policy', 'your data is handled under our privacy policy',
    ],
  },
  {
    id: 'unsubscribe_notice',
    anchors: ['退订', '订阅', '不想再接', 'unsubscribe', 'opt out', 'stop', 'no longer wish'],
    label: 'Unsubscribe notice (退订告知)',
    speaker: 'agent',
    variants: [
      '如不需要可回复退订', '回复td退订', '如果您不想再接到此类电话', '可以随时取消订阅', '您可以随时退订', '如需退订请',
      'you can unsubscribe at any time', 'reply stop to unsubscribe', 'to opt out of future calls', 'if you no longer wish to receive',
      'you may opt out at any time',
    ],
  },
  {
    id: 'risk_disclosure',
    anchors: ['风险', '谨慎', '保本', '本金', '业绩', 'risk', 'lose', 'performance', 'value'],
    label: 'Risk disclosure (理财有风险 投资需谨慎)',
    speaker: 'agent',
    variants: [
      '理财有风险投资需谨慎', '投资有风险入市需谨慎', '理财产品有风险', '投资有风险', '产品不保本收益不确定', '过往业绩不代表未来表现',
      '可能会损失本金',
      'investments carry risk', 'investing involves risk', 'you could lose money', 'past performance is not a guarantee of future results',
      'the value of your investment can go down', 'you may lose some or all of your principal',
    ],
  },
  {
    id: 'identity_verification',
    anchors: ['身份', '核实', '验证', '手机号', '后四位', 'verify', 'identity', 'confirm', 'security', 'last four'],
    label: 'Identity verification (身份核实)',
    speaker: 'agent',
    variants: [
      '核实一下您的身份', '需要验证您的身份', '请提供您的身份证后四位', '请问您的身份证号码', '为了您的账户安全需要核实身份', '请报一下您的预留手机号',
      'verify your identity', 'confirm your identity', 'confirm your date of birth', 'answer your security question',
      'the last four digits of your', 'for security purposes can you confirm',
    ],
  },
  {
    id: 'refund_policy',
    anchors: ['退费', '退款', 'refund'],
    label: 'Refund-rule disclosure (退费规则告知)',
    speaker: 'agent',
    variants: [
      '退费规则是', '退款规则', '开课后不支持退费', '按照课时比例退费', '七天内可以无理由退款', '关于退费政策',
      'our refund policy is', 'refunds are available within', 'the refund rules are', 'no refunds after the course starts',
    ],
  },
];

/**
 * Which scripts each industry requires (R-QA-1, R-IND). Scripts not listed are still reported.
 * The unsubscribe notice matters on outbound marketing calls: require it per tenant via config.
 */
export const REQUIRED_SCRIPTS_BY_INDUSTRY: Readonly<Record<Industry, readonly string[]>> = {
  general: ['recording_notice'],
  finance: ['recording_notice', 'privacy_notice', 'risk_disclosure', 'identity_verification'],
  ecommerce: ['recording_notice', 'privacy_notice'],
  education: ['recording_notice', 'privacy_notice', 'refund_policy'],
  medical: ['recording_notice', 'privacy_notice', 'identity_verification'],
};
