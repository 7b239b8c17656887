import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { CallsightError } from '../shared/errors';

/**
 * Normalises a phone number written in any common form ("138 1234 5678", "+86-138...", "(415) 555-0100")
 * to E.164. Numbers without a country code are read in `defaultRegion`. Returns null when the text is not a
 * valid number, so callers decide whether that is an error.
 */
export function normalizePhone(text: string, defaultRegion: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** The region read for numbers written without a country code when a tenant names none. */
export const DEFAULT_PHONE_REGION = 'CN';

/**
 * A customer phone number given as a search or selection filter, in E.164, read in the tenant's default
 * region (DEFAULT_PHONE_REGION when the tenant has none). Throws VALIDATION_FAILED (`<field>: not a valid phone
 * number`, never echoing the number) when it is not one.
 */
export function phoneFilter(text: string, tenant: { readonly defaultRegion?: string | null } | null, field = 'customerPhone'): string {
  const e164 = normalizePhone(text, tenant?.defaultRegion || DEFAULT_PHONE_REGION);
  if (!e164) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${field}: not a valid phone number`);
  return e164;
}
