import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The exact command line of each hub process (docs/deploy.md quotes it). */
export const SERVE_COMMAND = (role: 'api' | 'worker') => ['bin/callsight.mjs', 'serve', '--role', role] as const;

export interface ClusterProcess {
  readonly name: string;
  readonly role: 'api' | 'worker';
  /** PORT of an API process, HEALTH_PORT of a worker: the same across restarts. */
  readonly port: number;
  readonly url: string;
  child: ChildProcess | null;
  ready: boolean;
  starts: number;
  /** Exits that no kill9 or stop asked for (a process that failed or crashed by itself). */
  unexpectedExits: number;
  /** Set while kill9 or stop is ending the current child. */
  stopping: boolean;
  /** The last lines the process wrote to stderr (for a failure message; the hub logs no personal data). */
  readonly tail: string[];
}

/** A free loopback port (bound and released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Real `callsight serve --role ...` child processes on one configuration: started, killed with SIGKILL,
 * restarted on the same port, or stopped with SIGTERM (drain) and their exit awaited.
 */
export class HubCluster {
  readonly processes: ClusterProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async add(name: string, role: 'api' | 'worker'): Promise<ClusterProcess> {
    const port = await freePort();
    const entry: ClusterProcess = { name, role, port, url: `http://127.0.0.1:${port}`, child: null, ready: false, starts: 0, unexpectedExits: 0, stopping: false, tail: [] };
    this.processes.push(entry);
    return entry;
  }

  get(name: string): ClusterProcess {
    const found = this.processes.find((p) => p.name === name);
    if (!found) throw new Error(`no process ${name} in the cluster`);
    return found;
  }

  /** Processes that answered their health check since they were last started and are still running. */
  readyProcesses(): ClusterProcess[] {
    return this.processes.filter((p) => p.ready && p.child !== null);
  }

  /** URLs of the API processes that answer their health check now. */
  apiUrls(): string[] {
    return this.processes.filter((p) => p.role === 'api' && p.ready && p.child !== null).map((p) => p.url);
  }

  /** Spawns the process; with `wait` resolves once GET /healthz answers 200 (rejects if it exits first or after 90 s). */
  async start(name: string, wait = true): Promise<void> {
    const entry = this.get(name);
    if (entry.child) throw new Error(`${name} is running already`);
    const env = {
      ...process.env,
      ...this.env,
      ...(entry.role === 'api' ? { PORT: String(entry.port) } : { HEALTH_PORT: String(entry.port) }),
    };
    const child = spawn(process.execPath, [...SERVE_COMMAND(entry.role)], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    entry.child = child;
    entry.ready = false;
    entry.stopping = false;
    entry.starts++;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '') entry.tail.push(line.slice(0, 300));
      if (entry.tail.length > 40) entry.tail.splice(0, entry.tail.length - 40);
    });
    child.once('exit', () => {
      if (entry.child === child) {
        if (!entry.stopping) entry.unexpectedExits++;
        entry.child = null;
        entry.ready = false;
      }
    });
    const ready = this.waitReady(entry, child);
    if (wait) await ready;
    else ready.catch(() => undefined);
  }

  /** kill -9: no drain, no cleanup; resolves once the process is gone. */
  async kill9(name: string): Promise<void> {
    const entry = this.get(name);
    const child = entry.child;
    if (!child) return;
    entry.ready = false;
    entry.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait: the process's exit code and how long the drain took. */
  async stop(name: string, timeoutMs = 60_000): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const entry = this.get(name);
    const child = entry.child;
    if (!child) return { code: null, signal: null, ms: 0 };
    const started = Date.now();
    entry.stopping = true;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return { ...result, ms: Date.now() - started };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.stop(p.name)));
  }

  async killAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.kill9(p.name)));
  }

  private async waitReady(entry: ClusterProcess, child: ChildProcess): Promise<void> {
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      if (entry.child !== child) throw new Error(`${entry.name} exited before it was ready:\n${entry.tail.join('\n')}`);
      try {
        const response = await fetch(`${entry.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          if (entry.child === child) entry.ready = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${entry.name} did not answer /healthz within 90 s:\n${entry.tail.join('\n')}`);
  }
}
