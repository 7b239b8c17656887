import { CallsightError } from '../../../core/shared/errors';
import { ProcessRunError, type ProcessOutcome } from './process.runner';

/** The last lines of a tool's stderr, for the error's cause (logs), never for its message. */
function stderrTail(outcome: ProcessOutcome): string {
  return outcome.stderr.split('\n').filter(Boolean).slice(-5).join('\n');
}

/** A required binary is absent: say which Debian packages provide it. */
export function toolMissing(tool: 'pocketsphinx' | 'sox', cause?: unknown): CallsightError {
  const fix =
    tool === 'sox'
      ? 'install it with `apt-get install -y sox` or set soxPath'
      : 'install it with `apt-get install -y pocketsphinx pocketsphinx-en-us` or set binary';
  return new CallsightError('UPSTREAM_FAILED', `The offline transcriber needs ${tool}, which is not installed: ${fix}`, {
    cause,
    details: { reason: 'tool_missing', tool },
  });
}

/** Translates a failed sox run: unreadable audio, a missing MP3 handler, or anything else. */
export function soxFailure(outcome: ProcessOutcome, format: string): CallsightError {
  const stderr = outcome.stderr;
  const cause = new Error(`sox exited with ${outcome.exitCode ?? outcome.signal}: ${stderrTail(outcome)}`);
  if (/no handler for (detected )?file (extension|type)|unknown file type|not a valid mp3/i.test(stderr) && format === 'mp3') {
    return new CallsightError('UNSUPPORTED_MEDIA_TYPE', 'sox on this machine cannot read MP3; install libsox-fmt-mp3 or send WAV', {
      cause,
      details: { reason: 'mp3_unsupported' },
    });
  }
  if (/can't open input|header|corrupt|invalid|no handler|premature eof|not a riff/i.test(stderr)) {
    return new CallsightError('AUDIO_CORRUPT', `The ${format.toUpperCase()} audio could not be decoded`, { cause });
  }
  return new CallsightError('UPSTREAM_FAILED', 'sox failed while preparing the audio for recognition', { cause, details: { reason: 'sox_failed' } });
}

/** Translates a failed recogniser run. */
export function recognizerFailure(outcome: ProcessOutcome): CallsightError {
  return new CallsightError('UPSTREAM_FAILED', `pocketsphinx failed (exit ${outcome.exitCode ?? outcome.signal})`, {
    cause: new Error(stderrTail(outcome)),
    details: { reason: 'recognizer_failed' },
  });
}

/** Translates a ProcessRunError (missing binary, timeout, runaway output) for `tool`. */
export function runFailure(error: unknown, tool: 'pocketsphinx' | 'sox'): CallsightError {
  if (error instanceof ProcessRunError) {
    if (error.reason === 'missing') return toolMissing(tool, error);
    if (error.reason === 'timeout') {
      return new CallsightError('UPSTREAM_FAILED', `${tool} did not finish in time; raise timeoutMs for long calls`, {
        cause: error,
        details: { reason: 'timeout', tool },
      });
    }
  }
  return new CallsightError('UPSTREAM_FAILED', `${tool} could not be run`, { cause: error, details: { reason: 'run_failed', tool } });
}
