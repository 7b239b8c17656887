import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngestUseCases, type ReceivedCall } from '../../app/ingest';
import { cliActor, systemActor } from '../../app/calls';
import { callViewSchema } from '../../core/api/calls.api';
import type { AudioLocation } from '../../core/recordings/audio-store.port';
import type { Call } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import { SqliteCallRepository } from '../../adapters/storage/sqlite';
import { openTestSqlite } from '../contracts/support/databases';
import { AGENTS, T1 } from '../contracts/support/fixtures';
import { auditSpy, principal } from './support/audit-spy';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const metadata = (providerCallId: string, over: Record<string, unknown> = {}) => ({
  providerCallId,
  direction: 'inbound',
  startedAt: '2026-05-30T08:00:00Z',
  agentId: 'a1',
  customerPhone: '138 1234 5678',
  tags: ['vip', 'vip'],
  ...over,
});

async function setup() {
  const sqlite = openTestSqlite();
  const repo = new SqliteCallRepository(sqlite.db);
  await repo.upsertTenant(T1);
  for (const agent of AGENTS.filter((a) => a.tenantId === 't1')) await repo.upsertAgent(agent);
  const written = new Map<string, Uint8Array>();
  const discarded: string[] = [];
  const effectsFor: string[] = [];
  let ids = 0;
  let failInsert = false;
  const spy = auditSpy();
  const calls = {
    getTenant: (id: string) => repo.getTenant(id),
    findByProviderCallId: (t: string, p: string, id: string) => repo.findByProviderCallId(t, p, id),
    listAgents: (t: string) => repo.listAgents(t),
    insertCall: async (call: Call, effects?: Parameters<SqliteCallRepository['insertCall']>[1]) => {
      if (failInsert) throw new CallsightError('INTERNAL', 'database unavailable');
      return repo.insertCall(call, effects);
    },
  };
  const useCases = createIngestUseCases({
    calls,
    audio: {
      write: async (tenantId: string, recordingId: string, audio: Uint8Array) => {
        written.set(`${tenantId}/${recordingId}`, audio);
        return { bytes: audio.byteLength, sha256: 'f'.repeat(64), keyId: `key-${recordingId}` };
      },
      discard: async (location: AudioLocation) => {
        discarded.push(location.recordingId);
        written.delete(`${location.tenantId}/${location.recordingId}`);
      },
    },
    probe: {
      probe: async (audio: Uint8Array) => {
        if (audio[0] === 0x25) throw new CallsightError('UNSUPPORTED_MEDIA_TYPE', 'Not WAV or MP3 audio');
        return { format: 'wav' as const, durationS: audio.byteLength / 100, channels: 1, sampleRate: 8000 };
      },
    },
    clock: { now: () => NOW },
    ids: { newId: (prefix: string) => `${prefix}_${++ids}` },
    followUps: {
      effectsOf: (call: Call) => {
        effectsFor.push(call.id);
        return { jobs: [{ id: `job_${call.id}`, tenantId: call.tenantId, kind: 'call.transcribe', payload: { callId: call.id } }] };
      },
    },
    audit: spy.audit,
  });
  const countJobs = () => (sqlite.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
  return {
    useCases,
    repo,
    written,
    discarded,
    effectsFor,
    spy,
    countJobs,
    failInserts: () => {
      failInsert = true;
    },
    close: () => sqlite.close(),
  };
}

let f: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  f = await setup();
});
afterEach(() => f.close());

const audio = (n = 1000) => new Uint8Array(n).fill(1);

describe('ingest.ingest-call', () => {
  it('stores a call with the duration measured from the audio, its follow-up jobs in the same transaction, one allowed event', async () => {
    const result = await f.useCases.ingestCall(systemActor('t1', 'twilio'), { metadata: metadata('p-1'), audio: audio(4200) });
    expect(result.created).toBe(true);
    expect(result.call).toMatchObject({ id: 'c_1', durationS: 42, customerPhone: '+8613812345678', tags: ['vip'], status: 'stored', team: 'T1' });
    expect(callViewSchema.safeParse(result.view).success).toBe(true);
    expect(result.view).toMatchObject({ id: 'c_1', agentName: 'Zhang Wei', customerPhone: '+8613812345678' });
    expect(f.countJobs()).toBe(1);
    expect(f.spy.events).toEqual([
      { tenantId: 't1', actor: 'twilio', role: null, action: 'ingest', target: 'call:c_1', outcome: 'allowed', reason: 'created' },
    ]);
  });

  it('marks a recording under 5 s as a misdial and keeps it', async () => {
    const result = await f.useCases.ingestCall(cliActor('t1'), { metadata: metadata('short'), audio: audio(300) });
    expect(result.call.status).toBe('misdial');
  });

  it('is idempotent on (provider, providerCallId): a repeat returns the stored call, writes nothing, and is audited as a duplicate', async () => {
    const first = await f.useCases.ingestCall(cliActor('t1'), { metadata: metadata('p-dup'), audio: audio() });
    const second = await f.useCases.ingestCall(cliActor('t1'), { metadata: metadata('p-dup'), audio: audio() });
    expect(second).toMatchObject({ created: false, call: { id: first.call.id } });
    expect(f.written.size).toBe(1);
    expect(f.spy.events.map((e) => [e.outcome, e.reason, e.target])).toEqual([
      ['allowed', 'created', `call:${first.call.id}`],
      ['allowed', 'duplicate', `call:${first.call.id}`],
    ]);
  });

  it('reads an upload only once the role may ingest: an agent gets FORBIDDEN, one denied event, and the body is never read', async () => {
    let reads = 0;
    const receive = async (): Promise<ReceivedCall> => {
      reads++;
      return { metadata: metadata('p-up'), audio: audio() };
    };
    await expect(f.useCases.ingestCall(principal('agent'), { receive })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Only admins and telephony integrations may add calls',
    });
    expect(reads).toBe(0);
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'ingest', outcome: 'denied', reason: 'role_not_permitted', role: 'agent' })]);

    const stored = await f.useCases.ingestCall(principal('admin'), { receive });
    expect(reads).toBe(1);
    expect(stored.created).toBe(true);
    expect(f.spy.events.at(-1)).toMatchObject({ actor: 'u-admin', role: 'admin', outcome: 'allowed', reason: 'created' });
  });

  it('audits a transport failure of the upload (too large) as an error with its code', async () => {
    const receive = async (): Promise<ReceivedCall> => {
      throw new CallsightError('PAYLOAD_TOO_LARGE', 'Audio larger than 10 bytes is refused');
    };
    await expect(f.useCases.ingestCall(principal('admin'), { receive })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'payload_too_large' })]);
  });

  it.each([
    ['a stated duration', metadata('m1', { durationS: 999 }), 'VALIDATION_FAILED', /^Invalid call metadata: /],
    ['an unknown direction', metadata('m2', { direction: 'sideways' }), 'VALIDATION_FAILED', /direction/],
    ['a bad date', metadata('m3', { startedAt: 'yesterday' }), 'VALIDATION_FAILED', /startedAt/],
    ['an invalid phone', metadata('m4', { customerPhone: '12' }), 'VALIDATION_FAILED', /customerPhone: not a valid phone number/],
  ])('refuses metadata with %s, storing nothing, one error event', async (_name, meta, code, message) => {
    const error = (await f.useCases.ingestCall(cliActor('t1'), { metadata: meta, audio: audio() }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('12');
    expect(f.written.size).toBe(0);
    expect(await f.repo.countCalls('t1')).toBe(0);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });

  it.each([
    ['empty audio', 'AUDIO_EMPTY', new Uint8Array(0)],
    ['something that is not audio', 'UNSUPPORTED_MEDIA_TYPE', new TextEncoder().encode('%PDF-1.7')],
  ])('refuses %s with %s before anything is written', async (_name, code, bytes) => {
    await expect(f.useCases.ingestCall(cliActor('t1'), { metadata: metadata('bad-audio'), audio: bytes })).rejects.toMatchObject({ code });
    expect(f.written.size).toBe(0);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: code.toLowerCase() })]);
  });

  it('answers NOT_FOUND for a tenant the hub does not have', async () => {
    await expect(f.useCases.ingestCall(cliActor('nobody'), { metadata: metadata('p-x'), audio: audio() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('callsight tenant add nobody'),
    });
    expect(f.spy.events).toEqual([expect.objectContaining({ tenantId: 'nobody', outcome: 'error', reason: 'not_found' })]);
  });

  it('leaves no ciphertext or key behind when the metadata does not commit', async () => {
    f.failInserts();
    await expect(f.useCases.ingestCall(cliActor('t1'), { metadata: metadata('p-fail'), audio: audio() })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(f.discarded).toEqual(['c_1']);
    expect(f.written.size).toBe(0);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'internal' })]);
  });

  it('refuses an input that is neither a call nor an upload with VALIDATION_FAILED', async () => {
    await expect(f.useCases.ingestCall(cliActor('t1'), { metadata: {}, audio: 'not bytes' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });
});
