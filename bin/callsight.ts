import { Command, CommanderError } from 'commander';
import { registerServeCommand } from './commands/serve.command';
import { registerTokenCommand } from './commands/token.command';
import { registerSeedCommand } from './commands/seed.command';
import { registerImportCommand } from './commands/import.command';
import { registerTenantCommands } from './commands/tenant.command';
import { registerJobsCommand } from './commands/jobs.command';
import { registerAnalyzeCommands } from './commands/analyze.command';

const program = new Command()
  .name('callsight')
  .description('Callsight hub: call recordings and call quality inside the CRM')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerTokenCommand(program);
registerSeedCommand(program);
registerImportCommand(program);
registerTenantCommands(program);
registerJobsCommand(program);
registerAnalyzeCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`callsight: ${(error as Error).message}\n`);
  process.exit(2);
}
