import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A hub started as its own process (`callsight serve`), as an operator starts it. */
export interface HubProcess {
  readonly url: string;
  readonly pid: number;
  /** CPU time the process has used so far (user + system), in milliseconds, from /proc (Linux). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/callsight.mjs serve --no-demo` with `env` on a free loopback port and resolves with its URL once
 * it listens. Rejects (and kills the process) when it exits first or does not listen within `timeoutMs`; the
 * process's stderr is kept and shown in that error.
 */
export function startHubProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: readonly string[]; hubRoot?: string } = {},
): Promise<HubProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const hubRoot = options.hubRoot ?? root;
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), join(hubRoot, 'bin', 'callsight.mjs'), 'serve', '--no-demo'], {
    cwd: hubRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', DEMO: 'false', HEALTH_PORT: '0', SHUTDOWN_TIMEOUT_S: '5', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let listening = false;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not listen within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening:\n${stderr}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
      const match = listening ? null : /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        listening = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolvePromise({
          url: match[1]!.replace('localhost', '127.0.0.1'),
          pid: child.pid!,
          cpuMs: () => cpuMsOf(child.pid!),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              // SIGTERM drains in-flight requests; a hub still up after 10 s is killed.
              const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(kill);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
