import type { Locale } from '../../core/host-bridge';
import type { DemoRole } from './demo-bridge';

const strings = {
  en: {
    title: 'Callsight demo',
    intro: 'The Callsight app as it appears in Zendesk, on demo data. Switch role, location and width to see what each user gets.',
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
    location: 'Location',
    userSidebar: 'User sidebar',
    ticketSidebar: 'Ticket sidebar',
    navBar: 'Nav bar',
    width: 'Width',
    widthSidebar: 'Sidebar (320 px)',
    widthFull: 'Full width',
    ticketSidebarFrame: 'Zendesk ticket sidebar (mock)',
    navBarFrame: 'Zendesk nav bar app (mock)',
    ticket: 'Ticket',
    ticketSubject: 'Question about a recent call',
    requester: 'Requester',
  },
  'zh-cn': {
    title: 'Callsight 演示',
    intro: 'Callsight 应用在 Zendesk 中的样子，使用演示数据。切换角色、位置和宽度，即可看到各类用户看到的内容。',
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
    location: '位置',
    userSidebar: '用户侧边栏',
    ticketSidebar: '工单侧边栏',
    navBar: '导航栏',
    width: '宽度',
    widthSidebar: '侧边栏（320 像素）',
    widthFull: '全宽',
    ticketSidebarFrame: 'Zendesk 工单侧边栏（模拟）',
    navBarFrame: 'Zendesk 导航栏应用（模拟）',
    ticket: '工单',
    ticketSubject: '关于最近一次通话的问题',
    requester: '请求者',
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
