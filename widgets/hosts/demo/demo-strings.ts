import type { Locale } from '../../core/host-bridge';
import type { DemoRole } from './demo-bridge';

const strings = {
  en: {
    title: 'Callsight demo',
    intro: 'The Callsight app as it appears in the Zendesk user sidebar, on demo data. Switch role to see what each may hear.',
    role: 'Role',
    customer: 'Customer',
    language: 'Language',
    agentId: 'Agent id',
    loadingCustomers: 'Loading demo customers…',
    customersFailed: 'The demo customers could not be loaded.',
    noCustomers: 'The hub has no demo customers. Run `callsight seed` first.',
    apps: 'Apps',
    profile: 'Customer profile',
    phone: 'Phone',
    sidebar: 'Zendesk user sidebar (mock)',
    salesforceDemo: 'Salesforce demo',
  },
  'zh-cn': {
    title: 'Callsight 演示',
    intro: 'Callsight 应用在 Zendesk 用户侧边栏中的样子，使用演示数据。切换角色即可看到各角色可收听的内容。',
    role: '角色',
    customer: '客户',
    language: '语言',
    agentId: '坐席编号',
    loadingCustomers: '正在加载演示客户…',
    customersFailed: '无法加载演示客户。',
    noCustomers: '服务中没有演示客户，请先运行 `callsight seed`。',
    apps: '应用',
    profile: '客户资料',
    phone: '电话',
    sidebar: 'Zendesk 用户侧边栏（模拟）',
    salesforceDemo: 'Salesforce 演示',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type DemoMessageKey = keyof (typeof strings)['en'];

const roleNames: Record<Locale, Record<DemoRole, string>> = {
  en: { agent: 'Agent', qa: 'QA reviewer', manager: 'Manager', admin: 'Admin', auditor: 'Auditor' },
  'zh-cn': { agent: '坐席', qa: '质检员', manager: '主管', admin: '管理员', auditor: '审计员' },
};

export function demoText(locale: Locale, key: DemoMessageKey): string {
  return strings[locale][key];
}

export function roleName(locale: Locale, role: DemoRole): string {
  return roleNames[locale][role];
}
