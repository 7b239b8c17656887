/**
 * The only door between a widget and the page hosting it (Zendesk iframe, Salesforce LWC, demo page).
 * A widget receives one HostBridge and nothing else: no host SDK, no global, no token storage.
 */

/** UI languages the widgets ship strings for. */
export type Locale = 'en' | 'zh-cn';

/** The customer the host is showing; every field is optional because hosts know different things. */
export interface HostCustomer {
  /** As the host stores it (ideally E.164); the hub normalises before matching. */
  readonly phone?: string;
  readonly zendeskUserId?: string;
  readonly name?: string;
}

export interface HostContext {
  readonly locale: Locale;
  /** Host location name, e.g. `support.user_sidebar`, `support.ticket_sidebar`, `demo`. */
  readonly location: string;
  readonly customer: HostCustomer;
  readonly ticketId?: string;
}

/** A hub session token and the hub base URL (no trailing slash) it is valid for. */
export interface HubSession {
  readonly token: string;
  readonly hubUrl: string;
}

export interface HostBridge {
  /** Resolves once the host knows who is shown; rejects when the host cannot tell (e.g. not inside Zendesk). */
  context(): Promise<HostContext>;
  /** Asks the host to give the widget this much height (CSS pixels). Never throws. */
  resize(heightPx: number): void;
  /** A fresh hub session; called again after a 401, so it must not return a cached token it knows is stale. */
  fetchToken(): Promise<HubSession>;
}

/** Maps any host locale tag (`zh-CN`, `zh-Hans`, `en-US`, `zh_TW`...) to a shipped UI locale. */
export function resolveLocale(tag: string | null | undefined): Locale {
  return typeof tag === 'string' && /^zh(?:[-_]|$)/i.test(tag.trim()) ? 'zh-cn' : 'en';
}
