/**
 * Reads the shared sentiment data (never copied into the repository) into labelled texts, each
 * tagged with its domain. Used by the trainer and by bench/emotion.bench.ts, so both see the same
 * rows and the same domains.
 *
 * Domains (leave-one-domain-out holds out one at a time):
 * - zh: the ten product categories of online_shopping_10_cats, where the hotel category and the
 *   ChnSentiCorp hotel reviews form one domain `hotels` (5,573 of the 7,766 ChnSentiCorp reviews
 *   are also in the shopping set; holding out only one of them would leak the other), plus
 *   `weibo` (SMP2020-EWECT);
 * - en: the six airlines of the airline tweets (the only English source: a held-out airline is a
 *   weaker domain shift than a held-out product category, and the report says so).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldKeepingSpaces } from '../../core/analysis/text/normalize';
import type { EmotionLabel } from '../../core/analysis/emotion/emotion.model';

export interface LabelledText {
  readonly source: string;
  readonly domain: string;
  readonly language: 'zh' | 'en';
  readonly text: string;
  readonly label: EmotionLabel;
  /** Weakly labelled rows: used for fitting only, never held out or measured. */
  readonly trainOnly?: boolean;
}

/**
 * Weak neutral labels (Chinese): the agent turns of the JDDC customer-service chat sample
 * (dialogues/zh-jddc-chat-sample.tsv, unlabelled), read as "neutral" because service agents speak
 * in a matter-of-fact register. They teach the model that service talk without opinion is not
 * negative, which reviews (all opinionated) never show. Masked spans ([订单x]) are removed; turns
 * under 6 characters are dropped. Domain `cs-agent-chat`, train-only.
 */
export function readWeakNeutral(dialoguesFile: string, limit: number): LabelledText[] {
  const out: LabelledText[] = [];
  const seen = new Set<string>();
  for (const line of readFileSync(dialoguesFile, 'utf8').split('\n')) {
    const cols = line.split('\t');
    if (cols.length < 7 || cols[2] !== '1') continue;
    const text = cols.slice(6).join(' ').replace(/\[[^\]]{1,12}\]/gu, ' ').replace(/\s+/gu, ' ').trim();
    const key = foldKeepingSpaces(text);
    if (key.replace(/ /gu, '').length < 6 || seen.has(key)) continue;
    seen.add(key);
    out.push({ source: 'zh-jddc-chat-sample (agent turns)', domain: 'cs-agent-chat', language: 'zh', text, label: 'neutral', trainOnly: true });
    if (out.length >= limit) break;
  }
  return out;
}

/** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"') {
        if (content[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const SMP_MAP: Record<string, EmotionLabel> = {
  happy: 'positive',
  angry: 'negative',
  sad: 'negative',
  fear: 'negative',
  neutral: 'neutral',
  surprise: 'neutral',
};

const SHOPPING_DOMAINS: Record<string, string> = {
  书籍: 'books',
  平板: 'tablets',
  手机: 'phones',
  水果: 'fruit',
  洗发水: 'shampoo',
  热水器: 'water-heaters',
  蒙牛: 'dairy',
  衣服: 'clothing',
  计算机: 'computers',
  酒店: 'hotels',
};

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/gu, '-');

/**
 * Loads every labelled source, de-duplicated on folded text within each domain (a text labelled
 * in two sources of one domain is kept once, first source wins). Rows are in file order.
 */
export function readEmotionDataset(dir: string): LabelledText[] {
  const out: LabelledText[] = [];
  const seen = new Map<string, Set<string>>();
  const push = (source: string, domain: string, language: 'zh' | 'en', text: string, label: EmotionLabel) => {
    const clean = text.replace(/^\uFEFF/u, '').trim();
    const key = foldKeepingSpaces(clean);
    if (key.length === 0) return;
    const set = seen.get(domain) ?? new Set<string>();
    seen.set(domain, set);
    if (set.has(key)) return;
    set.add(key);
    out.push({ source, domain, language, text: clean, label });
  };

  const shopping = parseCsv(readFileSync(join(dir, 'zh-online-shopping-10cats.csv'), 'utf8'));
  for (const [cat, label, review] of shopping.slice(1)) {
    const domain = SHOPPING_DOMAINS[cat ?? ''];
    if (review === undefined || domain === undefined || (label !== '0' && label !== '1')) continue;
    push('zh-online-shopping-10cats', domain, 'zh', review, label === '1' ? 'positive' : 'negative');
  }

  const hotel = parseCsv(readFileSync(join(dir, 'zh-chnsenticorp-hotel.csv'), 'utf8'));
  const hotelHeader = hotel[0] ?? [];
  const hotelLabel = hotelHeader.findIndex((h) => h.replace(/^\uFEFF/u, '') === 'label');
  const hotelText = hotelHeader.indexOf('review');
  for (const row of hotel.slice(1)) {
    const label = row[hotelLabel];
    const text = row[hotelText];
    if (text === undefined || (label !== '0' && label !== '1')) continue;
    push('zh-chnsenticorp-hotel', 'hotels', 'zh', text, label === '1' ? 'positive' : 'negative');
  }

  const smp = JSON.parse(readFileSync(join(dir, 'zh-smp2020-ewect-usual-eval.json'), 'utf8')) as Array<{
    content: string;
    label: string;
  }>;
  for (const row of smp) {
    const label = SMP_MAP[row.label];
    if (label) push('zh-smp2020-ewect', 'weibo', 'zh', row.content, label);
  }

  const airline = parseCsv(readFileSync(join(dir, 'en-airline-tweets-dev.csv'), 'utf8'));
  const header = airline[0] ?? [];
  const textAt = header.indexOf('text');
  const labelAt = header.indexOf('airline_sentiment');
  const airlineAt = header.indexOf('airline');
  for (const row of airline.slice(1)) {
    const label = row[labelAt];
    const text = row[textAt];
    const name = row[airlineAt];
    if (text === undefined || !name || (label !== 'negative' && label !== 'neutral' && label !== 'positive')) continue;
    push('en-airline-tweets', `airline-${slug(name)}`, 'en', text, label);
  }
  return out;
}

/** Domains of one language that are measured (train-only domains excluded), in a fixed (sorted) order. */
export function domainsOf(rows: readonly LabelledText[], language: 'zh' | 'en'): string[] {
  return [...new Set(rows.filter((r) => r.language === language && !r.trainOnly).map((r) => r.domain))].sort();
}
