import { type Command, Option } from 'commander';
import { ROLES } from '../../core/access/access.policy';
import { cliActor } from '../../app/calls';
import { loadConfig } from '../config';
import { openHub } from '../hub';

function listOption(value?: string): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** `callsight token`: the issue-token use-case (app/tenants) as the operator; prints the token on stdout. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a bearer token for a user of a tenant (signed with the tenant secret on this hub)')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--user <id>', 'user id')
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
    .option('--agent <agentId>', 'agent id in telephony data (required for role agent)')
    .option('--teams <list>', 'comma-separated teams (manager, qa)')
    .option('--queues <list>', 'comma-separated queues (qa)')
    .option('--ttl <seconds>', 'lifetime in seconds (1..2592000)', '3600')
    .action(async (opts: { tenant: string; user: string; role: (typeof ROLES)[number]; agent?: string; teams?: string; queues?: string; ttl: string }) => {
      const hub = await openHub(loadConfig());
      try {
        const token = await hub.tenantAdmin.issueToken(cliActor(opts.tenant), {
          userId: opts.user,
          role: opts.role,
          ...(opts.agent ? { agentId: opts.agent } : {}),
          teams: listOption(opts.teams),
          queues: listOption(opts.queues),
          ttlS: Number(opts.ttl),
        });
        process.stdout.write(`${token}\n`);
      } finally {
        await hub.close();
      }
    });
}
