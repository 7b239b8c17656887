import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** What a finished process printed and how it ended. */
export interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why a process could not give an outcome. */
export class ProcessRunError extends Error {
  constructor(
    readonly reason: 'missing' | 'timeout' | 'output_too_large' | 'spawn_failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProcessRunError';
  }
}

/**
 * Runs `command` with `args` (never through a shell), collecting output up to `maxOutputBytes` per stream.
 * Kills the process (SIGKILL) after `timeoutMs`. Rejects with ProcessRunError; a non-zero exit is an outcome.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; maxOutputBytes?: number; cwd?: string },
): Promise<ProcessOutcome> {
  const maxBytes = options.maxOutputBytes ?? 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let sizes = [0, 0];
    let failure: ProcessRunError | null = null;
    const stop = (error: ProcessRunError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new ProcessRunError('timeout', `${command} did not finish within ${options.timeoutMs} ms`)), options.timeoutMs);
    const collect = (chunks: Buffer[], index: 0 | 1) => (chunk: Buffer) => {
      sizes = index === 0 ? [(sizes[0] ?? 0) + chunk.length, sizes[1] ?? 0] : [sizes[0] ?? 0, (sizes[1] ?? 0) + chunk.length];
      if ((sizes[index] ?? 0) > maxBytes) stop(new ProcessRunError('output_too_large', `${command} printed more than ${maxBytes} bytes`));
      else chunks.push(chunk);
    };
    child.stdout.on('data', collect(stdout, 0));
    child.stderr.on('data', collect(stderr, 1));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new ProcessRunError('missing', `${command} is not installed or not on PATH`, { cause: error })
          : new ProcessRunError('spawn_failed', `${command} could not be started`, { cause: error }),
      );
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ exitCode, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** The first executable found for `names` on PATH (or the path itself when absolute), or null. */
export function findExecutable(names: readonly string[], pathVariable: string = process.env.PATH ?? ''): string | null {
  for (const name of names) {
    if (isAbsolute(name)) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of pathVariable.split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
