/**
 * Reads the shared sentiment data (never copied into the repository) into labelled texts with a
 * deterministic split. Used by the trainer and by bench/emotion.bench.ts, so both see the same
 * held-out rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashString } from '../../core/shared/clock.port';
import { foldKeepingSpaces } from '../../core/analysis/text/normalize';
import type { EmotionLabel } from '../../core/analysis/emotion/emotion.model';

export type SplitName = 'train' | 'validation' | 'test';

export interface LabelledText {
  readonly source: string;
  readonly language: 'zh' | 'en';
  readonly text: string;
  readonly label: EmotionLabel;
  readonly split: SplitName;
}

/** Seed of the split; changing it changes which rows are held out. */
export const SPLIT_SEED = 'callsight-emotion-split-v1';

/** test = hash % 100 < 20, validation < 30, train otherwise; identical texts always share a split. */
export function splitOf(text: string): SplitName {
  const bucket = hashString(`${SPLIT_SEED}:${foldKeepingSpaces(text)}`) % 100;
  return bucket < 20 ? 'test' : bucket < 30 ? 'validation' : 'train';
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

/** Loads the three labelled sources, de-duplicated per source, with their split. */
export function readEmotionDataset(dir: string): LabelledText[] {
  const out: LabelledText[] = [];
  const push = (source: string, language: 'zh' | 'en', text: string, label: EmotionLabel, seen: Set<string>) => {
    const clean = text.replace(/^\uFEFF/u, '').trim();
    const key = foldKeepingSpaces(clean);
    if (key.length === 0 || seen.has(key)) return;
    seen.add(key);
    out.push({ source, language, text: clean, label, split: splitOf(clean) });
  };

  const shopping = parseCsv(readFileSync(join(dir, 'zh-online-shopping-10cats.csv'), 'utf8'));
  const seenShopping = new Set<string>();
  for (const [, label, review] of shopping.slice(1)) {
    if (review === undefined || (label !== '0' && label !== '1')) continue;
    push('zh-online-shopping-10cats', 'zh', review, label === '1' ? 'positive' : 'negative', seenShopping);
  }

  const smp = JSON.parse(readFileSync(join(dir, 'zh-smp2020-ewect-usual-eval.json'), 'utf8')) as Array<{
    content: string;
    label: string;
  }>;
  const seenSmp = new Set<string>();
  for (const row of smp) {
    const label = SMP_MAP[row.label];
    if (label) push('zh-smp2020-ewect', 'zh', row.content, label, seenSmp);
  }

  const airline = parseCsv(readFileSync(join(dir, 'en-airline-tweets-dev.csv'), 'utf8'));
  const header = airline[0] ?? [];
  const textAt = header.indexOf('text');
  const labelAt = header.indexOf('airline_sentiment');
  const seenAirline = new Set<string>();
  for (const row of airline.slice(1)) {
    const label = row[labelAt];
    const text = row[textAt];
    if (text === undefined || (label !== 'negative' && label !== 'neutral' && label !== 'positive')) continue;
    push('en-airline-tweets', 'en', text, label, seenAirline);
  }
  return out;
}
