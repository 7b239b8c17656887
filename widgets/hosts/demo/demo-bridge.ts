import { HostError } from '../../core/host-error';
import type { HostBridge, HubSession, Locale, LocationKind } from '../../core/host-bridge';
import { createListenerSet } from '../../core/host-bridge';

/** Roles the demo lets a visitor switch between (the hub decides what each may see). */
import { DEMO_ROLES, type DemoRole } from '../../../core/api/demo.api';

export { DEMO_ROLES, type DemoRole };

export interface DemoCustomer {
  readonly phone: string;
  readonly name: string;
}

export interface DemoBridgeOptions {
  readonly role: DemoRole;
  readonly agentId?: string;
  /** The customer shown first; showCustomer changes it. */
  readonly customer: DemoCustomer | null;
  readonly locale: Locale;
  /** The kind of Zendesk place the demo frames (user sidebar, ticket sidebar, nav bar); default `customer-record`. */
  readonly location?: LocationKind;
  readonly resize: (heightPx: number) => void;
  /** Same-origin base of the demo routes; defaults to the page origin. */
  readonly origin?: string;
  readonly fetch?: typeof fetch;
}

/** The demo page's bridge: a HostBridge plus the customer picker's way in. */
export interface DemoBridge extends HostBridge {
  /** Shows another customer: later context() calls return it, and customer-changed listeners run (not for the same phone). */
  showCustomer(customer: DemoCustomer | null): void;
}

/**
 * A HostBridge for the hub's `/demo` page, standing in for a Zendesk location (user sidebar, ticket sidebar, or the
 * nav bar, which shows no customer): the customer and language come from the page's pickers, the session from `POST /demo/token {role, agentId?}` on the same
 * origin (a demo-only route of the hub).
 */
export function createDemoBridge(options: DemoBridgeOptions): DemoBridge {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const origin = options.origin ?? globalThis.location.origin;
  const customerChanged = createListenerSet();
  let customer = options.customer;
  return {
    context() {
      return Promise.resolve({
        locale: options.locale,
        location: options.location ?? 'customer-record',
        customer: customer === null || options.location === 'workspace' ? {} : { phone: customer.phone, name: customer.name },
      });
    },
    resize(heightPx) {
      options.resize(heightPx);
    },
    fetchToken(): Promise<HubSession> {
      return requestDemoSession({ role: options.role, agentId: options.agentId, origin, fetch: fetchImpl });
    },
    onCustomerChanged(listener) {
      return customerChanged.subscribe(listener);
    },
    showCustomer(next) {
      if (next?.phone === customer?.phone && next?.name === customer?.name) return;
      customer = next;
      customerChanged.emit();
    },
  };
}

/**
 * A hub session from the demo's `POST /demo/token {role, agentId?}` on `origin`. The role is passed as given:
 * the hub decides which roles a demo visitor may take and answers others with its error code (a HostError
 * carrying it, e.g. VALIDATION_FAILED). BAD_RESPONSE when the answer has no token; NETWORK when nothing answered.
 */
export async function requestDemoSession(options: {
  readonly role: string;
  readonly agentId?: string | undefined;
  readonly origin: string;
  readonly fetch: typeof fetch;
}): Promise<HubSession> {
  const body = options.agentId === undefined ? { role: options.role } : { role: options.role, agentId: options.agentId };
  const response = await postJson(options.fetch, `${options.origin}/demo/token`, body);
  const token = (response as { token?: unknown }).token;
  const hubUrl = (response as { hubUrl?: unknown }).hubUrl;
  if (typeof token !== 'string' || token === '') {
    throw new HostError('BAD_RESPONSE', 200, 'POST /demo/token answered without a token');
  }
  return { token, hubUrl: typeof hubUrl === 'string' && hubUrl !== '' ? hubUrl : options.origin };
}

/** The demo customers from `GET /demo/customers`, in the hub's order. */
export async function fetchDemoCustomers(options: { origin?: string; fetch?: typeof fetch } = {}): Promise<DemoCustomer[]> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const origin = options.origin ?? globalThis.location.origin;
  let response: Response;
  try {
    response = await fetchImpl(`${origin}/demo/customers`, { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new HostError('NETWORK', 0, 'The hub did not answer GET /demo/customers', { cause: error });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok || !Array.isArray(body)) {
    throw new HostError(response.ok ? 'BAD_RESPONSE' : 'UPSTREAM_FAILED', response.status, `GET /demo/customers answered ${response.status}`);
  }
  return body.filter(
    (item): item is DemoCustomer =>
      typeof item === 'object' && item !== null && typeof (item as DemoCustomer).phone === 'string' && typeof (item as DemoCustomer).name === 'string',
  );
}

async function postJson(fetchImpl: typeof fetch, url: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new HostError('NETWORK', 0, 'The hub did not answer POST /demo/token', { cause: error });
  }
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const code = (answer as { error?: { code?: unknown } } | null)?.error?.code;
    throw new HostError(typeof code === 'string' ? code : 'UPSTREAM_FAILED', response.status, `POST /demo/token answered ${response.status}`);
  }
  return answer;
}
