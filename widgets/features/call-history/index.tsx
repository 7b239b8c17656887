import type { WidgetFeature } from '../feature';
import { CallHistory } from './call-history';
import styles from './call-history.css?inline';

export { CallHistory } from './call-history';
export type { CallHistoryProps } from './call-history';

/** The call history of the customer a host shows (Zendesk user and ticket sidebars, Salesforce record pages). */
export const callHistoryFeature: WidgetFeature = {
  id: 'call-history',
  View: CallHistory,
  styles,
};
