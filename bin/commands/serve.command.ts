import { Option, type Command } from 'commander';
import { loadConfig, type HubConfig } from '../config';
import { startHub, type RunningHub } from '../server';

/** Exit code after a second signal (drain abandoned) or a drain that outlived SHUTDOWN_TIMEOUT_S. */
const EXIT_ABANDONED = 1;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the hub: REST API, workers or both (--role); in demo mode seeds the demo tenant on first start')
    .option('--no-demo', 'no /demo page and no demo seeding (demo mode is also off when PUBLIC_URL is set or DEMO=false)')
    .addOption(
      new Option('--role <role>', 'api: REST API only; worker: jobs and periodic work only (health on HEALTH_PORT); all: both (default, or ROLE)').choices([
        'api',
        'worker',
        'all',
      ]),
    )
    .action(async (opts: { demo: boolean; role?: HubConfig['role'] }) => {
      const config = loadConfig(process.env, { ...(opts.demo ? {} : { demo: false }), ...(opts.role ? { role: opts.role } : {}) });
      let running: RunningHub | null = null;
      let stopping = false;
      const shutdown = (why: string, code: number) => {
        if (stopping) {
          process.stderr.write(`callsight: ${why} again while draining; exiting now (in-flight jobs go back to the queue when their lease ends)\n`);
          process.exit(EXIT_ABANDONED);
        }
        stopping = true;
        process.stderr.write(`callsight: ${why}; draining (at most ${config.shutdownTimeoutS} s)...\n`);
        const deadline = setTimeout(() => {
          process.stderr.write(`callsight: still draining after SHUTDOWN_TIMEOUT_S=${config.shutdownTimeoutS}; exiting (unfinished jobs go back to the queue when their lease ends)\n`);
          process.exit(EXIT_ABANDONED);
        }, config.shutdownTimeoutS * 1000);
        deadline.unref();
        void (async () => {
          try {
            await running?.close();
            process.exit(code);
          } catch (error) {
            process.stderr.write(`callsight: shutdown failed: ${(error as Error).message}\n`);
            process.exit(EXIT_ABANDONED);
          }
        })();
      };
      process.on('SIGINT', () => shutdown('SIGINT', 0));
      process.on('SIGTERM', () => shutdown('SIGTERM', 0));
      running = await startHub(config, { onFatal: (reason) => shutdown(reason, EXIT_ABANDONED) });
      if (stopping) await running.close();
    });
}
