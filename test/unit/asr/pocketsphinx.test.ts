import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPocketsphinxTranscriber, parseContinuousOutput, parseJsonLinesOutput } from '../../../adapters/asr/pocketsphinx';
import { analyzeTranscript, buildAnalysisConfig } from '../../../core/analysis';
import { CallsightError } from '../../../core/shared/errors';

const FIXTURES = join(import.meta.dirname, '../../fixtures/asr');

/**
 * A short English call made with espeak-ng: the recording notice is an IVR prompt in one voice, the agent's
 * risky promise in another. These voices and speeds are the ones pocketsphinx's US-English model recognises
 * reliably (checked over a grid of espeak voices; the default voice is mostly misheard).
 */
const NOTICE = { voice: 'en-us+m1', speed: '130', text: 'Hello, this call may be recorded for quality purposes.' };
const PROMISE = { voice: 'en-us+klatt4', speed: '140', text: 'I can tell you that this investment is a guaranteed return with no risk.' };
const CUSTOMER = { voice: 'en-us+klatt2', speed: '140', text: 'Thanks. I would like to know more about the fund.' };

let workDir = '';
let scratchDir = '';
let monoCall: Uint8Array;
let stereoCall: Uint8Array;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
}

function speak(line: { voice: string; speed: string; text: string }, file: string): string {
  const path = join(workDir, file);
  run('espeak-ng', ['-v', line.voice, '-s', line.speed, '-w', path, line.text]);
  return path;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z']+/).filter(Boolean);
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'callsight-asr-test-'));
  scratchDir = mkdtempSync(join(tmpdir(), 'callsight-asr-scratch-'));
  const notice = speak(NOTICE, 'notice.wav');
  const promise = speak(PROMISE, 'promise.wav');
  const customer = speak(CUSTOMER, 'customer.wav');
  const agent = join(workDir, 'agent.wav');
  run('sox', [notice, promise, agent]);
  monoCall = readFileSync(agent);
  // The customer answers after the agent has finished: one speaker per channel, as contact centres record.
  const customerLate = join(workDir, 'customer-late.wav');
  run('sox', [customer, customerLate, 'pad', '9.5', '0']);
  const stereo = join(workDir, 'stereo.wav');
  run('sox', ['-M', agent, customerLate, stereo]);
  stereoCall = readFileSync(stereo);
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(scratchDir, { recursive: true, force: true });
});

describe('pocketsphinx transcriber on real speech', () => {
  const transcriber = () => createPocketsphinxTranscriber({ tmpDir: scratchDir, timeoutMs: 120_000 });

  it('hears the recording notice and the guaranteed-return promise in an espeak-ng call, and the analysis flags both', async () => {
    const transcript = await transcriber().transcribe({ audio: monoCall, format: 'wav', channels: 1, language: 'en' });
    const heard = words(transcript.segments.map((s) => s.text).join(' '));
    expect(transcript.language).toBe('en');
    expect(heard).toContain('recorded');
    expect(heard).toContain('guaranteed');
    expect(heard.some((w) => w === 'investment' || w === 'return' || w === 'risk')).toBe(true);
    for (const s of transcript.segments) {
      expect(s.endS).toBeGreaterThanOrEqual(s.startS);
      expect(s.endS).toBeLessThan(10);
      expect(s.confidence).toBeGreaterThanOrEqual(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    expect(transcript.segments.map((s) => s.startS)).toEqual([...transcript.segments.map((s) => s.startS)].sort((a, b) => a - b));
    expect(transcript.segments[0]?.speaker).toBe('agent');
    expect(readdirSync(scratchDir)).toEqual([]);

    const analysis = analyzeTranscript(transcript, buildAnalysisConfig({ industry: 'finance' }));
    expect(analysis.scripts.find((s) => s.id === 'recording_notice')?.found).toBe(true);
    expect(analysis.sensitive.map((hit) => hit.term)).toContain('guaranteed return');
  }, 120_000);

  it('splits two-channel audio and labels each channel as its speaker', async () => {
    const transcript = await transcriber().transcribe({ audio: stereoCall, format: 'wav', channels: 2, language: 'auto' });
    const agentText = words(transcript.segments.filter((s) => s.speaker === 'agent').map((s) => s.text).join(' '));
    const customer = transcript.segments.filter((s) => s.speaker === 'customer');
    expect(agentText).toContain('guaranteed');
    expect(customer.length).toBeGreaterThan(0);
    expect(customer.every((s) => s.startS >= 9)).toBe(true);
    expect(words(customer.map((s) => s.text).join(' '))).not.toContain('guaranteed');
    expect(transcript.segments.at(-1)?.speaker).toBe('customer');

    const flipped = await transcriber().transcribe({ audio: stereoCall, format: 'wav', channels: 2, language: 'en', agentChannel: 1 });
    expect(flipped.segments.map((s) => s.speaker)).toEqual(transcript.segments.map((s) => (s.speaker === 'agent' ? 'customer' : 'agent')));
    expect(readdirSync(scratchDir)).toEqual([]);
  }, 180_000);

  it('refuses Chinese with the English model before running anything', async () => {
    const error = await transcriber()
      .transcribe({ audio: monoCall, format: 'wav', channels: 1, language: 'zh' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallsightError);
    expect((error as CallsightError).code).toBe('VALIDATION_FAILED');
  });

  it('reports unreadable audio as AUDIO_CORRUPT and cleans up', async () => {
    const error = await transcriber()
      .transcribe({ audio: new TextEncoder().encode('RIFF....WAVEnot really audio'), format: 'wav', channels: 1, language: 'en' })
      .catch((e: unknown) => e);
    expect((error as CallsightError).code).toBe('AUDIO_CORRUPT');
    expect(readdirSync(scratchDir)).toEqual([]);
  });

  it('says which package to install when the recogniser is missing', async () => {
    const error = await createPocketsphinxTranscriber({ binary: 'pocketsphinx-not-installed-here' })
      .transcribe({ audio: monoCall, format: 'wav', channels: 1, language: 'en' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallsightError);
    expect((error as CallsightError).code).toBe('UPSTREAM_FAILED');
    expect((error as CallsightError).details).toMatchObject({ reason: 'tool_missing', tool: 'pocketsphinx' });
    expect((error as CallsightError).message).toContain('apt-get install -y pocketsphinx pocketsphinx-en-us');
  });

  it('kills a recogniser that runs past its timeout', async () => {
    const error = await createPocketsphinxTranscriber({ tmpDir: scratchDir, timeoutMs: 50 })
      .transcribe({ audio: monoCall, format: 'wav', channels: 1, language: 'en' })
      .catch((e: unknown) => e);
    expect((error as CallsightError).code).toBe('UPSTREAM_FAILED');
    expect((error as CallsightError).details).toMatchObject({ reason: 'timeout' });
    expect(readdirSync(scratchDir)).toEqual([]);
  });
});

describe('pocketsphinx output parsers', () => {
  it('reads pocketsphinx_continuous -time yes output into one segment per utterance without fillers', () => {
    const segments = parseContinuousOutput(readFileSync(join(FIXTURES, 'pocketsphinx-continuous-time.txt'), 'utf8'));
    expect(segments.map((s) => [s.startS, s.endS, s.text])).toEqual([
      [0.18, 4.29, 'oh the skull where you be recorded for quality purposes'],
      [4.7, 8.97, "i can't tell you that this investment is a guaranteed return with no worries"],
    ]);
    expect(segments[1]?.confidence).toBeCloseTo(0.7, 1);
  });

  it('reads pocketsphinx 5 JSON lines, using word times and skipping empty utterances', () => {
    const segments = parseJsonLinesOutput(readFileSync(join(FIXTURES, 'pocketsphinx5-single.jsonl'), 'utf8'));
    expect(segments.map((s) => [s.startS, s.endS, s.text])).toEqual([
      [0.18, 4.3, 'oh the skull where you be recorded for quality purposes'],
      [4.7, 8.98, "i can't tell you that this investment is a guaranteed return with no worries"],
    ]);
  });

  it('falls back to utterance times when pocketsphinx 5 prints no words', () => {
    expect(parseJsonLinesOutput('{"b":1.5,"d":2.0,"p":0.5,"t":"hello <sil> there(2)"}\nnot json\n')).toEqual([
      { startS: 1.5, endS: 3.5, text: 'hello there', confidence: 0.5 },
    ]);
  });
});
