import type { Command } from 'commander';
import { loadConfig } from '../config';
import { startHub } from '../server';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the hub (REST API, demo, workers); in demo mode seeds the demo tenant on first start')
    .option('--no-demo', 'no /demo page and no demo seeding (demo mode is also off when PUBLIC_URL is set or DEMO=false)')
    .action(async (opts: { demo: boolean }) => {
      const running = await startHub(loadConfig(process.env, opts.demo ? {} : { demo: false }));
      const shutdown = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
