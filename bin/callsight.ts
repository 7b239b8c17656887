import { Command, CommanderError } from 'commander';
import { registerServeCommand } from './commands/serve.command';
import { registerTokenCommand } from './commands/token.command';
import { registerSeedCommand } from './commands/seed.command';
import { registerImportCommand } from './commands/import.command';
import { registerTenantCommands } from './commands/tenant.command';
import { registerZendeskCommands } from './commands/zendesk.command';
import { registerJobsCommand } from './commands/jobs.command';
import { registerAnalyzeCommands } from './commands/analyze.command';
import { registerRetentionCommands } from './commands/retention.command';
import { registerBackupCommands } from './commands/backup.command';
import { registerAuditCommands } from './commands/audit.command';
import { registerExportCommands } from './commands/export.command';
import { registerSampleCliCommands } from './commands/sample.command';
import { registerKeysCommands } from './commands/keys.command';
import { registerStorageCommands } from './commands/storage.command';
import { registerRecordingsCommands } from './commands/recordings.command';
import { registerCompletenessCommand } from './commands/completeness.command';
import { registerSalesforceCommands } from './commands/salesforce.command';
import { registerConnectCommands } from './commands/connect.command';
import { registerWatchCommand } from './commands/watch.command';

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
registerZendeskCommands(program);
registerJobsCommand(program);
registerAnalyzeCommands(program);
registerRetentionCommands(program);
registerBackupCommands(program);
registerAuditCommands(program);
registerExportCommands(program);
registerSampleCliCommands(program);
registerKeysCommands(program);
registerStorageCommands(program);
registerRecordingsCommands(program);
registerCompletenessCommand(program);
registerSalesforceCommands(program);
registerConnectCommands(program);
registerWatchCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`callsight: ${(error as Error).message}\n`);
  process.exit(2);
}
