import type { CrmCallRecord } from '../../../core/crm/crm-adapter.port';
import type { NoteLocale } from './zendesk.config';
import { labelAnalysisCode } from '../../../core/analysis/analysis.labels';

const STRINGS = {
  en: {
    inbound: 'Inbound call',
    outbound: 'Outbound call',
    agent: 'Agent',
    inquiry: 'Inquiry',
    risk: 'Risk',
    flags: 'Flags',
    score: 'QA score',
    open: 'Open in Callsight',
    none: 'none',
  },
  'zh-CN': {
    inbound: '呼入通话',
    outbound: '呼出通话',
    agent: '坐席',
    inquiry: '咨询类型',
    risk: '风险',
    flags: '标记',
    score: '质检得分',
    open: '在 Callsight 中打开',
    none: '无',
  },
} as const satisfies Record<NoteLocale, Record<string, string>>;

/**
 * The language-neutral line every note carries; finding it on a ticket proves the note for that call
 * was already posted. Call ids are plain tokens, so the marker reads the same in `body` and `html_body`.
 */
export function buildNoteMarker(hubCallId: string): string {
  return `Callsight ref: ${hubCallId}`;
}

/** `2026-11-02 09:15 UTC`. */
export function formatStartedAt(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `4:05`, `1:02:03`. */
export function formatDuration(durationS: number): string {
  const total = Math.round(durationS);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Display name of the call record (the custom object's mandatory `name`). */
export function buildRecordName(call: CrmCallRecord, locale: NoteLocale): string {
  const t = STRINGS[locale];
  return `${call.direction === 'inbound' ? t.inbound : t.outbound} ${formatStartedAt(call.startedAt)} · ${formatDuration(call.durationS)}`;
}

/**
 * The internal note's HTML: a summary of the call, its risk and flags once analysed (labelled in the note's language
 * from core/analysis/analysis.labels.ts; a code without a label is shown as it is), and a link that opens the
 * app inside Zendesk (the only link; no audio URL, no transcript). Every value is HTML-escaped.
 */
export function renderCallNoteHtml(call: CrmCallRecord, locale: NoteLocale): string {
  const t = STRINGS[locale];
  const summary = [
    `<strong>${escapeHtml(buildRecordName(call, locale))}</strong>`,
    call.agentName === null ? null : `${t.agent}: ${escapeHtml(call.agentName)}`,
    call.inquiryType === null ? null : `${t.inquiry}: ${escapeHtml(call.inquiryType)}`,
  ].filter((part) => part !== null);
  const analysed = (call.analysis ?? 'done') === 'done';
  const quality = [
    analysed ? `${t.risk}: ${Math.round(call.risk * 100)}%` : null,
    analysed ? `${t.flags}: ${call.flags.length === 0 ? t.none : call.flags.map((code) => escapeHtml(labelAnalysisCode('flag', code, locale) ?? code)).join(', ')}` : null,
    call.score === undefined || call.score === null ? null : `${t.score}: ${Math.round(call.score)}`,
  ].filter((part) => part !== null);
  return [
    `<p>${summary.join(' · ')}</p>`,
    quality.length === 0 ? null : `<p>${quality.join(' · ')}</p>`,
    call.appLink === null ? null : `<p><a href="${escapeHtml(call.appLink)}">${t.open}</a></p>`,
    `<p>${escapeHtml(buildNoteMarker(call.hubCallId))}</p>`,
  ]
    .filter((part) => part !== null)
    .join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
