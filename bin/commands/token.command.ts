import { type Command, Option } from 'commander';
import { ROLES } from '../../core/access/access.policy';
import { loadConfig } from '../config';
import { openHub } from '../hub';

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
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .action(async (opts: { tenant: string; user: string; role: (typeof ROLES)[number]; agent?: string; teams?: string; queues?: string; ttl: string }) => {
      if (opts.role === 'agent' && !opts.agent) {
        throw new Error('--agent is required for role agent: an agent only reaches calls carrying their agent id');
      }
      const ttlS = Number(opts.ttl);
      if (!Number.isInteger(ttlS) || ttlS <= 0 || ttlS > 30 * 86400) throw new Error('--ttl must be 1..2592000 seconds');
      const hub = await openHub(loadConfig());
      try {
        if (!(await hub.calls.getTenant(opts.tenant))) {
          throw new Error(`Tenant "${opts.tenant}" does not exist on this hub (DATA_DIR ${hub.config.dataDir}); run "callsight serve" or "callsight tenant add" first`);
        }
        const split = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
        const token = await hub.tokens.issue({
          tenantId: opts.tenant,
          userId: opts.user,
          role: opts.role,
          ...(opts.agent ? { agentId: opts.agent } : {}),
          teams: split(opts.teams),
          queues: split(opts.queues),
          ttlS,
        });
        process.stdout.write(`${token}\n`);
      } finally {
        await hub.close();
      }
    });
}
