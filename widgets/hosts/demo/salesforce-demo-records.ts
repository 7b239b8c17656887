import type { Locale } from '../../core/host-bridge';
import type { DemoCustomer } from './demo-bridge';

/** A demo customer as a Salesforce Contact. */
export interface DemoContact {
  /** An 18-character id with Contact's key prefix `003`. */
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly accountName: string;
  readonly title: Readonly<Record<Locale, string>>;
}

/** A Case of a demo Contact. */
export interface DemoCase {
  /** An 18-character id with Case's key prefix `500`. */
  readonly id: string;
  readonly caseNumber: string;
  readonly contactId: string;
  readonly subject: Readonly<Record<Locale, string>>;
  readonly status: Readonly<Record<Locale, string>>;
  readonly priority: Readonly<Record<Locale, string>>;
  readonly origin: Readonly<Record<Locale, string>>;
}

export interface DemoRecords {
  readonly contacts: readonly DemoContact[];
  readonly cases: readonly DemoCase[];
}

const ACCOUNTS = ['Acme Retail', '星辰电商', 'Northwind Finance', '蓝海教育'] as const;
const TITLES: readonly Record<Locale, string>[] = [
  { en: 'Customer', 'zh-cn': '客户' },
  { en: 'Premium customer', 'zh-cn': '高价值客户' },
];
const SUBJECTS: readonly Record<Locale, string>[] = [
  { en: 'Refund request', 'zh-cn': '退款申请' },
  { en: 'Delivery delay', 'zh-cn': '物流延迟' },
  { en: 'Billing question', 'zh-cn': '账单疑问' },
  { en: 'Complaint about service', 'zh-cn': '服务投诉' },
];
const STATUSES: readonly Record<Locale, string>[] = [
  { en: 'Working', 'zh-cn': '处理中' },
  { en: 'Escalated', 'zh-cn': '已升级' },
  { en: 'New', 'zh-cn': '新建' },
];
const PRIORITIES: readonly Record<Locale, string>[] = [
  { en: 'High', 'zh-cn': '高' },
  { en: 'Medium', 'zh-cn': '中' },
];
const PHONE_ORIGIN: Record<Locale, string> = { en: 'Phone', 'zh-cn': '电话' };

/** A Salesforce-looking 18-character id: key prefix, a fixed pod part, the number, padding. */
function recordId(prefix: string, n: number): string {
  return `${prefix}Dm0000${String(n).padStart(6, '0')}AAA`;
}

/**
 * The demo's Salesforce records, derived only from the hub's demo customers and their order: one Contact per
 * customer (same name and phone) with one or two Cases, so the same customer list always gives the same ids.
 */
export function buildDemoRecords(customers: readonly DemoCustomer[]): DemoRecords {
  const contacts: DemoContact[] = [];
  const cases: DemoCase[] = [];
  customers.forEach((customer, index) => {
    const contact: DemoContact = {
      id: recordId('003', index + 1),
      name: customer.name,
      phone: customer.phone,
      accountName: ACCOUNTS[index % ACCOUNTS.length]!,
      title: TITLES[index % TITLES.length]!,
    };
    contacts.push(contact);
    const count = index % 3 === 0 ? 2 : 1;
    for (let k = 0; k < count; k += 1) {
      const n = cases.length;
      cases.push({
        id: recordId('500', n + 1),
        caseNumber: String(1026 + n).padStart(8, '0'),
        contactId: contact.id,
        subject: SUBJECTS[(index + k) % SUBJECTS.length]!,
        status: STATUSES[(index + k) % STATUSES.length]!,
        priority: PRIORITIES[(index + k) % PRIORITIES.length]!,
        origin: PHONE_ORIGIN,
      });
    }
  });
  return { contacts, cases };
}
