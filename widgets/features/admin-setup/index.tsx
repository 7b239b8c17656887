import type { WidgetFeature } from '../feature';
import { AdminSetup } from './admin-setup';
import styles from './admin-setup.css?inline';

export { AdminSetup } from './admin-setup';
export type { AdminSetupProps } from './admin-setup';

/** The admin setup workspace (Zendesk nav bar "Admin" tab, Salesforce setup component `callsightAdminSetup`). */
export const adminSetupFeature: WidgetFeature = {
  id: 'admin-setup',
  View: AdminSetup,
  styles,
};
