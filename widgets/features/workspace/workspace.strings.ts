import type { Locale } from '../../core/host-bridge';

const en = {
  title: 'Callsight',
  tabs: 'Callsight workspace',
  loading: 'Loading…',
  failed: 'The workspace could not be opened.',
  retry: 'Try again',
  nothing: 'Callsight has no workspace page for your role yet.',
  loadFailed: 'This page could not be loaded. Check your connection and reload.',
} as const;

const zh: Record<keyof typeof en, string> = {
  title: 'Callsight',
  tabs: 'Callsight 工作台',
  loading: '正在加载…',
  failed: '无法打开工作台。',
  retry: '重试',
  nothing: 'Callsight 暂时没有适合您角色的工作台页面。',
  loadFailed: '无法加载此页面，请检查网络后重新加载。',
};

/** A message of the workspace shell; both languages have every key. */
export function workspaceText(locale: Locale, key: keyof typeof en): string {
  return locale === 'zh-cn' ? zh[key] : en[key];
}
