/**
 * Audio at rest: encryption and decryption throughput of the chunked AES-256-GCM container next to plain
 * Node AES-256-GCM over the same bytes (goal: >= 40% of it), and the time to first byte of an HTTP Range read
 * at the end of a 60-minute recording next to a 1-minute one (goal: flat).
 *
 *   npm run bench:audio [-- --mb 256 --reads 200]
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileKeyVault } from '../adapters/keys/file';
import { EncryptedFsAudioStore, encryptContainer, decryptChunk, decodeHeader } from '../adapters/blob/encrypted-fs';
import { startTestHub } from '../test/support/hub';
import { synthesizeCallWav } from '../bin/seed/synth-audio';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const MB = arg('mb', 256);
const READS = arg('reads', 200);
const ROUNDS = 3;

function best(run: () => void): number {
  let bestMs = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    run();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return bestMs;
}

async function bestAsync(run: () => Promise<void>): Promise<number> {
  let bestMs = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await run();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return bestMs;
}

const mbps = (ms: number) => (MB / (ms / 1000)).toFixed(0);

async function throughput(): Promise<void> {
  const plain = randomBytes(MB * 1024 * 1024);
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const SLICE = 64 * 1024;

  // Baseline: one GCM stream over the data, fed in 64 KiB slices (the fastest plain use of Node's cipher).
  let sealed = Buffer.alloc(0);
  let tag = Buffer.alloc(0);
  const plainEncMs = best(() => {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const parts: Buffer[] = [];
    for (let o = 0; o < plain.length; o += SLICE) parts.push(cipher.update(plain.subarray(o, o + SLICE)));
    cipher.final();
    tag = cipher.getAuthTag();
    sealed = Buffer.concat(parts);
  });
  const plainDecMs = best(() => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    for (let o = 0; o < sealed.length; o += SLICE) decipher.update(sealed.subarray(o, o + SLICE));
    decipher.final();
  });

  // The container's cipher work alone, in memory: the like-for-like comparison with the plain cipher.
  const containerKey = randomBytes(32);
  let parts: Buffer[] = [];
  const containerEncMs = best(() => {
    parts = [...encryptContainer(containerKey, 'bench-recording', plain)];
  });
  const header = parts[0]!;
  const layout = decodeHeader(header);
  const containerDecMs = best(() => {
    for (let i = 1; i < parts.length; i++) decryptChunk(containerKey, 'bench-recording', header, layout, i - 1, parts[i]!);
  });
  parts = [];

  const dir = mkdtempSync(join(tmpdir(), 'callsight-bench-audio-'));
  const keys = new FileKeyVault(join(dir, 'keys'));
  keys.ensureTenant('bench');
  const store = new EncryptedFsAudioStore(join(dir, 'audio'), keys);
  try {
    let round = 0;
    let location = { tenantId: 'bench', recordingId: 'r0', keyId: '', bytes: plain.length };
    // Includes the file write and fsync: this is the cost of a durable ingest, not just the cipher.
    const encMs = await bestAsync(async () => {
      const id = `r${round++}`;
      const stored = await store.write('bench', id, plain);
      location = { tenantId: 'bench', recordingId: id, keyId: stored.keyId, bytes: stored.bytes };
    });
    const decMs = await bestAsync(async () => {
      for await (const part of store.read(location)) void part;
    });
    console.log(`data: ${MB} MiB random bytes, best of ${ROUNDS}`);
    console.log(`plain Node AES-256-GCM   encrypt ${mbps(plainEncMs)} MB/s   decrypt ${mbps(plainDecMs)} MB/s`);
    console.log(`Callsight container      encrypt ${mbps(containerEncMs)} MB/s   decrypt ${mbps(containerDecMs)} MB/s   (64 KiB chunks, per-chunk nonce, AAD and tag; in memory)`);
    console.log(
      `  ratio to plain         encrypt ${((plainEncMs / containerEncMs) * 100).toFixed(0)}%   decrypt ${((plainDecMs / containerDecMs) * 100).toFixed(0)}%   (goal >= 40%)`,
    );
    console.log(`Callsight durable store  write   ${mbps(encMs)} MB/s   read    ${mbps(decMs)} MB/s   (the same plus file I/O, fsync and key handling)`);
    console.log(
      `  ratio to plain         write   ${((plainEncMs / encMs) * 100).toFixed(0)}%   read    ${((plainDecMs / decMs) * 100).toFixed(0)}%`,
    );
  } finally {
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rangeLatency(): Promise<void> {
  const hub = await startTestHub();
  try {
    await hub.hub.ensureTenant({ id: 'demo', name: 'Bench', defaultRegion: 'CN', industry: 'general' });
    const token = await hub.token('admin');
    const ids: Record<string, { id: string; bytes: number }> = {};
    for (const [label, minutes] of [['1 min', 1], ['60 min', 60]] as const) {
      const wav = synthesizeCallWav({ durationS: minutes * 60, seed: label, sampleRate: 16_000, bitsPerSample: 16 });
      const { call } = await hub.hub.ingest('demo', { providerCallId: `bench-${minutes}`, direction: 'inbound', startedAt: '2026-11-01T00:00:00Z' }, wav);
      ids[label] = { id: call.id, bytes: wav.byteLength };
    }
    console.log(`\nHTTP Range read of the last 64 KiB, time to first byte over loopback, ${READS} reads each (16 kHz 16-bit WAV)`);
    const results: Record<string, number[]> = {};
    for (let i = 0; i < READS; i++) {
      for (const [label, { id, bytes }] of Object.entries(ids)) {
        const t0 = performance.now();
        const response = await fetch(`${hub.url}/api/v1/calls/${id}/audio`, {
          headers: { Authorization: `Bearer ${token}`, Range: `bytes=${bytes - 65_536}-` },
        });
        const reader = response.body!.getReader();
        await reader.read();
        const ms = performance.now() - t0;
        await reader.cancel();
        if (response.status !== 206) throw new Error(`expected 206, got ${response.status}`);
        (results[label] ??= []).push(ms);
      }
    }
    const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))] ?? NaN;
    for (const [label, values] of Object.entries(results)) {
      console.log(`${label.padEnd(7)} (${(ids[label]!.bytes / 1048576).toFixed(1)} MiB)  p50 ${pct(values, 0.5).toFixed(2)} ms   p95 ${pct(values, 0.95).toFixed(2)} ms`);
    }
    const ratio = pct(results['60 min']!, 0.5) / pct(results['1 min']!, 0.5);
    console.log(`60 min / 1 min p50 ratio: ${ratio.toFixed(2)} (goal: flat, ~1.0)`);
  } finally {
    await hub.close();
  }
}

await throughput();
await rangeLatency();
