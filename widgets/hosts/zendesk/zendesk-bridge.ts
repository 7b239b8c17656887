import { HostError } from '../../core/host-error';
import type { HostBridge, HostContext, HostCustomer, Locale } from '../../core/host-bridge';
import { createListenerSet, resolveLocale } from '../../core/host-bridge';
import type { ZendeskAppSession } from '../../../core/api/zendesk-app.api';
import { isPlaceOf } from '../shared/location-registry';
import type { ZafClient } from './zaf-client.port';
import { toZendeskLocation, ZENDESK_LOCATIONS } from './zendesk-locations';

/** A session is not handed out when it has less than this left: the hub would refuse it mid-request. */
export const SESSION_MARGIN_MS = 10_000;

/** Zendesk event fired when the ticket's requester changes (ticket sidebar). */
export const REQUESTER_CHANGED_EVENT = 'ticket.requester.id.changed';

/** Resolves on the client's `app.registered` event; subscribe right after `ZAFClient.init()`. */
export function waitForRegistration(client: ZafClient): Promise<void> {
  return new Promise((resolve) => client.on('app.registered', () => resolve()));
}

/** Where in Zendesk the app is shown: Zendesk-only facts that stay in this folder. */
export interface ZendeskPlace {
  /** Full location name, e.g. `support.ticket_sidebar` (a key of ZENDESK_LOCATIONS when known). */
  readonly location: string;
  /** The signed-in Zendesk user's language. */
  readonly locale: Locale;
  readonly subdomain?: string;
  /** The open ticket, in `support.ticket_sidebar`. */
  readonly ticketId?: string;
}

/** Reads the app's location, the user's language, the account and the ticket, once `registered` has resolved. */
export async function readZendeskPlace(client: ZafClient, registered: Promise<void>): Promise<ZendeskPlace> {
  return (await readPlaceAndUser(client, registered)).place;
}

async function readPlaceAndUser(
  client: ZafClient,
  registered: Promise<void>,
): Promise<{ place: ZendeskPlace; currentUser: Record<string, unknown> | undefined }> {
  await registered;
  const [zafContext, currentUser] = await Promise.all([client.context(), readObject(client, 'currentUser')]);
  const subdomain = zafContext.account?.subdomain;
  const ticketId = zafContext.ticketId;
  const product = typeof zafContext.product === 'string' && zafContext.product !== '' ? zafContext.product : undefined;
  const place: ZendeskPlace = {
    location: toZendeskLocation(zafContext.location, product),
    locale: resolveLocale(typeof currentUser?.locale === 'string' ? currentUser.locale : undefined),
    ...(typeof subdomain === 'string' && subdomain !== '' ? { subdomain } : {}),
    ...(ticketId === undefined || ticketId === null ? {} : { ticketId: String(ticketId) }),
  };
  return { place, currentUser };
}

/**
 * A HostBridge over the ZAF client. Context comes from the location the app is shown in (the user in the
 * user sidebar, the ticket's requester in the ticket sidebar, no customer in the nav bar); the hub session is
 * the one the hub embedded in the page after verifying Zendesk's signed page request (`session`, read by
 * readEmbeddedSession; nothing the page itself writes can ask for another). `fetchToken` hands it out while it
 * has more than SESSION_MARGIN_MS left; after that, or when the page carries none, it fails with
 * `UNAUTHENTICATED` / `SESSION_FAILED`: a new session comes only with a new signed request, i.e. reopening the app.
 * Customer changes are Zendesk's `ticket.requester.id.changed` events, subscribed once per bridge.
 */
export function createZendeskBridge(client: ZafClient, registered: Promise<void>, session: ZendeskAppSession | null, now: () => number = Date.now): HostBridge {
  const customerChanged = createListenerSet();
  let subscribed = false;
  return {
    async context() {
      const { place, currentUser } = await readPlaceAndUser(client, registered);
      if (!isPlaceOf(ZENDESK_LOCATIONS, place.location)) {
        throw new HostError('LOCATION_UNSUPPORTED', 0, `Callsight has no view for the Zendesk location "${place.location}"`);
      }
      const kind = ZENDESK_LOCATIONS[place.location].kind;
      const context: HostContext = {
        locale: place.locale,
        location: kind,
        customer: await readCustomer(client, place.location),
        user: {
          ...(currentUser?.id === undefined || currentUser.id === null ? {} : { id: String(currentUser.id) }),
          ...(typeof currentUser?.name === 'string' && currentUser.name !== '' ? { name: currentUser.name } : {}),
        },
      };
      return context;
    },

    resize(heightPx) {
      client.invoke('resize', { width: '100%', height: `${Math.max(0, Math.ceil(heightPx))}px` }).catch(() => {
        // A refused resize only leaves the frame at its previous height; there is nothing to recover.
      });
    },

    async fetchToken() {
      if (session === null) {
        throw new HostError('SESSION_FAILED', 0, 'The page carries no Callsight session: open the app from Zendesk (the hub serves its page)');
      }
      if (Date.parse(session.expiresAt) - now() <= SESSION_MARGIN_MS) {
        throw new HostError('UNAUTHENTICATED', 401, 'The Callsight session has ended: reopen the app in Zendesk to sign in again');
      }
      return { token: session.token, hubUrl: session.hubUrl };
    },

    onCustomerChanged(listener) {
      if (!subscribed) {
        subscribed = true;
        client.on(REQUESTER_CHANGED_EVENT, () => customerChanged.emit());
      }
      return customerChanged.subscribe(listener);
    },
  };
}

async function readObject(client: ZafClient, path: string): Promise<Record<string, unknown> | undefined> {
  const answer = await client.get(path);
  const value = answer[path];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

async function readCustomer(client: ZafClient, location: string): Promise<HostCustomer> {
  const path = location === 'support.ticket_sidebar' ? 'ticket.requester' : location === 'support.user_sidebar' ? 'user' : null;
  if (path === null) return {};
  const user = await readObject(client, path);
  if (user === undefined) return {};
  const phone = readPhone(user);
  return {
    ...(phone === undefined ? {} : { phone }),
    ...(user.id === undefined || user.id === null ? {} : { id: String(user.id) }),
    ...(typeof user.name === 'string' && user.name !== '' ? { name: user.name } : {}),
  };
}

/** The user's `phone`, else their primary (then first) `phone_number` identity. */
function readPhone(user: Record<string, unknown>): string | undefined {
  if (typeof user.phone === 'string' && user.phone.trim() !== '') return user.phone.trim();
  const identities = Array.isArray(user.identities) ? (user.identities as unknown[]) : [];
  const phones = identities.filter(
    (identity): identity is { type: string; value: string; primary?: boolean } =>
      typeof identity === 'object' &&
      identity !== null &&
      (identity as { type?: unknown }).type === 'phone_number' &&
      typeof (identity as { value?: unknown }).value === 'string',
  );
  const chosen = phones.find((identity) => identity.primary === true) ?? phones[0];
  return chosen?.value.trim() || undefined;
}
