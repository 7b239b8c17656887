import { CallsightError } from '../shared/errors';
import { MISDIAL_THRESHOLD_S } from '../recordings/call';
import { keepDaysForMonths, keepDaysForYears } from './keep-days';
import { parseRetentionPolicy, type DateWindow, type ExpiryAction, type RetentionPolicy, type RetentionRule } from './retention.policy';

/**
 * Industry presets (DOMAIN R-STO-1, R-IND). Each is an ordinary policy a tenant can then edit; every preset
 * has a catch-all default rule and an explicit misdial rule (R-CAP-6). Periods in months and years become
 * days through keepDaysForMonths/Years, so a preset never keeps less than the law's calendar period.
 */
export type IndustryPreset = 'general' | 'finance' | 'medical' | 'ecommerce' | 'education';

export interface PresetOptions {
  /** What happens when the keep period ends; default 'delete'. */
  readonly expiry?: ExpiryAction;
  /** Days a misdial is kept before it is purged; default 30. */
  readonly misdialKeepDays?: number;
  /** medical only: 1-5 years; required for medical. */
  readonly medicalYears?: number;
  /** finance and medical: move to the archive tier after this many days, then delete; default 366, null for never. Ignored with expiry 'archive'. */
  readonly archiveAfterDays?: number | null;
  /** ecommerce: promotion periods whose calls are kept 1 year (e.g. 618: 2025-06-01..2025-06-18, 双11: 2025-11-01..2025-11-11). */
  readonly promotionWindows?: readonly DateWindow[];
  /** education: inquiry types and tags of refund and enrolment calls, kept 3 years. */
  readonly refundEnrolmentKeywords?: readonly string[];
}

/** Inquiry types and tags that mark refund (退费/退款) and enrolment (报名) calls in Chinese and English. */
export const DEFAULT_REFUND_ENROLMENT_KEYWORDS: readonly string[] = ['退费', '退款', '报名', 'refund', 'enrolment', 'enrollment', 'registration'];

export const DEFAULT_MISDIAL_KEEP_DAYS = 30;

const SIX_MONTHS = keepDaysForMonths(6);
const ONE_YEAR = keepDaysForYears(1);
const THREE_YEARS = keepDaysForYears(3);
const FIVE_YEARS = keepDaysForYears(5);

/**
 * Builds the preset policy for an industry. Throws VALIDATION_FAILED for bad options (medical without 1-5
 * years, a malformed promotion window...), with the same messages as parseRetentionPolicy.
 */
export function buildPreset(industry: IndustryPreset, options: PresetOptions = {}): RetentionPolicy {
  const expiry = options.expiry ?? 'delete';
  const rules: RetentionRule[] = [
    {
      id: 'misdial',
      description: `Misdials (under ${MISDIAL_THRESHOLD_S} s) are purged, never silently (R-CAP-6)`,
      match: { misdial: true },
      keepDays: options.misdialKeepDays ?? DEFAULT_MISDIAL_KEEP_DAYS,
      then: 'delete',
    },
  ];
  const base = (id: string, description: string, keepDays: number, tiered = false): RetentionRule => {
    const archiveAfterDays = options.archiveAfterDays === undefined ? ONE_YEAR : options.archiveAfterDays;
    const tier = tiered && expiry === 'delete' && archiveAfterDays !== null && archiveAfterDays < keepDays ? { archiveAfterDays } : {};
    return { id, description, match: {}, keepDays, then: expiry, ...tier };
  };

  switch (industry) {
    case 'general':
      rules.push(base('default', 'Every call: 6 months', SIX_MONTHS));
      break;
    case 'finance':
      rules.push(base('default', 'Every call: 5 years (finance)', FIVE_YEARS, true));
      break;
    case 'medical': {
      const years = options.medicalYears;
      if (years === undefined || !Number.isInteger(years) || years < 1 || years > 5) {
        throw new CallsightError('VALIDATION_FAILED', 'Medical preset rejected: medicalYears must be a whole number from 1 to 5.');
      }
      rules.push(base('default', `Every call: ${years} year${years > 1 ? 's' : ''} (medical)`, keepDaysForYears(years), true));
      break;
    }
    case 'ecommerce':
      rules.push(base('default', 'Every call: 6 months', SIX_MONTHS));
      if (options.promotionWindows !== undefined && options.promotionWindows.length > 0) {
        rules.push({ id: 'promotion', description: 'Calls during promotions: 1 year', match: { startedWithin: options.promotionWindows }, keepDays: ONE_YEAR, then: expiry });
      }
      break;
    case 'education': {
      const keywords = options.refundEnrolmentKeywords ?? DEFAULT_REFUND_ENROLMENT_KEYWORDS;
      rules.push(base('default', 'Every call: 1 year', ONE_YEAR));
      rules.push({ id: 'refund-enrolment-type', description: 'Refund (退费) and enrolment (报名) inquiries: 3 years', match: { inquiryTypes: keywords }, keepDays: THREE_YEARS, then: expiry });
      rules.push({ id: 'refund-enrolment-tag', description: 'Calls tagged refund (退费) or enrolment (报名): 3 years', match: { tags: keywords }, keepDays: THREE_YEARS, then: expiry });
      break;
    }
    default:
      throw new CallsightError('VALIDATION_FAILED', `Unknown industry preset "${String(industry)}"; use general, finance, medical, ecommerce or education.`);
  }
  return parseRetentionPolicy({ name: `${industry} preset`, rules });
}
