import type { Command } from 'commander';
import { loadConfig } from '../config';
import { startHub } from '../server';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the hub (REST API, demo, workers); seeds the demo tenant on first start')
    .action(async () => {
      const running = await startHub(loadConfig());
      const shutdown = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
