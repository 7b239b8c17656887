/**
 * Call detail records of on-premises PBXs, read from the files the PBX appends to, in the column orders their
 * documentation gives:
 * - Asterisk cdr_csv (`/var/log/asterisk/cdr-csv/Master.csv`): accountcode, src, dst, dcontext, clid, channel,
 *   dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, uniqueid, userfield
 *   (Asterisk doc/README.cdr "Fields of the CDR in Asterisk", with uniqueid and userfield appended when cdr.conf's
 *   [csv] section sets loguniqueid=yes and loguserfield=yes;
 *   https://docs.asterisk.org/Configuration/Reporting/Call-Detail-Records-CDR/CDR-Variables/ names each field).
 * - Asterisk cdr_custom (`cdr-custom/Master.csv`): any list of CDR fields, given as the mapping's column list
 *   (configs/samples/cdr_custom.conf.sample: `${CSV_QUOTE(${CDR(clid)})},${CSV_QUOTE(${CDR(src)})},...`).
 * - FreeSWITCH mod_cdr_csv (`log/cdr-csv/Master.csv`): the module's default template caller_id_name,
 *   caller_id_number, destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
 *   hangup_cause, uuid, bleg_uuid, accountcode (src/mod/event_handlers/mod_cdr_csv/mod_cdr_csv.c `default_template`;
 *   https://developer.signalwire.com/freeswitch/FreeSWITCH-Explained/Modules/mod_cdr_csv_6587322), or any template's
 *   variable list.
 * - FreeSWITCH mod_json_cdr (`log-dir`/json_cdr/<uuid>.cdr.json or a_<uuid>.cdr.json): one JSON document per call
 *   leg whose `variables` hold uuid, start_stamp/start_epoch, caller_id_number, destination_number, ... URL-encoded
 *   when encode-values is true (https://developer.signalwire.com/freeswitch/FreeSWITCH-Explained/Modules/mod_json_cdr_4653124).
 */

/** The PBXs whose drop folders the watcher reads; also the `provider` of the calls it stores. */
export type PbxKind = 'asterisk' | 'freeswitch';

/** One CDR row, whatever file it came from; text fields are as the PBX wrote them ('' when empty). */
export interface PbxCdr {
  readonly pbx: PbxKind;
  /** Asterisk `uniqueid`, FreeSWITCH `uuid`: what recordings are named by. */
  readonly uniqueId: string;
  /** ISO-8601 UTC, or null when the row's start time is missing or unreadable. */
  readonly startedAt: string | null;
  readonly answeredAt: string | null;
  /** Caller number (Asterisk src, FreeSWITCH caller_id_number). */
  readonly src: string;
  /** Dialled number or extension (Asterisk dst, FreeSWITCH destination_number). */
  readonly dst: string;
  readonly context: string;
  readonly channel: string;
  readonly dstChannel: string;
  readonly lastApp: string;
  readonly lastData: string;
  /** ANSWERED, NO ANSWER, BUSY, FAILED (Asterisk) or the hangup cause (FreeSWITCH NORMAL_CLEARING, ...). */
  readonly disposition: string;
  readonly billsec: number | null;
  /** A queue named by the PBX (FreeSWITCH cc_queue / callcenter_queue_name, Asterisk Queue() application). */
  readonly queue: string | null;
  /** FreeSWITCH's own `direction` of the leg (inbound/outbound), when the record has it. */
  readonly pbxDirection: string | null;
}

/** How a CDR row's local date-time text ("2026-12-07 08:15:03") is placed in time: an offset such as `+08:00`. */
export interface CdrTimeOptions {
  /** UTC offset of the PBX's CDR clock; `+00:00` when cdr.conf sets usegmtime=yes. */
  readonly utcOffset: string;
}

/** Asterisk cdr_csv's fixed column order (README.cdr), uniqueid and userfield logged. */
export const ASTERISK_MASTER_COLUMNS = [
  'accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata',
  'start', 'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags', 'uniqueid', 'userfield',
] as const;

/** FreeSWITCH mod_cdr_csv's default template (mod_cdr_csv.c `default_template`). */
export const FREESWITCH_DEFAULT_COLUMNS = [
  'caller_id_name', 'caller_id_number', 'destination_number', 'context', 'start_stamp', 'answer_stamp',
  'end_stamp', 'duration', 'billsec', 'hangup_cause', 'uuid', 'bleg_uuid', 'accountcode',
] as const;

type Field = 'uniqueId' | 'start' | 'startEpoch' | 'answer' | 'answerEpoch' | 'src' | 'dst' | 'context' | 'channel' | 'dstChannel' | 'lastApp' | 'lastData' | 'disposition' | 'billsec' | 'queue' | 'direction';

/** Asterisk CDR() names and FreeSWITCH channel variables, onto one record. Unknown columns are ignored. */
const FIELD_OF: Readonly<Record<string, Field>> = {
  uniqueid: 'uniqueId', uuid: 'uniqueId',
  start: 'start', calldate: 'start', start_stamp: 'start', start_epoch: 'startEpoch',
  answer: 'answer', answer_stamp: 'answer', answer_epoch: 'answerEpoch',
  src: 'src', caller_id_number: 'src', ani: 'src',
  dst: 'dst', destination_number: 'dst',
  dcontext: 'context', context: 'context',
  channel: 'channel', channel_name: 'channel',
  dstchannel: 'dstChannel', bridge_channel: 'dstChannel', last_bridge_to: 'dstChannel',
  lastapp: 'lastApp', last_app: 'lastApp',
  lastdata: 'lastData', last_arg: 'lastData',
  disposition: 'disposition', hangup_cause: 'disposition',
  billsec: 'billsec',
  cc_queue: 'queue', callcenter_queue_name: 'queue', queue: 'queue',
  direction: 'direction',
};

/** Why a row was not turned into a CDR: counted by the watcher, never logged with its content. */
export type CdrRowProblem = 'no_unique_id' | 'too_few_columns';

/** Reads a column list given on the command line (`clid,src,dst,...`), accepting `${CDR(src)}` as `src`. */
export function parseColumnList(text: string): string[] {
  const columns = text.split(',').map((c) => c.trim().replace(/^\$\{CSV_QUOTE\(/i, '').replace(/^\$\{CDR\((\w+)\)\}.*$/i, '$1').replace(/^\$\{(\w+)\}$/, '$1').replace(/\)\}$/, '').toLowerCase());
  if (columns.length === 0 || columns.some((c) => c === '')) throw new Error('The CDR column list has an empty column name');
  if (!columns.some((c) => FIELD_OF[c] === 'uniqueId')) throw new Error('The CDR column list must include uniqueid (Asterisk) or uuid (FreeSWITCH): recordings are joined by it');
  return columns;
}

/**
 * Turns one CSV row into a CDR under `columns`; a problem when the row has no unique id or is shorter than the
 * column that holds it (a row written under another template).
 */
export function cdrFromRow(pbx: PbxKind, columns: readonly string[], row: readonly string[], time: CdrTimeOptions): PbxCdr | CdrRowProblem {
  const values: Partial<Record<Field, string>> = {};
  columns.forEach((column, index) => {
    const field = FIELD_OF[column];
    const value = row[index];
    if (field && value !== undefined && values[field] === undefined) values[field] = value;
  });
  const idColumn = columns.findIndex((c) => FIELD_OF[c] === 'uniqueId');
  if (row.length <= idColumn) return 'too_few_columns';
  return cdrOf(pbx, values, time);
}

/**
 * Reads one mod_json_cdr document: `variables` (values URL-decoded when FreeSWITCH encoded them), falling back to
 * `callflow[0].caller_profile` for the numbers. Null when it is not a CDR with a uuid.
 */
export function cdrFromJson(document: unknown, time: CdrTimeOptions): PbxCdr | CdrRowProblem {
  if (typeof document !== 'object' || document === null) return 'no_unique_id';
  const doc = document as { variables?: Record<string, unknown>; callflow?: unknown };
  const variables = doc.variables ?? {};
  const values: Partial<Record<Field, string>> = {};
  for (const [name, raw] of Object.entries(variables)) {
    const field = FIELD_OF[name.toLowerCase()];
    if (!field || values[field] !== undefined || (typeof raw !== 'string' && typeof raw !== 'number')) continue;
    values[field] = decodeValue(String(raw));
  }
  const flow = Array.isArray(doc.callflow) ? doc.callflow[0] : doc.callflow;
  const profile = (flow as { caller_profile?: Record<string, unknown> } | undefined)?.caller_profile;
  if (profile) {
    if (values.src === undefined && typeof profile.caller_id_number === 'string') values.src = decodeValue(profile.caller_id_number);
    if (values.dst === undefined && typeof profile.destination_number === 'string') values.dst = decodeValue(profile.destination_number);
    if (values.uniqueId === undefined && typeof profile.uuid === 'string') values.uniqueId = decodeValue(profile.uuid);
  }
  return cdrOf('freeswitch', values, time);
}

function decodeValue(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function cdrOf(pbx: PbxKind, v: Partial<Record<Field, string>>, time: CdrTimeOptions): PbxCdr | CdrRowProblem {
  const uniqueId = (v.uniqueId ?? '').trim();
  if (uniqueId === '') return 'no_unique_id';
  const queueFromApp = (v.lastApp ?? '').toLowerCase() === 'queue' ? (v.lastData ?? '').split(/[,|]/)[0]?.trim() || null : null;
  const billsec = Number(v.billsec);
  return {
    pbx,
    uniqueId,
    startedAt: instantOf(v.startEpoch, v.start, time),
    answeredAt: instantOf(v.answerEpoch, v.answer, time),
    src: (v.src ?? '').trim(),
    dst: (v.dst ?? '').trim(),
    context: v.context ?? '',
    channel: v.channel ?? '',
    dstChannel: v.dstChannel ?? '',
    lastApp: v.lastApp ?? '',
    lastData: v.lastData ?? '',
    disposition: (v.disposition ?? '').trim(),
    billsec: v.billsec !== undefined && v.billsec.trim() !== '' && Number.isFinite(billsec) ? billsec : null,
    queue: (v.queue ?? '').trim() || queueFromApp,
    pbxDirection: (v.direction ?? '').trim().toLowerCase() || null,
  };
}

/** An epoch (seconds) wins over a local date-time; either unreadable gives null. */
function instantOf(epoch: string | undefined, stamp: string | undefined, time: CdrTimeOptions): string | null {
  if (epoch !== undefined && /^\d{9,11}$/.test(epoch.trim()) && Number(epoch) > 0) return new Date(Number(epoch) * 1000).toISOString();
  if (stamp === undefined) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(stamp.trim());
  if (!match) return null;
  const offset = match[8] ? (match[8] === 'Z' ? '+00:00' : match[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : time.utcOffset;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${match[7] ?? ''}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The complete rows of a CSV chunk read from `offset` of a file being appended to: RFC 4180 quoting (a quote inside
 * a quoted field doubled, commas and line breaks inside quotes kept). `consumed` is the number of bytes up to and
 * including the last line break outside quotes, so that a partial last line is read again, whole, next time.
 * Works on bytes: `"`, `,` and line feeds are single bytes in UTF-8, Latin-1 and GB18030 alike, so the split never
 * falls inside a character.
 */
export function completeCsvRows(bytes: Uint8Array, decode: (bytes: Uint8Array) => string): { rows: string[][]; consumed: number } {
  let inQuotes = false;
  let lastBreak = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) inQuotes = !inQuotes;
    else if (b === 0x0a && !inQuotes) lastBreak = i;
  }
  if (lastBreak < 0) return { rows: [], consumed: 0 };
  const text = decode(bytes.subarray(0, lastBreak + 1)).replace(/^\uFEFF/, '');
  return { rows: parseCsv(text), consumed: lastBreak + 1 };
}

/** Parses complete CSV text into rows; blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (row.length > 0 || fieldStarted || field.trim() !== '') {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      fieldStarted = false;
    } else if (c === ' ' && !fieldStarted && field === '') {
      // FreeSWITCH's default template writes `", "${accountcode}"`: a space before an opening quote is not data.
      if (text[i + 1] !== '"') field += c;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (row.length > 0 || fieldStarted || field !== '') {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * A decoder for CDR bytes: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else `fallback` (GB18030 by
 * default: Chinese caller names written by a PBX configured for the local code page).
 */
export function cdrDecoder(fallback = 'gb18030'): (bytes: Uint8Array) => string {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const other = new TextDecoder(fallback);
  return (bytes) => {
    try {
      return utf8.decode(bytes);
    } catch {
      return other.decode(bytes);
    }
  };
}
