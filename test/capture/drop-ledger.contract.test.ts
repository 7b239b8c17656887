import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDropLedger, SqliteDropLedger, type DropLedger } from '../../adapters/telephony/pbx';
import { openTestPostgres, openTestSqlite } from '../contracts/support/databases';

/** The drop folder's ledger, the same suite on the SQLite file and on PostgreSQL. */
const stores: { name: string; open(): Promise<{ ledger: DropLedger; close(): Promise<void> | void }> }[] = [
  {
    name: 'SQLite',
    async open() {
      const s = openTestSqlite();
      return { ledger: new SqliteDropLedger(s.db), close: () => s.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const p = await openTestPostgres();
      return { ledger: new PostgresDropLedger(p.db), close: () => p.close() };
    },
  },
];

const AT = '2026-12-07T08:00:00.000Z';
const LATER = '2026-12-07T08:05:00.000Z';

describe.each(stores)('drop ledger on $name', ({ open }) => {
  let ledger: DropLedger;
  let close: () => Promise<void> | void;
  beforeAll(async () => {
    ({ ledger, close } = await open());
  }, 60_000);
  afterAll(async () => {
    await close();
  });

  const file = (name: string) => ({ tenantId: 't1', folder: '/var/spool/drop', name, pbx: 'asterisk' as const, providerCallId: name.replace(/\.wav$/, '') });

  it('records a file as waiting by default, and an existing row is returned unchanged', async () => {
    const first = await ledger.noteFile(file('1.wav'), AT);
    expect(first).toMatchObject({ state: 'waiting', cdrMissing: false, callId: null, firstSeenAt: AT, providerCallId: '1' });
    await ledger.setState(file('1.wav'), 'claimed', LATER, { cdrMissing: true });
    const again = await ledger.noteFile(file('1.wav'), LATER, { state: 'waiting' });
    expect(again).toMatchObject({ state: 'claimed', cdrMissing: true, firstSeenAt: AT });
  });

  it('writes a first row straight in its final state (claimed, flagged without CDR) in one write', async () => {
    const row = await ledger.noteFile(file('2.wav'), AT, { state: 'claimed', cdrMissing: true });
    expect(row).toMatchObject({ state: 'claimed', cdrMissing: true, firstSeenAt: AT, updatedAt: AT });
    const plain = await ledger.noteFile(file('3.wav'), AT, { state: 'claimed' });
    expect(plain).toMatchObject({ state: 'claimed', cdrMissing: false });
    expect((await ledger.listFiles('t1', '/var/spool/drop')).map((r) => [r.name, r.state])).toEqual([
      ['1.wav', 'claimed'],
      ['2.wav', 'claimed'],
      ['3.wav', 'claimed'],
    ]);
  });

  it('refuses to move a file it never recorded, changing nothing', async () => {
    await expect(ledger.setState(file('never.wav'), 'done', LATER)).rejects.toThrow(/noteFile must record a file/);
    expect(await ledger.getFile('t1', '/var/spool/drop', 'never.wav')).toBeNull();
  });
});
