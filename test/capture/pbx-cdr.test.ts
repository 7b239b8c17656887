import { describe, expect, it } from 'vitest';
import {
  ASTERISK_MASTER_COLUMNS,
  FREESWITCH_DEFAULT_COLUMNS,
  callMetadataOf,
  cdrDecoder,
  cdrFromJson,
  cdrFromRow,
  completeCsvRows,
  extensionOfChannel,
  mp3TruncationOf,
  parseColumnList,
  uniqueIdOfRecording,
  type PbxCdr,
} from '../../adapters/telephony/pbx';
import { synthesizeSilentMp3 } from '../support/audio-fixtures';

const UTC = { utcOffset: '+00:00' };
const decode = cdrDecoder();

/** A Master.csv line as Asterisk's cdr_csv writes it: every field quoted, a quote inside a field doubled. */
const ASTERISK_LINE =
  '"","13812345678","1001","from-trunk","""Zhang San"" <13812345678>","PJSIP/trunk-00000001","PJSIP/1001-00000002","Dial","PJSIP/1001,30,tT",' +
  '"2026-12-07 08:15:03","2026-12-07 08:15:07","2026-12-07 08:17:10",127,123,"ANSWERED","DOCUMENTATION","1733559303.42",""\n';

/** FreeSWITCH mod_cdr_csv's default template output (note the space before the last field). */
const FREESWITCH_LINE =
  '"Li Si","1002","+8613812345678","default","2026-12-07 16:15:03","2026-12-07 16:15:05","2026-12-07 16:16:03","60","58","NORMAL_CLEARING","a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d","", ""\n';

function only(cdr: PbxCdr | string): PbxCdr {
  if (typeof cdr === 'string') throw new Error(`expected a CDR, got ${cdr}`);
  return cdr;
}

describe('CDR parsers', () => {
  it('reads an Asterisk Master.csv row in cdr_csv column order, with a doubled quote inside the caller id', () => {
    const { rows, consumed } = completeCsvRows(Buffer.from(ASTERISK_LINE), decode);
    expect(consumed).toBe(Buffer.byteLength(ASTERISK_LINE));
    expect(rows[0]).toHaveLength(18);
    expect(rows[0]?.[4]).toBe('"Zhang San" <13812345678>');
    const cdr = only(cdrFromRow('asterisk', ASTERISK_MASTER_COLUMNS, rows[0]!, UTC));
    expect(cdr).toMatchObject({ uniqueId: '1733559303.42', src: '13812345678', dst: '1001', startedAt: '2026-12-07T08:15:03.000Z', billsec: 123, disposition: 'ANSWERED', dstChannel: 'PJSIP/1001-00000002' });
  });

  it('keeps a partial last line for the next read, and a line break inside quotes does not end a row', () => {
    const quotedBreak = ASTERISK_LINE.replace('"","13812345678"', '"acct\nwith break","13812345678"');
    const text = quotedBreak + ASTERISK_LINE.slice(0, 40);
    const { rows, consumed } = completeCsvRows(Buffer.from(text), decode);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe('acct\nwith break');
    expect(consumed).toBe(Buffer.byteLength(quotedBreak));
    expect(completeCsvRows(Buffer.from(ASTERISK_LINE.slice(0, 40)), decode)).toEqual({ rows: [], consumed: 0 });
  });

  it('reads GB18030 bytes (a PBX on the local code page) and UTF-8 with a BOM alike', () => {
    const gbName = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GB18030
    const line = Buffer.concat([Buffer.from('"","13812345678","1001","from-trunk","'), gbName, Buffer.from(ASTERISK_LINE.slice(ASTERISK_LINE.indexOf('","PJSIP/trunk')))]);
    expect(completeCsvRows(line, decode).rows[0]?.[4]).toBe('张三');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ASTERISK_LINE)]);
    expect(completeCsvRows(bom, decode).rows[0]?.[0]).toBe('');
  });

  it('reads the FreeSWITCH mod_cdr_csv default template and places local times with the configured offset', () => {
    const { rows } = completeCsvRows(Buffer.from(FREESWITCH_LINE), decode);
    const cdr = only(cdrFromRow('freeswitch', FREESWITCH_DEFAULT_COLUMNS, rows[0]!, { utcOffset: '+08:00' }));
    expect(cdr).toMatchObject({ uniqueId: 'a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d', src: '1002', dst: '+8613812345678', startedAt: '2026-12-07T08:15:03.000Z', disposition: 'NORMAL_CLEARING' });
    expect(rows[0]).toHaveLength(13);
    expect(rows[0]?.[12]).toBe('');
  });

  it('reads an Asterisk cdr_custom mapping given as its ${CDR(...)} list, and refuses one without the unique id', () => {
    const columns = parseColumnList('${CSV_QUOTE(${CDR(clid)})},${CSV_QUOTE(${CDR(src)})},${CSV_QUOTE(${CDR(dst)})},${CSV_QUOTE(${CDR(start)})},${CSV_QUOTE(${CDR(uniqueid)})}');
    expect(columns).toEqual(['clid', 'src', 'dst', 'start', 'uniqueid']);
    expect(parseColumnList('src, dst, start, uniqueid')).toEqual(['src', 'dst', 'start', 'uniqueid']);
    const cdr = only(cdrFromRow('asterisk', columns, ['Zhang', '13812345678', '1001', '2026-12-07 08:15:03', '1733559303.7'], UTC));
    expect(cdr.uniqueId).toBe('1733559303.7');
    expect(() => parseColumnList('src,dst,start')).toThrow(/uniqueid/);
    expect(cdrFromRow('asterisk', columns, ['Zhang', '138'], UTC)).toBe('too_few_columns');
    expect(cdrFromRow('asterisk', columns, ['Zhang', '138', '1001', 'x', ''], UTC)).toBe('no_unique_id');
  });

  it('reads a mod_json_cdr document with URL-encoded values and epoch times', () => {
    const cdr = only(
      cdrFromJson(
        {
          'channel_data': { direction: 'inbound' },
          variables: { uuid: '0b4a6e0e-2c31-4c8e-9a55-0f7a3b1d2c44', direction: 'inbound', caller_id_number: '%2B8613812345678', destination_number: '1001', start_epoch: '1796631303', start_stamp: '2026-12-07%2016%3A15%3A03', billsec: '61', cc_queue: 'sales%40default', last_bridge_to: 'x' },
          callflow: [{ caller_profile: { caller_id_number: 'ignored' } }],
        },
        UTC,
      ),
    );
    expect(cdr).toMatchObject({ uniqueId: '0b4a6e0e-2c31-4c8e-9a55-0f7a3b1d2c44', src: '+8613812345678', dst: '1001', startedAt: new Date(1796631303 * 1000).toISOString(), billsec: 61, queue: 'sales@default' });
    expect(cdrFromJson({ variables: {} }, UTC)).toBe('no_unique_id');
  });
});

describe('CDR mapping', () => {
  const tenant = { defaultRegion: 'CN', agentIds: new Set(['1001', 'a-li']), extensionAgents: new Map([['1002', 'a-li']]) };
  const base = only(cdrFromRow('asterisk', ASTERISK_MASTER_COLUMNS, completeCsvRows(Buffer.from(ASTERISK_LINE), decode).rows[0]!, UTC));

  it('an outside caller reaching an extension is inbound: agent from the answering channel, customer number in E.164', () => {
    expect(callMetadataOf(base, tenant, '2000-01-01T00:00:00.000Z')).toEqual({
      provider: 'asterisk', providerCallId: '1733559303.42', direction: 'inbound', startedAt: '2026-12-07T08:15:03.000Z', agentId: '1001', customerPhone: '+8613812345678', tags: [],
    });
  });

  it('an extension dialling out is outbound through the extension map; a Queue() call names its queue; an unknown extension leaves no agent', () => {
    const outbound = { ...base, src: '1002', dst: '02161234567', dstChannel: 'PJSIP/trunk-00000003' };
    expect(callMetadataOf(outbound, tenant, 'x')).toMatchObject({ direction: 'outbound', agentId: 'a-li', customerPhone: '+862161234567' });
    const queued = { ...base, lastApp: 'Queue', lastData: 'support,tT', dstChannel: 'PJSIP/1999-00000004', queue: null };
    const fromQueue = only(cdrFromRow('asterisk', ASTERISK_MASTER_COLUMNS, [...Object.values({ a: '', src: '13812345678', dst: '600', ctx: 'q', clid: '', ch: 'PJSIP/t-1', dch: 'PJSIP/1999-4', app: 'Queue', data: 'support,tT', s: '2026-12-07 08:15:03', an: '', e: '', d: '1', b: '1', disp: 'ANSWERED', ama: '', id: '1.1' })], UTC));
    expect(fromQueue.queue).toBe('support');
    expect(callMetadataOf(queued, tenant, 'x')).not.toHaveProperty('agentId');
  });

  it('an anonymous or invalid caller number is left out rather than refused; a missing start time falls back to the file', () => {
    const anonymous = { ...base, src: 'anonymous', startedAt: null };
    const metadata = callMetadataOf(anonymous, tenant, '2026-12-07T08:00:00.000Z');
    expect(metadata).not.toHaveProperty('customerPhone');
    expect(metadata.startedAt).toBe('2026-12-07T08:00:00.000Z');
  });

  it('finds the unique id in recording names', () => {
    expect(uniqueIdOfRecording('asterisk', '1733559303.42.wav')).toBe('1733559303.42');
    expect(uniqueIdOfRecording('asterisk', '20261207-081503-1733559303.42-1001.WAV')).toBe('1733559303.42');
    expect(uniqueIdOfRecording('asterisk', 'no-id-here.wav')).toBeNull();
    expect(uniqueIdOfRecording('freeswitch', 'A5C9F6C0-E752-11E3-8BFB-65B6C3CDAC7D.mp3')).toBe('a5c9f6c0-e752-11e3-8bfb-65b6c3cdac7d');
    expect(extensionOfChannel('PJSIP/1001-00000002')).toBe('1001');
    expect(extensionOfChannel('SIP/trunk-00000002')).toBeNull();
    expect(extensionOfChannel('sofia/internal/1001@10.0.0.1')).toBe('1001');
  });
});

describe('MP3 completeness', () => {
  it('a whole stream passes; one cut inside a frame is named truncated', () => {
    const whole = synthesizeSilentMp3(2);
    expect(mp3TruncationOf(whole)).toBeNull();
    expect(mp3TruncationOf(whole.subarray(0, whole.length - 200))).toMatch(/truncated/);
    expect(mp3TruncationOf(new Uint8Array([1, 2, 3, 4, 5]))).toMatch(/no MPEG audio frame/);
  });
});
