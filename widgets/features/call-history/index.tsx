import { render } from 'preact';
import type { HostBridge, Locale } from '../core/host-bridge';
import { CallHistory } from './call-history';
import './call-history.css';

export { CallHistory } from './call-history';
export type { CallHistoryProps } from './call-history';

let mountCount = 0;

export interface MountOptions {
  readonly fallbackLocale?: Locale;
  readonly pageSize?: number;
}

/**
 * Renders the call history into `container` and returns an unmount function. Mounting again into the same
 * container replaces the previous widget (a new customer in the same frame starts from a clean state).
 */
export function mountCallHistory(container: Element, bridge: HostBridge, options: MountOptions = {}): () => void {
  mountCount += 1;
  render(<CallHistory key={mountCount} bridge={bridge} fallbackLocale={options.fallbackLocale} pageSize={options.pageSize} />, container);
  return () => render(null, container);
}
