import { describe, expect, it } from 'vitest';
import { resolveLocale } from '../../../widgets/core/host-bridge';
import {
  formatClock,
  formatDateTime,
  formatDurationWords,
  getCatalog,
  knownErrorCodes,
  knownFlagCodes,
  messageKeys,
  translate,
  translateAnalysisCode,
  translateError,
  translateFlag,
} from '../../../widgets/core/i18n';
import { FLAG_LABELS, HIGHLIGHT_KIND_LABELS } from '../../../core/analysis/analysis.labels';

describe('widget strings', () => {
  it('zh-cn has a non-empty translation for every English key, with the same placeholders', () => {
    const en = getCatalog('en');
    const zh = getCatalog('zh-cn');
    expect(Object.keys(zh).sort()).toEqual([...messageKeys].sort());
    for (const key of messageKeys) {
      expect(zh[key].trim(), key).not.toBe('');
      const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('knows the same error codes and flags in both languages', () => {
    expect(knownErrorCodes('zh-cn').sort()).toEqual(knownErrorCodes('en').sort());
    expect(knownFlagCodes('zh-cn').sort()).toEqual(knownFlagCodes('en').sort());
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'listLabel', { customer: 'Li Lei' })).toBe('Calls with Li Lei');
    expect(translate('zh-cn', 'listLabel', { customer: '李雷' })).toBe('与李雷的通话');
    expect(translate('en', 'listLabel')).toBe('Calls with {customer}');
  });

  it.each([
    ['en', 'FORBIDDEN', 'You do not have access to this.'],
    ['zh-cn', 'FORBIDDEN', '您没有访问权限。'],
    ['en', 'SOMETHING_NEW', 'Something went wrong (code SOMETHING_NEW).'],
    ['zh-cn', 'SOMETHING_NEW', '出现错误（代码 SOMETHING_NEW）。'],
  ] as const)('translateError(%s, %s)', (locale, code, expected) => {
    expect(translateError(locale, code)).toBe(expected);
  });

  it.each([
    ['en', 'SENSITIVE_WORD', 'Sensitive word'],
    ['zh-cn', 'sensitive_word', '敏感词'],
    ['zh-cn', 'PII', '个人信息'],
    ['en', 'BRAND_NEW_FLAG', 'brand new flag'],
    ['zh-cn', 'DURATION_ABNORMAL', '时长异常'],
    ['zh-cn', 'PII_PRESENT', '含个人信息'],
    ['en', 'HIGH_INTERRUPTION', 'Talks over the customer'],
    ['zh-cn', 'sensitive', '敏感词'],
    ['en', 'pii', 'Personal data'],
  ] as const)('translateFlag(%s, %s)', (locale, code, expected) => {
    expect(translateFlag(locale, code)).toBe(expected);
  });

  it('labels every flag code and highlight kind the hub emits in Chinese, never with the raw code', () => {
    for (const code of [...Object.keys(FLAG_LABELS), ...Object.keys(HIGHLIGHT_KIND_LABELS)]) {
      expect(knownFlagCodes('zh-cn'), code).toContain(code.toUpperCase());
      const zh = translateFlag('zh-cn', code);
      expect(zh, code).toMatch(/[\u3400-\u9fff]/u);
      expect(translateFlag('en', code), code).not.toBe(code.toLowerCase().replace(/_+/g, ' '));
    }
  });

  it.each([
    ['zh-cn', 'demand', 'refund_complex', '退款流程复杂'],
    ['en', 'demand', 'logistics_delay', 'Late delivery'],
    ['en', 'demand', 'tenant_own', 'tenant_own'],
    ['zh-cn', 'script', 'recording_notice', '录音提示'],
  ] as const)('translateAnalysisCode(%s, %s, %s)', (locale, kind, code, expected) => {
    expect(translateAnalysisCode(locale, kind, code)).toBe(expected);
  });

  it.each([
    [0, '0:00'],
    [7.9, '0:07'],
    [245.3, '4:05'],
    [3723, '1:02:03'],
    [-3, '0:00'],
    [Number.NaN, '0:00'],
  ])('formatClock(%d) is %s', (seconds, expected) => {
    expect(formatClock(seconds)).toBe(expected);
  });

  it.each([
    [245.3, 'en', '4 min 5 s'],
    [245.3, 'zh-cn', '4分5秒'],
    [42, 'en', '42 s'],
    [42, 'zh-cn', '42秒'],
    [3723, 'en', '1 h 2 min'],
    [3723, 'zh-cn', '1小时2分'],
  ] as const)('formatDurationWords(%d, %s) is %s', (seconds, locale, expected) => {
    expect(formatDurationWords(seconds, locale)).toBe(expected);
  });

  it('formats dates per locale', () => {
    const en = formatDateTime('2026-11-02T09:15:00.000Z', 'en', 'UTC');
    const zh = formatDateTime('2026-11-02T09:15:00.000Z', 'zh-cn', 'UTC');
    expect(en).toContain('Nov');
    expect(en).toContain('09:15');
    expect(zh).toContain('2026年11月2日');
    expect(zh).toContain('09:15');
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
  });

  it.each([
    ['zh-CN', 'zh-cn'],
    ['zh-cn', 'zh-cn'],
    ['zh_TW', 'zh-cn'],
    ['zh', 'zh-cn'],
    ['en-US', 'en'],
    ['fr', 'en'],
    ['zhx', 'en'],
    [undefined, 'en'],
  ] as const)('resolveLocale(%s) is %s', (tag, expected) => {
    expect(resolveLocale(tag)).toBe(expected);
  });
});
