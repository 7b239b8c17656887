import { describe, expect, it } from 'vitest';
import { decideRetention } from '../../../core/retention/retention.decide';
import { buildPreset, type IndustryPreset, type PresetOptions } from '../../../core/retention/retention.presets';
import type { RetentionSubject } from '../../../core/retention/retention.policy';
import { makeCall } from './fixtures';

const promotions: PresetOptions = {
  promotionWindows: [
    { name: '618', from: '2024-06-01', to: '2024-06-18' },
    { name: '双11', from: '2024-11-01', to: '2024-11-11' },
  ],
};

interface Case {
  readonly name: string;
  readonly preset: IndustryPreset;
  readonly options?: PresetOptions;
  readonly call: Partial<RetentionSubject>;
  readonly now: string;
  readonly expected: { action: string; at: string | null; ruleId: string | null };
}

// Due dates worked out by hand: start + keepDays whole days, rounded up to the next UTC midnight.
const cases: Case[] = [
  // general: 6 months = 184 days, then delete
  { name: 'general call the day before it is due', preset: 'general', call: {}, now: '2024-07-12T23:59:59Z', expected: { action: 'keep', at: '2024-07-13T00:00:00.000Z', ruleId: 'default' } },
  { name: 'general call once due', preset: 'general', call: {}, now: '2024-07-13T00:00:00Z', expected: { action: 'delete', at: '2024-07-13T00:00:00.000Z', ruleId: 'default' } },
  { name: 'general call started at midnight', preset: 'general', call: { startedAt: '2024-01-10T00:00:00Z' }, now: '2024-07-12T00:00:00Z', expected: { action: 'delete', at: '2024-07-12T00:00:00.000Z', ruleId: 'default' } },
  { name: 'general misdial (3 s) after 30 days', preset: 'general', call: { durationS: 3 }, now: '2024-02-10T00:00:00Z', expected: { action: 'delete', at: '2024-02-10T00:00:00.000Z', ruleId: 'misdial' } },
  { name: 'general misdial before 30 days', preset: 'general', call: { durationS: 4.99 }, now: '2024-02-09T12:00:00Z', expected: { action: 'keep', at: '2024-02-10T00:00:00.000Z', ruleId: 'misdial' } },
  { name: 'general call of exactly 5 s is no misdial', preset: 'general', call: { durationS: 5 }, now: '2024-02-10T00:00:00Z', expected: { action: 'keep', at: '2024-07-13T00:00:00.000Z', ruleId: 'default' } },
  { name: 'general call marked misdial by status', preset: 'general', call: { status: 'misdial', durationS: 4 }, now: '2024-03-01T00:00:00Z', expected: { action: 'delete', at: '2024-02-10T00:00:00.000Z', ruleId: 'misdial' } },
  { name: 'general preset with archive on expiry', preset: 'general', options: { expiry: 'archive' }, call: {}, now: '2024-08-01T00:00:00Z', expected: { action: 'archive', at: '2024-07-13T00:00:00.000Z', ruleId: 'default' } },
  { name: 'general archived call with archive on expiry has nothing left to do', preset: 'general', options: { expiry: 'archive' }, call: { status: 'archived' }, now: '2030-01-01T00:00:00Z', expected: { action: 'keep', at: null, ruleId: 'default' } },

  // finance: 5 years = 1827 days, archive tier after 366 days
  { name: 'finance call in its first year', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z' }, now: '2020-06-01T00:00:00Z', expected: { action: 'keep', at: '2021-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance call after a year moves to the archive', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z' }, now: '2021-02-01T00:00:00Z', expected: { action: 'archive', at: '2021-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance archived call waits for 5 years', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z', status: 'archived' }, now: '2021-02-01T00:00:00Z', expected: { action: 'keep', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance call after 5 years', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z', status: 'archived' }, now: '2025-01-11T00:00:00Z', expected: { action: 'delete', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance call still hot after 5 years goes straight to delete', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z' }, now: '2025-02-01T00:00:00Z', expected: { action: 'delete', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance without archive tier', preset: 'finance', options: { archiveAfterDays: null }, call: { startedAt: '2020-01-10T15:00:00Z' }, now: '2021-02-01T00:00:00Z', expected: { action: 'keep', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'finance misdial', preset: 'finance', call: { startedAt: '2020-01-10T15:00:00Z', durationS: 2 }, now: '2020-02-09T00:00:00Z', expected: { action: 'keep', at: '2020-02-10T00:00:00.000Z', ruleId: 'misdial' } },

  // medical: configurable 1-5 years
  { name: 'medical 3 years, before due', preset: 'medical', options: { medicalYears: 3 }, call: { status: 'archived' }, now: '2027-01-10T23:00:00Z', expected: { action: 'keep', at: '2027-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'medical 3 years, due', preset: 'medical', options: { medicalYears: 3 }, call: { status: 'archived' }, now: '2027-01-11T00:00:00Z', expected: { action: 'delete', at: '2027-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'medical 3 years archives after a year', preset: 'medical', options: { medicalYears: 3 }, call: {}, now: '2025-01-11T00:00:00Z', expected: { action: 'archive', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'medical 1 year has no archive tier', preset: 'medical', options: { medicalYears: 1 }, call: {}, now: '2025-01-10T00:00:00Z', expected: { action: 'keep', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },
  { name: 'medical 5 years', preset: 'medical', options: { medicalYears: 5, archiveAfterDays: null }, call: { startedAt: '2020-01-10T15:00:00Z' }, now: '2025-01-11T00:00:00Z', expected: { action: 'delete', at: '2025-01-11T00:00:00.000Z', ruleId: 'default' } },

  // ecommerce: 6 months; calls inside promotion windows 1 year
  { name: 'ecommerce call on the last day of 618', preset: 'ecommerce', options: promotions, call: { startedAt: '2024-06-18T23:30:00Z' }, now: '2025-01-01T00:00:00Z', expected: { action: 'keep', at: '2025-06-20T00:00:00.000Z', ruleId: 'promotion' } },
  { name: 'ecommerce call on the first day of 双11', preset: 'ecommerce', options: promotions, call: { startedAt: '2024-11-01T00:00:00Z' }, now: '2025-11-02T00:00:00Z', expected: { action: 'delete', at: '2025-11-02T00:00:00.000Z', ruleId: 'promotion' } },
  { name: 'ecommerce call the day after 618', preset: 'ecommerce', options: promotions, call: { startedAt: '2024-06-19T00:00:00Z' }, now: '2024-12-20T00:00:00Z', expected: { action: 'delete', at: '2024-12-20T00:00:00.000Z', ruleId: 'default' } },
  { name: 'ecommerce call the day before 618', preset: 'ecommerce', options: promotions, call: { startedAt: '2024-05-31T23:59:59Z' }, now: '2024-12-01T00:00:00Z', expected: { action: 'keep', at: '2024-12-02T00:00:00.000Z', ruleId: 'default' } },
  { name: 'ecommerce misdial during a promotion follows the misdial rule', preset: 'ecommerce', options: promotions, call: { startedAt: '2024-11-05T10:00:00Z', durationS: 1 }, now: '2024-12-06T00:00:00Z', expected: { action: 'delete', at: '2024-12-06T00:00:00.000Z', ruleId: 'misdial' } },
  { name: 'ecommerce without promotion windows', preset: 'ecommerce', call: { startedAt: '2024-06-18T23:30:00Z' }, now: '2024-12-20T00:00:00Z', expected: { action: 'delete', at: '2024-12-20T00:00:00.000Z', ruleId: 'default' } },

  // education: 1 year; refund 退费 and enrolment 报名 calls 3 years
  { name: 'education ordinary call', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: '课程咨询' }, now: '2024-03-02T00:00:00Z', expected: { action: 'delete', at: '2024-03-02T00:00:00.000Z', ruleId: 'default' } },
  { name: 'education refund inquiry 退费', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: '退费' }, now: '2024-03-02T00:00:00Z', expected: { action: 'keep', at: '2026-03-02T00:00:00.000Z', ruleId: 'refund-enrolment-type' } },
  { name: 'education enrolment tag 报名', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', tags: ['vip', '报名'] }, now: '2026-03-02T00:00:00Z', expected: { action: 'delete', at: '2026-03-02T00:00:00.000Z', ruleId: 'refund-enrolment-tag' } },
  { name: 'education refund inquiry in English, any case', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: ' Refund ' }, now: '2025-01-01T00:00:00Z', expected: { action: 'keep', at: '2026-03-02T00:00:00.000Z', ruleId: 'refund-enrolment-type' } },
  { name: 'education full-width tag', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', tags: ['ＲＥＦＵＮＤ'] }, now: '2025-01-01T00:00:00Z', expected: { action: 'keep', at: '2026-03-02T00:00:00.000Z', ruleId: 'refund-enrolment-tag' } },
  { name: 'education refund by both type and tag: the first of the equal rules', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: '退费', tags: ['报名'] }, now: '2025-01-01T00:00:00Z', expected: { action: 'keep', at: '2026-03-02T00:00:00.000Z', ruleId: 'refund-enrolment-type' } },
  { name: 'education refund misdial is purged as a misdial', preset: 'education', call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: '退费', durationS: 2 }, now: '2023-04-01T00:00:00Z', expected: { action: 'delete', at: '2023-04-01T00:00:00.000Z', ruleId: 'misdial' } },
  { name: 'education custom keywords', preset: 'education', options: { refundEnrolmentKeywords: ['退学'] }, call: { startedAt: '2023-03-01T08:00:00Z', inquiryType: '退费' }, now: '2024-03-02T00:00:00Z', expected: { action: 'delete', at: '2024-03-02T00:00:00.000Z', ruleId: 'default' } },
];

describe('industry presets', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = decideRetention(makeCall(c.call), buildPreset(c.preset, c.options), [], new Date(c.now));
    expect({ action: decision.action, at: decision.at, ruleId: decision.ruleId }).toEqual(c.expected);
  });

  it('keeps each industry at least as long as DOMAIN R-STO-1 asks', () => {
    const keep = (p: IndustryPreset, o?: PresetOptions) => Math.min(...buildPreset(p, o).rules.filter((r) => r.match.misdial !== true).map((r) => r.keepDays));
    expect(keep('general')).toBeGreaterThanOrEqual(184);
    expect(keep('finance')).toBeGreaterThanOrEqual(1827);
    expect(keep('ecommerce', promotions)).toBeGreaterThanOrEqual(184);
    expect(keep('education')).toBeGreaterThanOrEqual(366);
    for (const years of [1, 2, 3, 4, 5]) expect(keep('medical', { medicalYears: years })).toBeGreaterThanOrEqual(365 * years + Math.floor(years / 4));
  });

  it('gives every preset an explicit misdial rule', () => {
    for (const p of ['general', 'finance', 'ecommerce', 'education'] as const) {
      expect(buildPreset(p).rules.find((r) => r.match.misdial === true)).toMatchObject({ id: 'misdial', keepDays: 30, then: 'delete' });
    }
  });

  it.each([[undefined], [0], [6], [2.5]])('refuses medical years %s', (medicalYears) => {
    expect(() => buildPreset('medical', { medicalYears })).toThrow(/medicalYears must be a whole number from 1 to 5/);
  });

  it('refuses a malformed promotion window with the policy validator’s message', () => {
    expect(() => buildPreset('ecommerce', { promotionWindows: [{ from: '2024-11-11', to: '2024-11-01' }] })).toThrow(/rules\.2\.match\.startedWithin\.0\.to: from must be before to/);
  });
});
