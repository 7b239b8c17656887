import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * SOSL reserved characters, escaped with a backslash inside the FIND clause:
 * `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -`
 * (SOQL and SOSL Reference, "FIND {SearchQuery}" and "Example Text Searches":
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_find.htm).
 */
const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** A search term safe to put inside `FIND {...}`: every reserved character escaped, then double-quoted as a phrase. */
export function quoteSoslTerm(term: string): string {
  const cleaned = term.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (cleaned === '') throw new Error('quoteSoslTerm needs a non-empty term');
  return `"${cleaned.replace(SOSL_RESERVED, (c) => `\\${c}`)}"`;
}

/** The phone fields a lookup reads on each object (standard fields; all searched by `IN PHONE FIELDS`). */
export const PHONE_FIELDS = {
  Contact: ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'],
  Account: ['Phone'],
  Lead: ['Phone', 'MobilePhone'],
} as const;

export type CustomerObject = keyof typeof PHONE_FIELDS;

/**
 * The digit strings under which a number may be stored: with its country code (E.164 without "+") and, when the
 * number parses, its national significant number (a CRM filled by local staff often holds "138 1234 5678").
 */
export function phoneSearchDigits(e164: string): string[] {
  const full = e164.replace(/\D/g, '');
  const national = parsePhoneNumberFromString(e164)?.nationalNumber;
  return national !== undefined && national !== full && national.length >= 6 ? [full, String(national)] : [full];
}

/** Whether a stored phone value is the number: same digits, with or without the country code or a trunk "0". */
export function phoneMatches(stored: unknown, e164: string): boolean {
  if (typeof stored !== 'string') return false;
  const digits = stored.replace(/\D/g, '');
  if (digits.length < 6) return false;
  const variants = phoneSearchDigits(e164);
  return variants.some((v) => v === digits || (digits.startsWith('00') && digits.slice(2) === v) || (digits.startsWith('0') && digits.slice(1) === v));
}

/**
 * `FIND {"8613812345678" OR "13812345678" OR ...} IN PHONE FIELDS RETURNING Contact(...), Account(...), Lead(...)`
 * for several numbers at once. Terms come from `phoneSearchDigits` and pass through `quoteSoslTerm`; field lists
 * are API names checked by the connection resolver, never user data.
 */
export function buildPhoneSearch(
  e164s: readonly string[],
  returning: { readonly Contact: readonly string[]; readonly Account: readonly string[]; readonly Lead: readonly string[] },
): string {
  const terms = [...new Set(e164s.flatMap(phoneSearchDigits))].map(quoteSoslTerm);
  if (terms.length === 0) throw new Error('buildPhoneSearch needs at least one number');
  const objects = (['Contact', 'Account', 'Lead'] as const).map((object) => `${object}(${[...new Set(returning[object])].join(', ')})`);
  return `FIND {${terms.join(' OR ')}} IN PHONE FIELDS RETURNING ${objects.join(', ')}`;
}
