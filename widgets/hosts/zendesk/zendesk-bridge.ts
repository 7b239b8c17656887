import { HostError } from '../../core/host-error';
import type { HostBridge, HostContext, HostCustomer, HubSession, Locale } from '../../core/host-bridge';
import { createListenerSet, resolveLocale } from '../../core/host-bridge';
import { isPlaceOf } from '../shared/location-registry';
import type { ZafClient, ZafRequestOptions } from './zaf-client.port';
import { toZendeskLocation, ZENDESK_LOCATIONS } from './zendesk-locations';

/** Installation setting holding the hub's base URL (manifest parameter `hub_url`). */
export const HUB_URL_SETTING = 'hub_url';
/** Hub route that swaps a Zendesk-signed JWT for a hub session (docs/api.md). */
export const SESSION_PATH = '/api/v1/session/zendesk';
/** `aud` claim the hub expects in the Zendesk-signed JWT. */
export const JWT_AUDIENCE = 'callsight';
/** Lifetime of the Zendesk-signed JWT: it is spent at once on the session exchange. */
export const JWT_EXPIRY_S = 60;

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
 * user sidebar, the ticket's requester in the ticket sidebar, no customer in the nav bar); the hub session
 * comes from `POST {hub_url}/api/v1/session/zendesk` sent through Zendesk's proxy with a JWT that Zendesk
 * signs with the installation's secure `shared_secret` (the secret never reaches the browser). Customer
 * changes are Zendesk's `ticket.requester.id.changed` events, subscribed once per bridge.
 */
export function createZendeskBridge(client: ZafClient, registered: Promise<void>): HostBridge {
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
      await registered;
      const [metadata, zafContext, currentUser] = await Promise.all([client.metadata(), client.context(), readObject(client, 'currentUser')]);
      const hubUrl = normaliseHubUrl(metadata.settings?.[HUB_URL_SETTING]);
      const subdomain = zafContext.account?.subdomain;
      if (typeof subdomain !== 'string' || subdomain === '') {
        throw new HostError('SESSION_FAILED', 0, 'Zendesk did not report the account subdomain');
      }
      const claims: Record<string, string> = { iss: subdomain, aud: JWT_AUDIENCE };
      if (currentUser?.id !== undefined) claims.sub = String(currentUser.id);
      if (currentUser?.role !== undefined) claims.role = String(currentUser.role);
      let answer: unknown;
      try {
        answer = await client.request(buildSessionRequest(hubUrl, claims));
      } catch (failure) {
        throw toSessionError(failure);
      }
      return parseSession(answer, hubUrl);
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

/** The exact `client.request` options for the session exchange (exported for tests and the docs). */
export function buildSessionRequest(hubUrl: string, claims: Record<string, string>): ZafRequestOptions {
  return {
    url: `${hubUrl}${SESSION_PATH}`,
    type: 'POST',
    secure: true,
    cors: false,
    contentType: 'application/json',
    dataType: 'json',
    data: '{}',
    headers: { Authorization: 'Bearer {{jwt.token}}' },
    jwt: { algorithm: 'HS256', secret_key: '{{setting.shared_secret}}', expiry: JWT_EXPIRY_S, claims },
  };
}

/**
 * Accepts `https://host[:port][/path]` (and `http://localhost` for local trials); returns it without a
 * trailing slash. Anything else is a configuration mistake reported with how to fix it.
 */
export function normaliseHubUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new HostError('SESSION_FAILED', 0, 'The app setting hub_url is empty: set it in Zendesk Admin Center > Apps > Callsight');
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new HostError('SESSION_FAILED', 0, 'The app setting hub_url is not a URL: use the form https://callsight.example.com');
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new HostError('SESSION_FAILED', 0, 'The app setting hub_url must use https');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
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

function parseSession(answer: unknown, hubUrl: string): HubSession {
  const body = typeof answer === 'string' ? safeParse(answer) : answer;
  const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new HostError('BAD_RESPONSE', 200, 'The hub session answer has no token');
  }
  return { token, hubUrl };
}

/** ZAF rejects `client.request` with the XHR-like `{status, responseJSON?, responseText?}`. */
function toSessionError(failure: unknown): HostError {
  const record = typeof failure === 'object' && failure !== null ? (failure as Record<string, unknown>) : {};
  const status = typeof record.status === 'number' ? record.status : 0;
  const body = record.responseJSON ?? (typeof record.responseText === 'string' ? safeParse(record.responseText) : undefined);
  const hubError = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown } }).error : undefined;
  const code =
    typeof hubError?.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(hubError.code)
      ? hubError.code
      : status === 0
        ? 'NETWORK'
        : status === 401 || status === 403
          ? 'SESSION_FAILED'
          : status === 429
            ? 'RATE_LIMITED'
            : 'UPSTREAM_FAILED';
  return new HostError(code, status, `The hub refused the Zendesk session exchange with ${status} ${code}`, { cause: failure });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
