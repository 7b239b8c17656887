import type { Locale } from '../../core/host-bridge';
import type { SalesforceDemoRole } from './salesforce-demo-bridge';

const strings = {
  en: {
    title: 'Callsight demo: Salesforce',
    intro: 'The Callsight components on Lightning record pages, on demo data. Switch role to see what each may hear.',
    controls: 'Demo settings',
    role: 'Role',
    customer: 'Contact',
    language: 'Language',
    page: 'Record page',
    zendeskDemo: 'Zendesk demo',
    appName: 'Service',
    navContacts: 'Contacts',
    navCases: 'Cases',
    contact: 'Contact',
    case: 'Case',
    loadingCustomers: 'Loading demo contacts…',
    customersFailed: 'The demo contacts could not be loaded.',
    noCustomers: 'The hub has no demo customers. Run `callsight seed` first.',
    phone: 'Phone',
    accountName: 'Account Name',
    contactTitle: 'Title',
    contactOwner: 'Contact Owner',
    owner: 'Demo Admin',
    related: 'Related',
    details: 'Details',
    name: 'Name',
    cases: 'Cases ({count})',
    caseNumber: 'Case Number',
    subject: 'Subject',
    status: 'Status',
    priority: 'Priority',
    caseOrigin: 'Case Origin',
    contactName: 'Contact Name',
    callHistoryCard: 'Callsight',
    reviewCard: 'Callsight: QA review',
    staticResourceFailed: 'The Callsight static resource could not be loaded.',
    componentFailed: 'The Callsight component could not start.',
    sessionFailed: 'Callsight could not start a session',
    close: 'Close',
    toastError: 'Error',
    toastWarning: 'Warning',
    toastSuccess: 'Success',
    toastInfo: 'Info',
    signedInAs: 'Viewing as',
  },
  'zh-cn': {
    title: 'Callsight 演示：Salesforce',
    intro: 'Callsight 组件在 Lightning 记录页面上的样子，使用演示数据。切换角色即可看到各角色可收听的内容。',
    controls: '演示设置',
    role: '角色',
    customer: '联系人',
    language: '语言',
    page: '记录页面',
    zendeskDemo: 'Zendesk 演示',
    appName: '服务',
    navContacts: '联系人',
    navCases: '个案',
    contact: '联系人',
    case: '个案',
    loadingCustomers: '正在加载演示联系人…',
    customersFailed: '无法加载演示联系人。',
    noCustomers: '服务中没有演示客户，请先运行 `callsight seed`。',
    phone: '电话',
    accountName: '客户名',
    contactTitle: '职务',
    contactOwner: '联系人所有人',
    owner: '演示管理员',
    related: '相关',
    details: '详细信息',
    name: '姓名',
    cases: '个案（{count}）',
    caseNumber: '个案编号',
    subject: '主题',
    status: '状态',
    priority: '优先级',
    caseOrigin: '个案来源',
    contactName: '联系人姓名',
    callHistoryCard: 'Callsight',
    reviewCard: 'Callsight：质检评审',
    staticResourceFailed: '无法加载 Callsight 静态资源。',
    componentFailed: 'Callsight 组件无法启动。',
    sessionFailed: 'Callsight 无法建立会话',
    close: '关闭',
    toastError: '错误',
    toastWarning: '警告',
    toastSuccess: '成功',
    toastInfo: '信息',
    signedInAs: '当前身份',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type SalesforceDemoMessageKey = keyof (typeof strings)['en'];

const roleNames: Record<Locale, Record<SalesforceDemoRole, string>> = {
  en: { agent: 'Agent', qa: 'QA reviewer', manager: 'Manager', admin: 'Admin' },
  'zh-cn': { agent: '坐席', qa: '质检员', manager: '主管', admin: '管理员' },
};

/** A string of the Salesforce demo page, with `{name}` placeholders filled from `values`. */
export function sfText(locale: Locale, key: SalesforceDemoMessageKey, values: Record<string, string | number> = {}): string {
  return strings[locale][key].replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/** The role's name as the demo's role picker shows it. */
export function sfRoleName(locale: Locale, role: SalesforceDemoRole): string {
  return roleNames[locale][role];
}
