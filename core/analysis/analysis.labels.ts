/**
 * The one table of display labels, in Chinese and English, for every code the analysis emits: flag codes,
 * transcript highlight kinds, demand categories, emotion labels, PII kinds, severities, knowledge-check verdicts,
 * why a sensitive-word hit was cleared, script ids, duration-flag details and lexicon categories. The hub (CRM
 * notes) and the widgets read labels from here, so a code shows the same words everywhere.
 *
 * Pure data with type-only imports: bundling it costs the widgets a few kilobytes and pulls in no analyser.
 * test/unit/analysis/labels.test.ts fails when a code the analysis can emit has no label in either language.
 */
import type { FlagCode } from './risk/risk.score';
import type { EmotionLabel } from './emotion/emotion.model';
import type { PiiKind } from './pii/pii.detector';
import type { Severity } from './lexicon/lexicon.packs';
import type { KnowledgeFinding } from './knowledge/knowledge.check';
import type { ClearedHit } from './lexicon/sensitive-words';
import type { TranscriptHighlight } from '../api/analysis.api';

/** A label in both first-class languages (the shape of scorecard labels). */
export interface AnalysisLabel {
  readonly zh: string;
  readonly en: string;
}

/** The languages labels come in, as BCP 47 tags. */
export type AnalysisLabelLocale = 'en' | 'zh-CN';

/** Risk flags of a call (core/analysis/risk/risk.score.ts). */
export const FLAG_LABELS: Readonly<Record<FlagCode, AnalysisLabel>> = {
  SENSITIVE_WORD: { zh: '敏感词', en: 'Sensitive word' },
  MISSING_SCRIPT: { zh: '缺少必备话术', en: 'Missing script' },
  PII_PRESENT: { zh: '含个人信息', en: 'Personal data spoken' },
  CUSTOMER_AGITATED: { zh: '客户情绪激动', en: 'Upset customer' },
  DURATION_ABNORMAL: { zh: '时长异常', en: 'Unusual duration' },
  HIGH_INTERRUPTION: { zh: '频繁打断客户', en: 'Talks over the customer' },
  KNOWLEDGE_CONTRADICTION: { zh: '产品知识有误', en: 'Wrong product information' },
};

/** Kinds of marked transcript spans (GET /api/v1/calls/:id/transcript `highlights`). */
export const HIGHLIGHT_KIND_LABELS: Readonly<Record<TranscriptHighlight['kind'], AnalysisLabel>> = {
  sensitive: { zh: '敏感词', en: 'Sensitive word' },
  pii: { zh: '个人信息', en: 'Personal data' },
};

/** Built-in customer-demand categories of every industry (core/analysis/demands/demand.categories.ts). */
export const DEMAND_CATEGORY_LABELS: Readonly<Record<string, AnalysisLabel>> = {
  logistics_delay: { zh: '物流延迟', en: 'Late delivery' },
  refund_complex: { zh: '退款流程复杂', en: 'Refund process too complicated' },
  invoice_issue: { zh: '发票问题', en: 'Invoice issue' },
  product_quality: { zh: '质量问题', en: 'Product quality' },
  wrong_item: { zh: '发错货', en: 'Wrong or missing item' },
  price_promotion: { zh: '价格与优惠', en: 'Prices and promotions' },
  address_change: { zh: '修改地址', en: 'Change of address' },
  course_refund: { zh: '退费', en: 'Course refund' },
  schedule_change: { zh: '调课', en: 'Schedule change' },
  teaching_quality: { zh: '教学质量', en: 'Teaching quality' },
  fees_charges: { zh: '费用扣款', en: 'Fees and charges' },
  account_access: { zh: '账户冻结或无法登录', en: 'Account access' },
  transfer_failure: { zh: '转账失败', en: 'Failed transfer' },
  fraud_report: { zh: '盗刷诈骗', en: 'Fraud' },
  complaint_escalation: { zh: '投诉升级', en: 'Complaint escalation' },
  callback_request: { zh: '回电请求', en: 'Callback request' },
  appointment: { zh: '预约挂号', en: 'Appointment' },
  test_results: { zh: '检查报告', en: 'Test results' },
};

/** The customer's emotion (core/analysis/emotion/emotion.model.ts EMOTION_LABELS). */
export const EMOTION_LABEL_LABELS: Readonly<Record<EmotionLabel, AnalysisLabel>> = {
  negative: { zh: '负面', en: 'Negative' },
  neutral: { zh: '中性', en: 'Neutral' },
  positive: { zh: '正面', en: 'Positive' },
};

/** Kinds of personal data found in a transcript (details of PII_PRESENT). */
export const PII_KIND_LABELS: Readonly<Record<PiiKind, AnalysisLabel>> = {
  bank_card: { zh: '银行卡号', en: 'Bank card number' },
  cn_id: { zh: '身份证号', en: 'ID card number' },
  phone: { zh: '电话号码', en: 'Phone number' },
  email: { zh: '电子邮箱', en: 'Email address' },
};

/** Severity of a flag or a lexicon hit. */
export const SEVERITY_LABELS: Readonly<Record<Severity, AnalysisLabel>> = {
  low: { zh: '低', en: 'Low' },
  medium: { zh: '中', en: 'Medium' },
  high: { zh: '高', en: 'High' },
};

/** Verdict of an agent statement checked against a knowledge fact. */
export const KNOWLEDGE_VERDICT_LABELS: Readonly<Record<KnowledgeFinding['verdict'], AnalysisLabel>> = {
  contradicts: { zh: '与产品知识不符', en: 'Contradicts the product facts' },
  consistent: { zh: '与产品知识一致', en: 'Matches the product facts' },
};

/** Why a sensitive-word hit is not a violation (negated, or inside a disclaimer). */
export const CLEARED_BY_LABELS: Readonly<Record<ClearedHit['clearedBy'], AnalysisLabel>> = {
  negation: { zh: '否定表述，不计违规', en: 'Negated, not a violation' },
  disclaimer: { zh: '免责声明内，不计违规', en: 'Inside a disclaimer, not a violation' },
};

/** Built-in required scripts (details of MISSING_SCRIPT; core/analysis/scripts/script.presets.ts). */
export const SCRIPT_LABELS: Readonly<Record<string, AnalysisLabel>> = {
  recording_notice: { zh: '录音提示', en: 'Recording notice' },
  privacy_notice: { zh: '个人信息保护告知', en: 'Privacy notice' },
  unsubscribe_notice: { zh: '退订告知', en: 'Unsubscribe notice' },
  risk_disclosure: { zh: '风险提示', en: 'Risk disclosure' },
  identity_verification: { zh: '身份核实', en: 'Identity verification' },
  refund_policy: { zh: '退费规则告知', en: 'Refund-rule disclosure' },
};

/** Details of DURATION_ABNORMAL. */
export const DURATION_DETAIL_LABELS: Readonly<Record<'too_short' | 'too_long', AnalysisLabel>> = {
  too_short: { zh: '时长过短', en: 'Too short' },
  too_long: { zh: '时长过长', en: 'Too long' },
};

/** Categories of the built-in lexicon packs, and `tenant` for a tenant's own plain terms. */
export const LEXICON_CATEGORY_LABELS: Readonly<Record<string, AnalysisLabel>> = {
  abusive: { zh: '辱骂', en: 'Abusive language' },
  dismissive: { zh: '推诿敷衍', en: 'Dismissive language' },
  guaranteed_principal: { zh: '保本承诺', en: 'Guaranteed principal' },
  guaranteed_return: { zh: '保证收益', en: 'Guaranteed returns' },
  no_risk: { zh: '无风险承诺', en: 'No-risk claim' },
  misleading: { zh: '误导性表述', en: 'Misleading claim' },
  absolute_claim: { zh: '绝对化用语', en: 'Absolute claim' },
  review_manipulation: { zh: '好评操纵', en: 'Review manipulation' },
  refund_refusal: { zh: '拒绝退款', en: 'Refund refusal' },
  guaranteed_outcome: { zh: '结果承诺', en: 'Guaranteed outcome' },
  pressure_selling: { zh: '强迫销售', en: 'Pressure selling' },
  cure_promise: { zh: '疗效承诺', en: 'Cure promise' },
  unsafe_advice: { zh: '不安全建议', en: 'Unsafe advice' },
  tenant: { zh: '自定义敏感词', en: 'Custom term' },
};

/** Every label table by the kind of code it labels. */
export const ANALYSIS_LABELS = {
  flag: FLAG_LABELS,
  highlight: HIGHLIGHT_KIND_LABELS,
  demand: DEMAND_CATEGORY_LABELS,
  emotion: EMOTION_LABEL_LABELS,
  pii: PII_KIND_LABELS,
  severity: SEVERITY_LABELS,
  knowledgeVerdict: KNOWLEDGE_VERDICT_LABELS,
  clearedBy: CLEARED_BY_LABELS,
  script: SCRIPT_LABELS,
  durationDetail: DURATION_DETAIL_LABELS,
  lexiconCategory: LEXICON_CATEGORY_LABELS,
} as const satisfies Record<string, Readonly<Record<string, AnalysisLabel>>>;

/** A kind of code with labels: `flag`, `demand`, `highlight`... */
export type AnalysisLabelKind = keyof typeof ANALYSIS_LABELS;

/**
 * The label of a code in a language, or null when the code has none (a tenant's own demand category or script,
 * or a code newer than this table): callers choose their fallback. Exact match on the code; never throws.
 */
export function labelAnalysisCode(kind: AnalysisLabelKind, code: string, locale: AnalysisLabelLocale): string | null {
  const table: Readonly<Record<string, AnalysisLabel>> = ANALYSIS_LABELS[kind];
  const label = Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
  if (label === undefined) return null;
  return locale === 'zh-CN' ? label.zh : label.en;
}
