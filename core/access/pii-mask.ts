/**
 * Masking of personal data for readers whose role sees it masked (MASKED_ROLES in access.policy.ts).
 * Masking is for display; it never replaces access control.
 */

// E.164 country calling codes are prefix-free: 1 and 7 are the only one-digit codes, these are the two-digit
// ones, and every other code has three digits (ITU-T E.164 assigned list).
const TWO_DIGIT_COUNTRY_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
  '86', '90', '91', '92', '93', '94', '95', '98',
]);

const E164 = /^\+[1-9]\d{6,14}$/;

/** Splits an E.164 number into its country calling code and national number; null when it is not E.164. */
export function splitE164(e164: string): { countryCode: string; national: string } | null {
  if (!E164.test(e164)) return null;
  const digits = e164.slice(1);
  const ccLength = digits[0] === '1' || digits[0] === '7' ? 1 : TWO_DIGIT_COUNTRY_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  return { countryCode: digits.slice(0, ccLength), national: digits.slice(ccLength) };
}

/**
 * Masks a phone number for display: `+8613812345678` becomes `+86 138****5678`. National numbers of 10 or more
 * digits keep the first 3 and last 4; 8-9 digits keep the last 4; shorter ones keep the last 2, so at least
 * 3 digits (and at least half of short numbers) are always hidden. Input that is not E.164 is masked whole
 * (`****`), so a malformed value never leaks; null stays null.
 */
export function maskPhone(e164: string | null): string | null {
  if (e164 === null) return null;
  const parts = splitE164(e164.trim());
  if (parts === null) return '****';
  const { countryCode, national } = parts;
  const n = national.length;
  if (n >= 10) return `+${countryCode} ${national.slice(0, 3)}${'*'.repeat(n - 7)}${national.slice(-4)}`;
  if (n >= 8) return `+${countryCode} ${'*'.repeat(n - 4)}${national.slice(-4)}`;
  return `+${countryCode} ${'*'.repeat(n - 2)}${national.slice(-2)}`;
}

export type PiiKind = 'EMAIL' | 'ID' | 'CARD' | 'PHONE' | 'NUMBER';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A run of digits (ASCII or full-width) that may be broken by spaces, hyphens or dots, as ASR and agents write them.
const DIGIT_RUN = /\+?[0-9０-９](?:[0-9０-９]|[ \-.](?=[0-9０-９])){5,}[0-9０-９Xx]?/g;
// Spoken digits in Chinese transcripts ("幺三八..."), where ASR writes numbers as characters.
const CJK_DIGIT_RUN = /[零〇一二三四五六七八九幺两]{7,}/g;

function toAsciiDigits(text: string): string {
  return text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[^0-9Xx]/g, '');
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const DATE_LIKE = /^\d{4}[-.]\d{1,2}[-.]\d{1,2}$/;

function classifyDigits(raw: string): PiiKind | null {
  if (DATE_LIKE.test(raw)) return null;
  const digits = toAsciiDigits(raw);
  const plain = digits.replace(/[Xx]/g, '');
  if (/^\d{17}[\dXx]$/.test(digits)) return 'ID';
  if (/[Xx]/.test(digits)) return plain.length >= 7 ? 'NUMBER' : null;
  if (plain.length >= 13 && plain.length <= 19 && passesLuhn(plain)) return 'CARD';
  if (plain.length >= 7 && plain.length <= 15) return 'PHONE';
  if (plain.length > 15) return 'NUMBER';
  return null;
}

/**
 * Redacts personal data in free text (transcripts, notes): e-mail addresses, Chinese resident ID numbers,
 * card numbers (13-19 digits passing Luhn), phone numbers (7-15 digits, separators allowed) and long runs of
 * spoken Chinese digits, each replaced by a bracketed kind such as `[PHONE]`. Runs shorter than 7 digits
 * (amounts, times) and dates written YYYY-MM-DD are kept.
 */
export function redactPii(text: string): string {
  return text
    .replace(EMAIL, '[EMAIL]')
    .replace(DIGIT_RUN, (run) => {
      const kind = classifyDigits(run);
      return kind === null ? run : `[${kind}]`;
    })
    .replace(CJK_DIGIT_RUN, '[NUMBER]');
}
