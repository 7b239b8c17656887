import * as z from 'zod/mini';
import { ZENDESK_APP_SESSION_ELEMENT_ID, zendeskAppSessionSchema, type ZendeskAppSession } from '../../../core/api/zendesk-app.api';

/**
 * The hub session the hub embedded in the page it served for Zendesk's signed request (a JSON data block,
 * `#callsight-session`), or null when the page has none or it is not in the contract's shape. The block is
 * removed once read, so later code on the page cannot pick the token up from the DOM.
 */
export function readEmbeddedSession(doc: Document): ZendeskAppSession | null {
  const element = doc.getElementById(ZENDESK_APP_SESSION_ELEMENT_ID);
  if (element === null) return null;
  element.remove();
  let value: unknown;
  try {
    value = JSON.parse(element.textContent ?? '');
  } catch {
    return null;
  }
  const parsed = z.safeParse(zendeskAppSessionSchema, value);
  return parsed.success ? parsed.data : null;
}
