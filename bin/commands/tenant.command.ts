import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { loadConfig } from '../config';
import { openHub } from '../hub';

const INDUSTRIES = ['general', 'finance', 'ecommerce', 'education', 'medical'] as const;

function readSecretFile(path: string, what: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 16) throw new Error(`${what} in ${path} is shorter than 16 characters; use a long random secret`);
  return secret;
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('manage tenants and their provider accounts');
  tenant
    .command('add <id>')
    .description('create a tenant (with its keys) and optionally link a Zendesk subdomain or Twilio account')
    .option('--name <name>', 'display name')
    .option('--region <code>', 'default phone region (ISO 3166 alpha-2)', 'CN')
    .addOption(new Option('--industry <industry>', 'industry preset').choices([...INDUSTRIES]).default('general'))
    .option('--zendesk <subdomain>', 'Zendesk subdomain whose app installation signs requests for this tenant')
    .option('--secret-file <file>', 'file holding the Zendesk app shared_secret')
    .option('--twilio-account <sid>', 'Twilio Account SID whose recordings belong to this tenant')
    .option('--twilio-token-file <file>', 'file holding the Twilio auth token')
    .action(async (id: string, opts: { name?: string; region: string; industry: (typeof INDUSTRIES)[number]; zendesk?: string; secretFile?: string; twilioAccount?: string; twilioTokenFile?: string }) => {
      if (!/^[A-Za-z]{2}$/.test(opts.region)) throw new Error('--region must be a two-letter country code');
      if (opts.zendesk && !opts.secretFile) throw new Error('--zendesk needs --secret-file with the app shared_secret');
      if (opts.twilioAccount && !opts.twilioTokenFile) throw new Error('--twilio-account needs --twilio-token-file');
      const zendeskSecret = opts.zendesk && opts.secretFile ? readSecretFile(opts.secretFile, 'The shared secret') : null;
      const twilioToken = opts.twilioAccount && opts.twilioTokenFile ? readSecretFile(opts.twilioTokenFile, 'The auth token') : null;
      const hub = await openHub(loadConfig());
      try {
        await hub.ensureTenant({ id, name: opts.name ?? id, defaultRegion: opts.region.toUpperCase(), industry: opts.industry });
        const now = hub.clock.now();
        if (opts.zendesk && zendeskSecret) {
          const subdomain = opts.zendesk.toLowerCase();
          if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(subdomain)) throw new Error('--zendesk must be a subdomain such as "acme"');
          hub.accounts.save(
            { provider: 'zendesk', accountId: subdomain, tenantId: id, sealedSecret: hub.keys.sealSecret(id, 'zendesk', zendeskSecret), settings: {} },
            now,
          );
        }
        if (opts.twilioAccount && twilioToken) {
          if (!/^AC[0-9a-fA-F]{32}$/.test(opts.twilioAccount)) throw new Error('--twilio-account must be an Account SID (AC + 32 hex)');
          hub.accounts.save(
            { provider: 'twilio', accountId: opts.twilioAccount, tenantId: id, sealedSecret: hub.keys.sealSecret(id, 'twilio', twilioToken), settings: {} },
            now,
          );
        }
        await hub.audit({ tenantId: id, actor: 'cli', role: 'admin', action: 'change_settings', target: `tenant:${id}`, outcome: 'allowed', reason: 'tenant_add' });
        process.stderr.write(`tenant ${id} ready${opts.zendesk ? `, Zendesk ${opts.zendesk}` : ''}${opts.twilioAccount ? ', Twilio account linked' : ''}\n`);
      } finally {
        await hub.close();
      }
    });
}
