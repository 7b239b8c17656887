import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

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
