import { describe, expect, it } from 'vitest';
import { maskPhone, redactPii, splitE164 } from '../../../core/access/pii-mask';

describe('maskPhone', () => {
  it.each([
    ['+8613812345678', '+86 138****5678'],
    ['+14155550100', '+1 415***0100'],
    ['+447911123456', '+44 791***3456'],
    ['+79161234567', '+7 916***4567'],
    ['+886912345678', '+886 *****5678'],
    ['+3531234567', '+353 *****67'],
    ['+85291234567', '+852 ****4567'],
    [' +8613812345678 ', '+86 138****5678'],
    ['13812345678', '****'],
    ['+86 138 1234 5678', '****'],
    ['not a phone', '****'],
  ])('%s -> %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('keeps null as null', () => {
    expect(maskPhone(null)).toBeNull();
  });

  it('never shows more than 7 national digits, and always hides some', () => {
    for (const n of ['+8613812345678', '+85291234567', '+3531234567', '+12025550123']) {
      const masked = maskPhone(n)!;
      const shown = masked.split(' ')[1]!.replace(/\*/g, '');
      const national = splitE164(n)!.national;
      expect(shown.length).toBeLessThanOrEqual(7);
      expect(national.length - shown.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('reads the country code by the E.164 prefix rules', () => {
    expect(splitE164('+8613812345678')).toEqual({ countryCode: '86', national: '13812345678' });
    expect(splitE164('+85291234567')).toEqual({ countryCode: '852', national: '91234567' });
    expect(splitE164('+12025550123')).toEqual({ countryCode: '1', national: '2025550123' });
    expect(splitE164('+0123')).toBeNull();
  });
});

describe('redactPii', () => {
  it.each([
    ['我的手机号是13812345678，谢谢', '我的手机号是[PHONE]，谢谢'],
    ['call me at +1 415-555-0100 please', 'call me at [PHONE] please'],
    ['身份证号11010519491231002X', '身份证号[ID]'],
    ['card 4111 1111 1111 1111 expires', 'card [CARD] expires'],
    ['mail zhang.san@example.com now', 'mail [EMAIL] now'],
    ['号码是幺三八一二三四五六七八', '号码是[NUMBER]'],
    ['订单金额399元，10:30 回电', '订单金额399元，10:30 回电'],
    ['on 2024-01-10 we shipped', 'on 2024-01-10 we shipped'],
    ['全角１３８１２３４５６７８', '全角[PHONE]'],
  ])('%s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it('leaves no 7-digit run in a mixed transcript', () => {
    const text = '客户 13912345678 说卡号 6222020200112233445 和订单 20240110 有问题';
    expect(redactPii(text)).not.toMatch(/\d{7}/);
  });
});
