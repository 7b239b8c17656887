import type { Role } from '../../../core/access/access.policy';
import type { Locale } from '../../core/host-bridge';
import type { FeatureId } from '../feature';

/** One tab of the workspace: the feature it mounts, the roles that see it, and its label in each UI language. */
export interface WorkspaceTab {
  readonly id: string;
  readonly feature: FeatureId;
  readonly roles: readonly Role[];
  readonly label: Readonly<Record<Locale, string>>;
}

/**
 * The workspace's tabs in display order, one line each; a tab's feature loads only when the tab is opened. Roles
 * only choose which tabs are offered: the hub still decides what each reader may see.
 */
export const WORKSPACE_TABS: readonly WorkspaceTab[] = [
  { id: 'insights', feature: 'insights', roles: ['manager', 'admin'], label: { en: 'Insights', 'zh-cn': '质量洞察' } },
  { id: 'my-calls', feature: 'my-calls', roles: ['agent'], label: { en: 'My calls', 'zh-cn': '我的通话' } },
  { id: 'training', feature: 'training', roles: ['agent', 'qa', 'manager', 'admin'], label: { en: 'Training library', 'zh-cn': '培训素材' } },
  { id: 'admin', feature: 'admin-setup', roles: ['admin'], label: { en: 'Admin', 'zh-cn': '管理设置' } },
];

/** The tabs a role is offered, in registry order. */
export function tabsForRole(role: Role, tabs: readonly WorkspaceTab[] = WORKSPACE_TABS): WorkspaceTab[] {
  return tabs.filter((tab) => tab.roles.includes(role));
}
