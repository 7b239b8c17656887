import type { Principal } from '../../core/access/access.policy';
import { createCallsUseCases } from '../../app/calls';
import type { AudioLocation, ByteRange } from '../../core/recordings/audio-store.port';
import type { Call } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import { SqliteCallRepository } from '../../adapters/storage/sqlite';
import { openTestSqlite } from '../contracts/support/databases';
import { AGENTS, makeCall, T1, T2 } from '../contracts/support/fixtures';
import { auditSpy } from './support/audit-spy';

export const NOW = new Date('2026-06-01T12:00:00.000Z');

/** Plain audio bytes of a recording: 0..n-1 modulo 256, so any range is easy to check. */
export function audioBytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 256);
}

/** An in-memory audio store: chunks of 64 bytes; a recording marked corrupt fails its first chunk. */
export function memoryAudio() {
  const files = new Map<string, Uint8Array>();
  const corrupt = new Set<string>();
  const key = (l: Pick<AudioLocation, 'tenantId' | 'recordingId'>) => `${l.tenantId}/${l.recordingId}`;
  return {
    files,
    corrupt,
    put(tenantId: string, recordingId: string, bytes: Uint8Array) {
      files.set(key({ tenantId, recordingId }), bytes);
    },
    read(location: AudioLocation, range?: ByteRange): AsyncIterable<Uint8Array> {
      const id = key(location);
      return (async function* () {
        if (corrupt.has(id)) throw new CallsightError('RECORDING_INTEGRITY', 'A chunk of the recording does not authenticate');
        const bytes = files.get(id);
        if (!bytes) throw new CallsightError('RECORDING_GONE', 'No such recording');
        const slice = range ? bytes.subarray(range.start, range.end + 1) : bytes;
        for (let at = 0; at < slice.length; at += 64) yield slice.subarray(at, at + 64);
      })();
    },
  };
}

/** Reads every chunk of an audio stream into one array. */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: number[] = [];
  for await (const chunk of chunks) parts.push(...chunk);
  return Uint8Array.from(parts);
}

/** A principal of tenant t1 (a1 and a2 are in team T1, a3 in T2). */
export function user(role: Principal['role'], extra: Partial<Principal> = {}): Principal {
  return { tenantId: 't1', userId: `u-${role}`, role, teams: [], queues: [], ...extra };
}

/**
 * The calls use-cases over a real SQLite call repository, in-memory audio, analysis reads and playback tokens.
 * Calls: c01 (a1, T1), c02 (a2, T1), c03 (a3, T2, phone +8613900001111), c04 (a1, deleted), c05 (other tenant).
 */
export async function callsFixture() {
  const sqlite = openTestSqlite();
  const repo = new SqliteCallRepository(sqlite.db);
  await repo.upsertTenant(T1);
  await repo.upsertTenant(T2);
  for (const agent of AGENTS) await repo.upsertAgent(agent);
  const audio = memoryAudio();
  const calls: Record<string, Call> = {};
  const add = async (call: Call) => {
    const outcome = await repo.insertCall(call);
    calls[call.id] = outcome.call;
    if (call.recording) audio.put(call.tenantId, call.id, audioBytes(call.recording.bytes));
  };
  await add(makeCall(1));
  await add(makeCall(2, { agentId: 'a2' }));
  await add(makeCall(3, { agentId: 'a3', customerPhone: '+8613900001111' }));
  await add(makeCall(4, { status: 'deleted', recording: null }));
  await add(makeCall(5, { tenantId: 't2' }));

  const screening = new Map<string, { flags: string[]; risk: number }>([['c01', { flags: ['SENSITIVE_WORD'], risk: 0.4 }]]);
  const redactedCopies = new Map<string, { recordingId: string; keyId: string; bytes: number; sha256: string; format: 'wav' | 'mp3'; spans: number }>();
  const analysesWithPii = new Set<string>();
  const prepared: { callId: string; userId: string }[] = [];
  const spy = auditSpy();
  const ports = {
    calls: repo,
    transcripts: {
      screening: (_tenantId: string, ids: readonly string[]) => new Map([...screening].filter(([id]) => ids.includes(id))),
      getRedactedAudio: (_tenantId: string, callId: string) => redactedCopies.get(callId) ?? null,
      getAnalysis: (_tenantId: string, callId: string) =>
        (analysesWithPii.has(callId) ? { redactionSpans: [{ segment: 0, startS: 1, endS: 2 }] } : null) as never,
    },
    audio,
    playback: {
      issue: async (principal: Principal, callId: string, now: Date) => ({
        token: `tok.${principal.userId}.${callId}`,
        expiresAt: new Date(now.getTime() + 300_000).toISOString(),
      }),
    },
    preparation: {
      beforePlay: async (call: Call, principal: Principal) => {
        prepared.push({ callId: call.id, userId: principal.userId });
        return call;
      },
    },
    clock: { now: () => NOW },
    audit: spy.audit,
  };
  return {
    useCases: createCallsUseCases(ports),
    repo,
    audio,
    calls,
    screening,
    redactedCopies,
    analysesWithPii,
    prepared,
    spy,
    /** Assigns a call of t1 to a reviewer for QA review. */
    assignReview(callId: string, reviewerId: string) {
      sqlite.db
        .prepare('INSERT INTO review_assignments (tenant_id, call_id, reviewer_id, assigned_at) VALUES (?, ?, ?, ?)')
        .run('t1', callId, reviewerId, '2026-01-01T00:00:00Z');
    },
    close: () => sqlite.close(),
  };
}
