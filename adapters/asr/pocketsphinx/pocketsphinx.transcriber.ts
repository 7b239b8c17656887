import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CallsightError } from '../../../core/shared/errors';
import type { TranscribeInput, Transcriber, Transcript } from '../../../core/transcription/transcriber.port';
import {
  DEFAULT_MONO_SPEAKER_POLICY,
  labelChannelSegments,
  labelMonoSegments,
  mergeSegmentTimelines,
  type MonoSpeakerPolicy,
  type UnlabelledSegment,
} from '../../../core/transcription/timeline';
import { recognizerFailure, runFailure, soxFailure, toolMissing } from './pocketsphinx.errors';
import { parseContinuousOutput, parseJsonLinesOutput } from './pocketsphinx.output';
import { findExecutable, runProcess, type ProcessOutcome } from './process.runner';

/** The two command-line interfaces pocketsphinx has had. */
export type PocketsphinxCli = 'continuous' | 'single';

/**
 * Settings for the offline recogniser. Without model paths the packaged US-English model is used
 * (Debian: pocketsphinx-en-us). Times are in milliseconds.
 */
export interface PocketsphinxSettings {
  /** Recogniser binary (name on PATH or absolute path); default: `pocketsphinx_continuous`, else `pocketsphinx`. */
  readonly binary?: string;
  /** Which CLI the binary speaks; default: `continuous` for pocketsphinx_continuous, `single` for pocketsphinx >= 5. */
  readonly cli?: PocketsphinxCli;
  readonly soxPath?: string;
  /** Acoustic model directory, language model and dictionary, for another language or a tuned model. */
  readonly hmmDir?: string;
  readonly lmPath?: string;
  readonly dictPath?: string;
  /** The language of the model; `en` unless a custom model is given. */
  readonly modelLanguage?: 'en' | 'zh';
  /** Per process (sox or recogniser). Recognition runs at roughly 0.5x real time on one core. */
  readonly timeoutMs?: number;
  /** Speakers for mono audio. */
  readonly monoSpeakers?: MonoSpeakerPolicy;
  /** Where temporary audio goes; default the OS temp directory. */
  readonly tmpDir?: string;
}

interface ResolvedTools {
  readonly recognizer: string;
  readonly cli: PocketsphinxCli;
  readonly sox: string;
}

/**
 * Offline English transcription with CMU pocketsphinx. The audio is written to a private temp directory,
 * converted with sox to 16 kHz mono 16-bit PCM (pocketsphinx hears nothing at espeak's 22.05 kHz), and
 * recognised; two-channel audio is split with `remix 1` / `remix 2` and each channel is labelled as its
 * speaker. Processes are spawned with argument arrays (no shell), killed after `timeoutMs`, and the temp
 * directory is removed whatever happens.
 * Throws CallsightError: VALIDATION_FAILED (Chinese with the English model, more than two channels),
 * AUDIO_EMPTY, AUDIO_CORRUPT, UNSUPPORTED_MEDIA_TYPE (MP3 where sox lacks an MP3 handler),
 * UPSTREAM_FAILED (binary missing - the message says which package - timeout, recogniser failure).
 */
export function createPocketsphinxTranscriber(settings: PocketsphinxSettings = {}): Transcriber {
  const timeoutMs = settings.timeoutMs ?? 600_000;
  const modelLanguage = settings.modelLanguage ?? 'en';
  let tools: ResolvedTools | null = null;

  function resolveTools(): ResolvedTools {
    if (tools) return tools;
    const recognizer = findExecutable(settings.binary ? [settings.binary] : ['pocketsphinx_continuous', 'pocketsphinx']);
    if (!recognizer) throw toolMissing('pocketsphinx');
    const sox = findExecutable([settings.soxPath ?? 'sox']);
    if (!sox) throw toolMissing('sox');
    const cli = settings.cli ?? (basename(recognizer).startsWith('pocketsphinx_continuous') ? 'continuous' : 'single');
    tools = { recognizer, cli, sox };
    return tools;
  }

  function modelArgs(): string[] {
    return [
      ...(settings.hmmDir ? ['-hmm', settings.hmmDir] : []),
      ...(settings.lmPath ? ['-lm', settings.lmPath] : []),
      ...(settings.dictPath ? ['-dict', settings.dictPath] : []),
    ];
  }

  async function run(tool: 'sox' | 'pocketsphinx', command: string, args: string[]): Promise<ProcessOutcome> {
    try {
      return await runProcess(command, args, { timeoutMs });
    } catch (error) {
      throw runFailure(error, tool);
    }
  }

  async function recognize(resolved: ResolvedTools, wavPath: string): Promise<UnlabelledSegment[]> {
    const args =
      resolved.cli === 'continuous'
        ? ['-infile', wavPath, '-logfn', devNull, '-time', 'yes', ...modelArgs()]
        : [...modelArgs(), 'single', wavPath];
    const outcome = await run('pocketsphinx', resolved.recognizer, args);
    if (outcome.exitCode !== 0) throw recognizerFailure(outcome);
    return resolved.cli === 'continuous' ? parseContinuousOutput(outcome.stdout) : parseJsonLinesOutput(outcome.stdout);
  }

  async function convert(resolved: ResolvedTools, inputPath: string, outputPath: string, format: string, channel: number | null) {
    const effects = channel === null ? [] : ['remix', String(channel + 1)];
    // -R: resampling to 16 kHz dithers, and without it sox seeds the dither at random, so the same recording could
    // be transcribed differently on each run.
    const outcome = await run('sox', resolved.sox, ['-R', inputPath, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', outputPath, ...effects]);
    if (outcome.exitCode !== 0) throw soxFailure(outcome, format);
  }

  async function countChannels(resolved: ResolvedTools, inputPath: string, format: string): Promise<number> {
    const outcome = await run('sox', resolved.sox, ['--i', '-c', inputPath]);
    const channels = Number.parseInt(outcome.stdout.trim(), 10);
    if (outcome.exitCode !== 0 || !Number.isInteger(channels) || channels < 1) throw soxFailure(outcome, format);
    return channels;
  }

  return {
    name: 'pocketsphinx',
    async transcribe(input: TranscribeInput): Promise<Transcript> {
      if (input.language !== 'auto' && input.language !== modelLanguage) {
        throw new CallsightError(
          'VALIDATION_FAILED',
          `The offline transcriber's model is for "${modelLanguage}" and cannot transcribe "${input.language}"; use the OpenAI-compatible transcriber for it`,
          { details: { language: input.language, modelLanguage } },
        );
      }
      if (input.audio.byteLength === 0) throw new CallsightError('AUDIO_EMPTY', 'The audio to transcribe is empty');
      const resolved = resolveTools();
      const dir = await mkdtemp(join(settings.tmpDir ?? tmpdir(), 'callsight-asr-'));
      try {
        const inputPath = join(dir, `input.${input.format}`);
        await writeFile(inputPath, input.audio, { mode: 0o600 });
        const channels = await countChannels(resolved, inputPath, input.format);
        if (channels > 2) {
          throw new CallsightError('VALIDATION_FAILED', `Audio with ${channels} channels is not supported; send mono or one channel per speaker`, {
            details: { channels },
          });
        }
        if (channels === 1) {
          const monoPath = join(dir, 'mono-16k.wav');
          await convert(resolved, inputPath, monoPath, input.format, null);
          const segments = await recognize(resolved, monoPath);
          return { language: modelLanguage, segments: labelMonoSegments(segments, settings.monoSpeakers ?? DEFAULT_MONO_SPEAKER_POLICY) };
        }
        const paths = [join(dir, 'channel-0-16k.wav'), join(dir, 'channel-1-16k.wav')] as const;
        await Promise.all(paths.map((path, channel) => convert(resolved, inputPath, path, input.format, channel)));
        const [zero, one] = await Promise.all(paths.map((path) => recognize(resolved, path)));
        const agentChannel = input.agentChannel ?? 0;
        return {
          language: modelLanguage,
          segments: mergeSegmentTimelines(labelChannelSegments(zero ?? [], 0, agentChannel), labelChannelSegments(one ?? [], 1, agentChannel)),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
