import type { LocationKind } from '../../core/host-bridge';
import type { LocationEntry, LocationRegistry } from '../shared/location-registry';

/** Zendesk locations the app knows (ZAF names, with the product prefix). */
export type ZendeskLocation = 'support.user_sidebar' | 'support.ticket_sidebar' | 'support.nav_bar';

/** A Zendesk location's feature and the host-neutral kind of place it is. */
export interface ZendeskLocationEntry extends LocationEntry {
  readonly kind: LocationKind;
}

/**
 * What the one iframe page mounts in each Zendesk location; the nav bar opens the workspace shell (full page)
 * with a tab per feature of the reader's role. A test checks that every manifest location mounts a feature.
 */
export const ZENDESK_LOCATIONS: LocationRegistry<ZendeskLocation, ZendeskLocationEntry> = {
  'support.user_sidebar': { kind: 'customer-record', feature: 'call-history' },
  'support.ticket_sidebar': { kind: 'case-record', feature: 'qa-review' },
  'support.nav_bar': { kind: 'workspace', feature: 'workspace' },
};

/** ZAF reports `user_sidebar`, `ticket_sidebar`...: the full name carries the `support.` product prefix. */
export function toZendeskLocation(zafLocation: string | undefined, product = 'support'): string {
  const location = zafLocation ?? '';
  return location === '' || location.includes('.') ? location : `${product}.${location}`;
}
