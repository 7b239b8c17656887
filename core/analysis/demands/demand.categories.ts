import type { Industry } from '../lexicon/lexicon.packs';

/** A customer-demand category (R-QA-6): matched like the lexicon on customer segments. */
export interface DemandCategory {
  readonly id: string;
  readonly label: string;
  readonly phrases: readonly string[];
}

const LOGISTICS_DELAY: DemandCategory = {
  id: 'logistics_delay',
  label: '物流延迟 / late delivery',
  phrases: [
    '物流延迟', '物流太慢', '快递太慢', '快递还没到', '还没收到货', '还没收到', '迟迟没到', '一直没发货', '还没发货', '怎么还没到',
    '配送延迟', '送货太慢', '物流一直没更新', '物流不动', '几天了还没到',
    'late delivery', 'delayed delivery', 'hasnt arrived', 'has not arrived', 'still not arrived', 'where is my order',
    'not delivered yet', 'package is late', 'shipping delay', 'tracking hasnt updated',
  ],
};
const REFUND_COMPLEX: DemandCategory = {
  id: 'refund_complex',
  label: '退款流程复杂 / refund too complicated',
  phrases: [
    '退款流程复杂', '退款太麻烦', '退款流程太麻烦', '退款怎么这么麻烦', '退款一直没到账', '退款还没到', '退不了款', '申请退款', '退货太麻烦',
    '退款要多久', '怎么退款',
    'refund too complicated', 'refund process is complicated', 'refund is too hard', 'still waiting for my refund',
    'havent received my refund', 'how do i get a refund', 'refund takes too long',
  ],
};
const INVOICE: DemandCategory = {
  id: 'invoice_issue',
  label: '发票问题 / invoice issue',
  phrases: ['发票问题', '开发票', '发票抬头', '发票开错', '没收到发票', '补开发票', '电子发票', '增值税发票', 'invoice', 'receipt is wrong', 'need a receipt'],
};
const QUALITY: DemandCategory = {
  id: 'product_quality',
  label: '质量问题 / product quality',
  phrases: ['质量问题', '质量太差', '坏了', '有破损', '用不了', '有瑕疵', '是假货', '不是正品', 'broken', 'damaged', 'defective', 'stopped working', 'poor quality', 'fake product'],
};
const WRONG_ITEM: DemandCategory = {
  id: 'wrong_item',
  label: '发错货 / wrong or missing item',
  phrases: ['发错货', '发错了', '少发了', '漏发', '颜色不对', '尺码不对', '不是我买的', 'wrong item', 'wrong size', 'missing item', 'item missing'],
};
const PROMOTION: DemandCategory = {
  id: 'price_promotion',
  label: '价格与优惠 / price and promotions',
  phrases: ['优惠券', '价保', '降价了', '差价', '满减', '活动价', '保价', 'coupon', 'price match', 'price drop', 'discount code', 'promo code'],
};
const ADDRESS: DemandCategory = {
  id: 'address_change',
  label: '修改地址 / change address',
  phrases: ['修改地址', '改地址', '地址写错', '换个地址', 'change my address', 'wrong address', 'update the delivery address'],
};
const COURSE_REFUND: DemandCategory = {
  id: 'course_refund',
  label: '退费 / course refund',
  phrases: ['退费', '退学费', '不想学了', '申请退课', '退课', 'refund the course', 'cancel my enrollment', 'cancel the course', 'tuition refund'],
};
const SCHEDULE: DemandCategory = {
  id: 'schedule_change',
  label: '调课 / schedule change',
  phrases: ['调课', '换时间', '改时间', '请假', '补课', '上课时间', 'reschedule', 'change the schedule', 'missed the class', 'makeup class'],
};
const TEACHING: DemandCategory = {
  id: 'teaching_quality',
  label: '教学质量 / teaching quality',
  phrases: ['老师不负责', '换老师', '讲得不好', '听不懂', '没效果', '没有进步', 'change the teacher', 'teacher is not', 'not learning anything', 'no progress'],
};
const FEES: DemandCategory = {
  id: 'fees_charges',
  label: '费用扣款 / fees and charges',
  phrases: ['手续费', '年费', '乱扣费', '扣款', '多扣了', '莫名扣费', '利息太高', 'annual fee', 'hidden fee', 'charged twice', 'unexpected charge', 'interest rate'],
};
const ACCOUNT_ACCESS: DemandCategory = {
  id: 'account_access',
  label: '账户冻结或无法登录 / account access',
  phrases: ['账户冻结', '卡被冻结', '登录不了', '密码忘了', '账号被锁', '无法登录', 'account frozen', 'card blocked', 'cant log in', 'locked out', 'forgot my password', 'reset my password'],
};
const TRANSFER: DemandCategory = {
  id: 'transfer_failure',
  label: '转账失败 / failed transfer',
  phrases: ['转账失败', '钱没到账', '到账', '汇款失败', 'transfer failed', 'payment failed', 'money has not arrived', 'transfer didnt go through'],
};
const FRAUD: DemandCategory = {
  id: 'fraud_report',
  label: '盗刷诈骗 / fraud',
  phrases: ['盗刷', '被骗', '诈骗', '不是我本人操作', 'fraud', 'unauthorized transaction', 'someone used my card', 'scam'],
};
const COMPLAINT: DemandCategory = {
  id: 'complaint_escalation',
  label: '投诉升级 / escalation',
  phrases: ['我要投诉', '投诉你们', '找你们领导', '叫你们经理', '12315', '曝光你们', 'speak to a manager', 'speak to your supervisor', 'file a complaint', 'i want to complain'],
};
const CALLBACK: DemandCategory = {
  id: 'callback_request',
  label: '回电请求 / callback',
  phrases: ['给我回电话', '回个电话', '没人回复', '一直没人处理', 'call me back', 'nobody called me back', 'no one got back to me'],
};
const APPOINTMENT: DemandCategory = {
  id: 'appointment',
  label: '预约挂号 / appointment',
  phrases: ['预约', '挂号', '改约', '取消预约', '约不上', 'appointment', 'book a visit', 'reschedule my appointment'],
};
const RESULTS: DemandCategory = {
  id: 'test_results',
  label: '检查报告 / test results',
  phrases: ['检查报告', '化验结果', '报告出来', 'test results', 'lab results', 'my results'],
};

/** Default demand categories per industry; general ones apply everywhere. */
export const DEFAULT_DEMAND_CATEGORIES: Readonly<Record<Industry, readonly DemandCategory[]>> = {
  general: [COMPLAINT, CALLBACK],
  ecommerce: [LOGISTICS_DELAY, REFUND_COMPLEX, INVOICE, QUALITY, WRONG_ITEM, PROMOTION, ADDRESS, COMPLAINT, CALLBACK],
  education: [COURSE_REFUND, SCHEDULE, TEACHING, INVOICE, COMPLAINT, CALLBACK],
  finance: [FEES, ACCOUNT_ACCESS, TRANSFER, FRAUD, COMPLAINT, CALLBACK],
  medical: [APPOINTMENT, RESULTS, INVOICE, COMPLAINT, CALLBACK],
};
