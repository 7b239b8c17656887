import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { ROLES, type Role } from '../../core/access/access.policy';
import type { ZendeskUserGrant } from '../../core/crm/zendesk-identity';
import { findZendeskInstallationTenant } from '../../app/crm/index';
import type { ZendeskPublicKeyChecker } from '../../app/crm/zendesk-app.ports';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { cliActor } from '../../app/shared/actor';
import { CallsightError } from '../../core/shared/errors';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { crmUseCasesOf } from '../wiring/zendesk.wiring';

function readSecretFile(path: string, what: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  if (secret === '') throw new Error(`${what} file ${path} is empty`);
  return secret;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `NAME=ROLE` (Zendesk role name to Callsight role or `none`). */
function parseRoleOption(option: string): [string, Role | 'none'] {
  const at = option.lastIndexOf('=');
  const name = option.slice(0, at).trim();
  const role = option.slice(at + 1).trim();
  if (at <= 0 || name === '' || !([...ROLES, 'none'] as string[]).includes(role)) {
    throw new Error(`--role "${option}": use NAME=ROLE with ROLE one of ${[...ROLES, 'none'].join(', ')}`);
  }
  return [name, role as Role | 'none'];
}

/** `ID=ROLE[;agent=AGENT][;teams=a,b][;queues=x,y]`. */
function parseUserOption(option: string): [string, ZendeskUserGrant] {
  const [head = '', ...parts] = option.split(';');
  const at = head.indexOf('=');
  const id = head.slice(0, at).trim();
  const role = head.slice(at + 1).trim();
  if (at <= 0 || !(ROLES as readonly string[]).includes(role)) {
    throw new Error(`--user "${option}": use ID=ROLE[;agent=ID][;teams=a,b][;queues=x,y] with ROLE one of ${ROLES.join(', ')}`);
  }
  const grant: { role: Role; agentId?: string; teams?: string[]; queues?: string[] } = { role: role as Role };
  for (const part of parts) {
    const [key = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (key === 'agent' && value !== '') grant.agentId = value;
    else if (key === 'teams') grant.teams = list;
    else if (key === 'queues') grant.queues = list;
    else throw new Error(`--user "${option}": unknown part "${key}" (agent, teams, queues)`);
  }
  return [id, grant];
}

/** Accepts an RSA public key of at least 2048 bits in PEM; answers it as SPKI PEM. Never echoes the key. */
export const zendeskPublicKeyChecker: ZendeskPublicKeyChecker = {
  checkZendeskPublicKey(pem) {
    let key;
    try {
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch (error) {
      throw new CallsightError('VALIDATION_FAILED', 'The Zendesk public key is not a PEM public key: copy the key Zendesk shows for the app (-----BEGIN PUBLIC KEY-----)', { cause: error });
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (key.asymmetricKeyType !== 'rsa' || bits < 2048) {
      throw new CallsightError('VALIDATION_FAILED', 'The Zendesk public key must be an RSA key of at least 2048 bits (Zendesk signs with RS256)');
    }
    return key.export({ type: 'spki', format: 'pem' }).toString();
  },
};

/**
 * `callsight zendesk connect <subdomain> --tenant T --installation-id N --public-key FILE`: registers the Zendesk
 * app installation whose signed page requests (ZAF JWT, RS256) identify Zendesk users to the hub.
 */
function registerZendeskAppCommand(program: Command): void {
  const zendesk = program.commands.find((command) => command.name() === 'zendesk') ?? program.command('zendesk').description('the Zendesk app');
  zendesk
    .command('connect <subdomain>')
    .description("register the Zendesk app installation of a subdomain: Zendesk's public key for the app and the installation id")
    .requiredOption('--tenant <id>', 'the tenant the Zendesk account belongs to')
    .requiredOption('--installation-id <id>', 'the app installation id (zcli apps:create prints it; Admin Center shows it)')
    .requiredOption('--public-key <file>', "file holding the app's public key in PEM (Zendesk: GET /api/v2/apps/{app_id}/public_key.pem)")
    .action(async (subdomain: string, opts: { tenant: string; installationId: string; publicKey: string }) => {
      const publicKey = readFileSync(opts.publicKey, 'utf8');
      const hub = await openHub(loadConfig());
      try {
        const register = registerZendeskApp.bind({
          calls: hub.calls,
          accounts: hub.accounts,
          keys: hub.keys,
          publicKeys: zendeskPublicKeyChecker,
          clock: hub.clock,
          audit: (entry) => hub.audit(entry),
        });
        const registered = await register(cliActor(opts.tenant), { subdomain, installationId: opts.installationId, publicKey });
        process.stderr.write(
          `tenant ${opts.tenant}: Zendesk ${registered.subdomain} installation ${registered.installationId} ${registered.created ? 'connected' : 'updated'}; map its users with \`callsight tenant zendesk-roles ${registered.subdomain}\`\n`,
        );
      } finally {
        await hub.close();
      }
    });
}

/**
 * `callsight tenant zendesk-connect` (the Zendesk API connection used to put calls on customers) and
 * `callsight tenant zendesk-roles` (who a Zendesk user is in Callsight), attached to the `tenant` command; and
 * `callsight zendesk connect` (the app installation's public key, for signed URLs).
 */
export function registerZendeskCommands(program: Command): void {
  registerZendeskAppCommand(program);
  const tenant = program.commands.find((command) => command.name() === 'tenant') ?? program.command('tenant').description('manage tenants');

  tenant
    .command('zendesk-connect <tenant>')
    .description("connect a tenant to its Zendesk account's API: each new call is then recorded on the customer in Zendesk")
    .requiredOption('--subdomain <subdomain>', 'Zendesk subdomain, e.g. acme for acme.zendesk.com')
    .requiredOption('--email <email>', 'email of the Zendesk user who owns the API token')
    .requiredOption('--api-token-file <file>', 'file holding the Zendesk API token')
    .option('--base-url <url>', 'API base URL when not https://<subdomain>.zendesk.com (a proxy)')
    .option('--custom-object <key>', 'key of the call custom object', 'callsight_call')
    .addOption(new Option('--notes <on|off>', "post an internal note on the customer's open ticket").choices(['on', 'off']).default('off'))
    .addOption(new Option('--note-locale <locale>', 'language of the notes and record names').choices(['en', 'zh-CN']).default('en'))
    .option('--app-name <name>', 'the Zendesk app as installed (its nav bar route): calls link to https://<subdomain>.zendesk.com/agent/apps/<app-name>/calls/<id>', 'callsight')
    .addOption(new Option('--app-link-base <url>', 'removed: use --app-name').hideHelp())
    .action(async (tenantId: string, opts: { subdomain: string; email: string; apiTokenFile: string; baseUrl?: string; customObject: string; notes: 'on' | 'off'; noteLocale: 'en' | 'zh-CN'; appName: string; appLinkBase?: string }) => {
      if (opts.appLinkBase !== undefined) {
        throw new CallsightError(
          'VALIDATION_FAILED',
          '--app-link-base is no longer supported: calls now open inside the Zendesk app; pass --app-name <name> (the installed app name, default callsight) instead',
        );
      }
      const config = loadConfig();
      const apiToken = readSecretFile(opts.apiTokenFile, 'The API token');
      const hub = await openHub(config);
      try {
        await crmUseCasesOf(hub).connectZendesk(cliActor(tenantId), {
          subdomain: opts.subdomain,
          email: opts.email,
          apiToken,
          ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
          customObjectKey: opts.customObject,
          notes: { enabled: opts.notes === 'on', locale: opts.noteLocale },
          appName: opts.appName,
        });
        process.stderr.write(`tenant ${tenantId}: new calls will be recorded in Zendesk ${opts.subdomain.toLowerCase()}${opts.notes === 'on' ? ' with ticket notes' : ''}\n`);
      } finally {
        await hub.close();
      }
    });

  tenant
    .command('zendesk-roles <subdomain>')
    .description('show or change how Zendesk users and roles map to Callsight roles, agent ids, teams and queues')
    .option('--from-file <file>', 'replace the whole mapping with a JSON file {"roles": {...}, "users": {...}}')
    .option('--role <NAME=ROLE>', 'map a Zendesk role name (admin, agent, a custom role) to a Callsight role or none; repeatable', collect, [])
    .option('--user <ID=ROLE;agent=A;teams=a,b;queues=q>', 'give a Zendesk user id Callsight rights; repeatable', collect, [])
    .option('--remove-user <id>', 'remove a Zendesk user id from the mapping; repeatable', collect, [])
    .action(async (subdomain: string, opts: { fromFile?: string; role: string[]; user: string[]; removeUser: string[] }) => {
      const hub = await openHub(loadConfig());
      try {
        const crm = crmUseCasesOf(hub);
        const actor = cliActor(await findZendeskInstallationTenant(hub.accounts, subdomain));
        const changing = opts.fromFile !== undefined || opts.role.length + opts.user.length + opts.removeUser.length > 0;
        const result = changing
          ? await crm.updateZendeskRoles(actor, {
              subdomain,
              ...(opts.fromFile === undefined ? {} : { replace: JSON.parse(readFileSync(opts.fromFile, 'utf8')) as unknown }),
              roles: Object.fromEntries(opts.role.map(parseRoleOption)),
              users: Object.fromEntries(opts.user.map(parseUserOption)),
              removeUsers: opts.removeUser,
            })
          : await crm.getZendeskRoles(actor, { subdomain });
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } finally {
        await hub.close();
      }
    });
}
