import type { HostBridge, HostContext, HubSession, Locale, LocationKind } from '../../core/host-bridge';
import { createListenerSet } from '../../core/host-bridge';
import { errorCode } from '../../core/host-error';
import { requestDemoSession } from './demo-bridge';

/** Roles the Salesforce demo lets a visitor switch between, after the package's permission sets (the hub decides what each may see). */
export const SALESFORCE_DEMO_ROLES = ['agent', 'qa', 'manager', 'admin'] as const;
export type SalesforceDemoRole = (typeof SALESFORCE_DEMO_ROLES)[number];

/** What an LWC reads from its record page (`@wire(getRecord)`): the record, and the customer it belongs to. */
export interface DemoRecordContext {
  /** A record page, or `workspace` for the Callsight app page, which shows no record. */
  readonly location: LocationKind;
  /** The Contact shown, or the Case's contact; empty on the app page. */
  readonly customer: { readonly id?: string; readonly phone?: string; readonly name?: string };
}

/** A toast as `ShowToastEvent` carries it (`lightning/platformShowToastEvent`). */
export interface SalesforceToast {
  readonly title: string;
  readonly message: string;
  readonly variant: 'info' | 'success' | 'warning' | 'error';
}

/** A record page reference as `NavigationMixin.Navigate` takes it (`standard__recordPage`). */
export interface RecordPageReference {
  readonly type: 'standard__recordPage';
  readonly attributes: { readonly recordId: string; readonly objectApiName: 'Contact' | 'Case'; readonly actionName: 'view' };
}

export interface SalesforceDemoBridgeOptions {
  readonly role: SalesforceDemoRole;
  readonly agentId?: string;
  readonly locale: Locale;
  readonly record: DemoRecordContext;
  /** Shows a toast on the page, as the LWC's ShowToastEvent would. */
  readonly onToast: (toast: SalesforceToast) => void;
  /** The toast for a session the hub refused, from the error's stable code (never the error's text). */
  readonly sessionFailedToast: (code: string) => SalesforceToast;
  /** Opens a record in the page, as NavigationMixin would (no document load). */
  readonly onNavigate: (reference: RecordPageReference) => void;
  /** Same-origin base of the demo routes; defaults to the page origin. */
  readonly origin?: string;
  readonly fetch?: typeof fetch;
}

/** The demo's stand-in for an LWC's bridge: a HostBridge plus what the LWC gets from Lightning. */
export interface SalesforceDemoBridge extends HostBridge {
  /** The record page now shows another record; customer-changed listeners run when its customer differs. */
  showRecord(record: DemoRecordContext): void;
  showToast(toast: SalesforceToast): void;
  navigate(reference: RecordPageReference): void;
}

/**
 * A HostBridge playing the part of a Callsight LWC on a Lightning record page of the `/demo/salesforce` page:
 * the record context comes from the page (a demo customer as a Contact, or the Case of one), the session from
 * the demo's `POST /demo/token` for the chosen role where the LWC would call Apex, resize is a no-op (a record
 * page grows with its components), a refused session becomes an error toast before the widget sees the
 * error, and navigation stays inside the page. The same bridge serves every component of one page.
 */
export function createSalesforceDemoBridge(options: SalesforceDemoBridgeOptions): SalesforceDemoBridge {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const origin = options.origin ?? globalThis.location.origin;
  const customerChanged = createListenerSet();
  let record = options.record;
  return {
    context(): Promise<HostContext> {
      const { id, phone, name } = record.customer;
      const customer = Object.fromEntries(Object.entries({ id, phone, name }).filter(([, value]) => value !== undefined && value !== ''));
      return Promise.resolve({ locale: options.locale, location: record.location, customer });
    },
    resize() {},
    async fetchToken(): Promise<HubSession> {
      try {
        return await requestDemoSession({ role: options.role, agentId: options.agentId, origin, fetch: fetchImpl });
      } catch (error) {
        options.onToast(options.sessionFailedToast(errorCode(error, 'SESSION_FAILED')));
        throw error;
      }
    },
    onCustomerChanged(listener) {
      return customerChanged.subscribe(listener);
    },
    showRecord(next) {
      const changed = next.customer.id !== record.customer.id || next.customer.phone !== record.customer.phone;
      record = next;
      if (changed) customerChanged.emit();
    },
    showToast(toast) {
      options.onToast(toast);
    },
    navigate(reference) {
      options.onNavigate(reference);
    },
  };
}
