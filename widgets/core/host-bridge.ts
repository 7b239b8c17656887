/**
 * The only door between a widget and the page hosting it (Zendesk iframe, Salesforce LWC, demo page).
 * A widget receives one HostBridge and nothing else: no host SDK, no global, no token storage. Everything
 * here is host-neutral; what only one host knows (a Zendesk subdomain or ticket id, a Salesforce record
 * type) stays inside that host's folder under widgets/hosts/.
 */

/** UI languages the widgets ship strings for. */
export type Locale = 'en' | 'zh-cn';

/**
 * What kind of place the widget is shown in, whatever the host calls it:
 * `customer-record` (Zendesk user sidebar, a Salesforce Contact or Account page),
 * `case-record` (Zendesk ticket sidebar, a Salesforce Case page; the customer is the requester / contact),
 * `workspace` (a page of its own with no customer: Zendesk nav bar, a Salesforce app page or tab).
 */
export type LocationKind = 'customer-record' | 'case-record' | 'workspace';

/** The customer the host is showing; every field is optional because hosts know different things. */
export interface HostCustomer {
  /** As the host stores it (ideally E.164); the hub normalises before matching. */
  readonly phone?: string;
  /** The host's own id of the customer record (Zendesk user id, Salesforce Contact id); opaque to widgets. */
  readonly id?: string;
  readonly name?: string;
}

/** The person using the host, for display only: what they may see is decided by the hub from their session. */
export interface HostUser {
  /** The host's own id of the user; opaque to widgets. */
  readonly id?: string;
  readonly name?: string;
}

export interface HostContext {
  /** The UI language, from the host user's settings. */
  readonly locale: Locale;
  readonly location: LocationKind;
  /** Empty (`{}`) where the location shows no customer (`workspace`) or the host record has none. */
  readonly customer: HostCustomer;
  readonly user?: HostUser;
}

/** A hub session token and the hub base URL (no trailing slash) it is valid for. */
export interface HubSession {
  readonly token: string;
  readonly hubUrl: string;
}

/** Stops a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

export interface HostBridge {
  /**
   * Resolves with what the host shows now (a later call after a customer change gives the new customer);
   * rejects when the host cannot tell (e.g. not inside Zendesk).
   */
  context(): Promise<HostContext>;
  /** Asks the host to give the widget this much height (CSS pixels). Never throws. */
  resize(heightPx: number): void;
  /** A fresh hub session; called again after a 401, so it must not return a cached token it knows is stale. */
  fetchToken(): Promise<HubSession>;
  /**
   * Calls `listener` each time the host starts showing another customer in the same place (a ticket's
   * requester is changed, the demo's customer picker). The widget stays mounted and calls `context()` again
   * for the new customer. Hosts whose customer never changes return an Unsubscribe that does nothing.
   */
  onCustomerChanged(listener: () => void): Unsubscribe;
}

/** Maps any host locale tag (`zh-CN`, `zh-Hans`, `en-US`, `zh_TW`...) to a shipped UI locale. */
export function resolveLocale(tag: string | null | undefined): Locale {
  return typeof tag === 'string' && /^zh(?:[-_]|$)/i.test(tag.trim()) ? 'zh-cn' : 'en';
}

/**
 * A set of listeners for one host event, for bridges to build `onCustomerChanged` on. `emit` calls every
 * listener subscribed at that moment; a listener that throws does not stop the others, and its error is
 * rethrown asynchronously so it reaches the page's error reporting instead of vanishing.
 */
export function createListenerSet(): { subscribe(listener: () => void): Unsubscribe; emit(): void; readonly size: number } {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      const entry = () => listener();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit() {
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}
