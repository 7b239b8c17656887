import type { Locale } from './host-bridge';
import { FLAG_LABELS, HIGHLIGHT_KIND_LABELS, labelAnalysisCode, type AnalysisLabel, type AnalysisLabelKind } from '../../core/analysis/analysis.labels';

const en = {
  title: 'Call history',
  loading: 'Loading calls…',
  empty: 'No calls with this customer yet.',
  noPhone: 'This customer has no phone number, so no calls can be matched to them.',
  retry: 'Try again',
  loadMore: 'Load more calls',
  loadingMore: 'Loading…',
  listLabel: 'Calls with {customer}',
  listLabelAnonymous: 'Calls with this customer',
  keyboardHint: 'Arrow keys move through the calls, Enter opens one, Space plays or pauses.',
  inbound: 'Inbound',
  outbound: 'Outbound',
  ivr: 'IVR',
  agentUnknown: 'No agent',
  durationLabel: 'Duration {duration}',
  flagsLabel: 'Flags',
  selectPrompt: 'Select a call to listen to it.',
  playerLabel: 'Recording of the call on {date}',
  preparingAudio: 'Preparing audio…',
  transcript: 'Transcript',
  transcriptLoading: 'Loading transcript…',
  noTranscript: 'No transcript yet.',
  speakerAgent: 'Agent',
  speakerCustomer: 'Customer',
  seekTo: 'Play from {time}',
  highlightLabel: '{kind}: {text}',
  minutesSeconds: '{m} min {s} s',
  hoursMinutes: '{h} h {m} min',
  seconds: '{s} s',
  unsupportedLocation: 'Callsight has nothing to show here yet ({location}).',
} as const;

export type MessageKey = keyof typeof en;

const zhCn: Record<MessageKey, string> = {
  title: '通话记录',
  loading: '正在加载通话…',
  empty: '暂无与该客户的通话。',
  noPhone: '该客户没有电话号码，无法匹配通话。',
  retry: '重试',
  loadMore: '加载更多通话',
  loadingMore: '加载中…',
  listLabel: '与{customer}的通话',
  listLabelAnonymous: '与该客户的通话',
  keyboardHint: '用方向键在通话间移动，回车打开通话，空格播放或暂停。',
  inbound: '呼入',
  outbound: '呼出',
  ivr: '语音机器人',
  agentUnknown: '无坐席',
  durationLabel: '时长 {duration}',
  flagsLabel: '风险标记',
  selectPrompt: '选择一通电话即可收听。',
  playerLabel: '{date}的通话录音',
  preparingAudio: '正在准备音频…',
  transcript: '转写文本',
  transcriptLoading: '正在加载转写文本…',
  noTranscript: '暂无转写文本。',
  speakerAgent: '坐席',
  speakerCustomer: '客户',
  seekTo: '从 {time} 开始播放',
  highlightLabel: '{kind}：{text}',
  minutesSeconds: '{m}分{s}秒',
  hoursMinutes: '{h}小时{m}分',
  seconds: '{s}秒',
  unsupportedLocation: 'Callsight 暂不支持在此处显示（{location}）。',
};

/** Localised explanations for error codes (hub codes and the client's own). */
const errorMessages: Record<Locale, Record<string, string>> = {
  en: {
    UNAUTHENTICATED: 'Your Callsight session has ended. Reload the app to sign in again.',
    SESSION_FAILED: 'Could not sign in to Callsight. Ask your admin to check the hub URL and shared secret in the app settings.',
    FORBIDDEN: 'You do not have access to this.',
    CALL_NOT_FOUND: 'This call no longer exists.',
    NOT_FOUND: 'Not found.',
    RECORDING_GONE: 'This recording was removed under the retention policy.',
    RECORDING_INTEGRITY: 'This recording failed its integrity check. Tell your admin.',
    RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
    NETWORK: 'The Callsight hub cannot be reached. Check your connection or the hub URL in the app settings.',
    BAD_RESPONSE: 'The Callsight hub answered in an unexpected way; it may need an update.',
    UPSTREAM_FAILED: 'The Callsight hub had a problem. Try again later.',
    INTERNAL: 'The Callsight hub had a problem. Try again later.',
    VALIDATION_FAILED: 'The request was not accepted by the hub.',
    AUDIO_FAILED: 'The audio could not be played.',
    HOST_UNAVAILABLE: 'Open this app from a customer or a ticket in Zendesk.',
    FEATURE_LOAD_FAILED: 'Part of the Callsight app could not be loaded. Reload the page; if it keeps failing, tell your admin.',
  },
  'zh-cn': {
    UNAUTHENTICATED: 'Callsight 会话已结束，请重新加载应用后再登录。',
    SESSION_FAILED: '无法登录 Callsight，请联系管理员检查应用设置中的服务地址和共享密钥。',
    FORBIDDEN: '您没有访问权限。',
    CALL_NOT_FOUND: '该通话已不存在。',
    NOT_FOUND: '未找到。',
    RECORDING_GONE: '该录音已按保留策略删除。',
    RECORDING_INTEGRITY: '该录音未通过完整性校验，请告知管理员。',
    RATE_LIMITED: '请求过于频繁，请稍后再试。',
    NETWORK: '无法连接 Callsight 服务，请检查网络或应用设置中的服务地址。',
    BAD_RESPONSE: 'Callsight 服务返回了无法识别的内容，可能需要升级。',
    UPSTREAM_FAILED: 'Callsight 服务出现问题，请稍后再试。',
    INTERNAL: 'Callsight 服务出现问题，请稍后再试。',
    VALIDATION_FAILED: '服务未接受该请求。',
    AUDIO_FAILED: '音频无法播放。',
    HOST_UNAVAILABLE: '请在 Zendesk 的客户或工单页面中打开此应用。',
    FEATURE_LOAD_FAILED: 'Callsight 应用的部分内容无法加载，请重新加载页面；如仍失败，请告知管理员。',
  },
};

const unknownError: Record<Locale, string> = {
  en: 'Something went wrong (code {code}).',
  'zh-cn': '出现错误（代码 {code}）。',
};

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-cn': zhCn };

/** Every message key, for tests that check both catalogs are complete. */
export const messageKeys = Object.keys(en) as MessageKey[];

/** The catalog for a locale; exported so tests can compare catalogs key by key. */
export function getCatalog(locale: Locale): Readonly<Record<MessageKey, string>> {
  return catalogs[locale];
}

/** Looks up a message and fills `{name}` placeholders; a missing variable is left visible as `{name}`. */
export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return fill(catalogs[locale][key], vars);
}

/**
 * The hub's call flags (FlagCode, e.g. `SENSITIVE_WORD`) and transcript highlight kinds (`sensitive`, `pii`) by
 * upper-case code, labelled from the shared table (core/analysis/analysis.labels.ts); a flag wins over a highlight
 * kind of the same name.
 */
const flagLabels: Readonly<Record<string, AnalysisLabel>> = {
  ...Object.fromEntries(Object.entries(HIGHLIGHT_KIND_LABELS).map(([kind, label]) => [kind.toUpperCase(), label])),
  ...FLAG_LABELS,
};

/** A localised label for a flag / highlight kind (any case); unknown codes become readable words (`NEW_FLAG` → `new flag`). */
export function translateFlag(locale: Locale, code: string): string {
  const key = code.toUpperCase();
  const label = Object.prototype.hasOwnProperty.call(flagLabels, key) ? flagLabels[key] : undefined;
  if (label === undefined) return code.toLowerCase().replace(/_+/g, ' ');
  return locale === 'zh-cn' ? label.zh : label.en;
}

/**
 * A localised label for any analysis code of a kind (`demand` ids such as `refund_complex`, `pii` kinds, `script`
 * ids...), from the shared table; codes it does not know (a tenant's own category) are shown as they are.
 */
export function translateAnalysisCode(locale: Locale, kind: AnalysisLabelKind, code: string): string {
  return labelAnalysisCode(kind, code, locale === 'zh-cn' ? 'zh-CN' : 'en') ?? code;
}

/** A localised sentence for an error code; unknown codes still show the code so support can trace it. */
export function translateError(locale: Locale, code: string): string {
  return errorMessages[locale][code] ?? fill(unknownError[locale], { code });
}

/** Codes translateError knows, per locale (for completeness tests). */
export function knownErrorCodes(locale: Locale): string[] {
  return Object.keys(errorMessages[locale]);
}

/** Codes translateFlag knows, per locale (for completeness tests): the same upper-case codes in every locale. */
export function knownFlagCodes(_locale: Locale): string[] {
  return Object.keys(flagLabels);
}

/** BCP 47 tag for Intl APIs. */
export function toLanguageTag(locale: Locale): string {
  return locale === 'zh-cn' ? 'zh-CN' : 'en-GB';
}

/** Date and time of day, e.g. `2 Nov 2026, 09:15` / `2026年11月2日 09:15`; `timeZone` defaults to the browser's. */
export function formatDateTime(iso: string, locale: Locale, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(toLanguageTag(locale), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).format(date);
}

/** Player-style clock: `0:07`, `4:05`, `1:02:03` (same in every locale). Negative or NaN counts as 0. */
export function formatClock(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Spoken-style duration for labels: `4 min 5 s` / `4分5秒`, rounded to whole seconds. */
export function formatDurationWords(seconds: number, locale: Locale): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return translate(locale, 'hoursMinutes', { h, m });
  if (m > 0) return translate(locale, 'minutesSeconds', { m, s });
  return translate(locale, 'seconds', { s });
}

function fill(template: string, vars?: Record<string, string | number>): string {
  if (vars === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
