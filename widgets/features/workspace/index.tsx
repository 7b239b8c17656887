import type { WidgetFeature } from '../feature';
import { Workspace } from './workspace';
import styles from './workspace.css?inline';

export { Workspace } from './workspace';
export type { WorkspaceProps } from './workspace';
export { WORKSPACE_TABS, tabsForRole, type WorkspaceTab } from './workspace-tabs';

/** The full-page app shell with a tab per feature the reader's role uses (Zendesk nav bar). */
export const workspaceFeature: WidgetFeature = {
  id: 'workspace',
  View: Workspace,
  styles,
};
