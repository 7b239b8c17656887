import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { cliActor } from '../../app/calls';
import { DEFAULT_PHONE_REGION } from '../../core/recordings/phone';
import { TENANT_INDUSTRIES, type AddTenantRequest } from '../../app/tenants';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { crmUseCasesOf } from '../wiring/zendesk.wiring';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { zendeskPublicKeyChecker } from './zendesk.command';
import { readSalesforceCertificate } from '../../adapters/crm/salesforce';

function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/**
 * `callsight tenant add <id>`: the add-tenant use-case (app/tenants) as the operator; secrets are read from
 * files (never flags, which land in shell history) and checked by the use-case, which writes nothing when any
 * option is invalid.
 */
export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('manage tenants and their provider accounts');
  tenant
    .command('add <id>')
    .description('create a tenant (with its keys) and optionally link a Zendesk subdomain or Twilio account')
    .option('--name <name>', 'display name')
    .option('--region <code>', 'default phone region (ISO 3166 alpha-2)', DEFAULT_PHONE_REGION)
    .addOption(new Option('--industry <industry>', 'industry preset').choices([...TENANT_INDUSTRIES]).default('general'))
    .option('--zendesk <subdomain>', 'Zendesk subdomain whose app installation signs requests for this tenant (signed URLs)')
    .option('--zendesk-installation <id>', 'the Zendesk app installation id')
    .option('--zendesk-public-key <file>', "file holding the Zendesk app's public key in PEM (GET /api/v2/apps/{app_id}/public_key.pem)")
    .addOption(new Option('--secret-file <file>', 'removed: Zendesk requests are signed with the app key').hideHelp())
    .option('--twilio-account <sid>', 'Twilio Account SID whose recordings belong to this tenant')
    .option('--twilio-token-file <file>', 'file holding the Twilio auth token')
    .option('--salesforce-org <id>', 'Salesforce org id (00D...) whose users open Callsight sessions for this tenant')
    .option('--cert-file <file>', "the org's certificate in PEM, which the package's Apex signs session assertions with")
    .option('--salesforce-login-url <url>', "the org's login URL (My Domain), for reference")
    .option('--salesforce-audience <aud>', "the hub URL the package names as audience (default: this hub's PUBLIC_URL)")
    .action(async (
      id: string,
      opts: {
        name?: string;
        region: string;
        industry: (typeof TENANT_INDUSTRIES)[number];
        zendesk?: string;
        zendeskInstallation?: string;
        zendeskPublicKey?: string;
        secretFile?: string;
        twilioAccount?: string;
        twilioTokenFile?: string;
        salesforceOrg?: string;
        certFile?: string;
        salesforceLoginUrl?: string;
        salesforceAudience?: string;
      },
    ) => {
      if (opts.secretFile !== undefined) throw new Error('--secret-file is gone: Zendesk signs its requests with the app key; give --zendesk-installation and --zendesk-public-key');
      if (opts.zendesk && (!opts.zendeskInstallation || !opts.zendeskPublicKey)) throw new Error('--zendesk needs --zendesk-installation and --zendesk-public-key (the app public key in PEM)');
      // Checked before the tenant is created, so that a bad key changes nothing.
      const zendeskKey = opts.zendesk && opts.zendeskPublicKey ? zendeskPublicKeyChecker.checkZendeskPublicKey(readFileSync(opts.zendeskPublicKey, 'utf8')) : null;
      if (opts.twilioAccount && !opts.twilioTokenFile) throw new Error('--twilio-account needs --twilio-token-file');
      if (opts.salesforceOrg && !opts.certFile) throw new Error('--salesforce-org needs --cert-file with the org certificate (PEM)');
      const certificatePem = opts.salesforceOrg && opts.certFile ? readFileSync(opts.certFile, 'utf8') : null;
      // Checked before the tenant is created, so that a bad certificate changes nothing.
      if (certificatePem !== null) readSalesforceCertificate(certificatePem, new Date());
      const request: AddTenantRequest = {
        ...(opts.name ? { name: opts.name } : {}),
        region: opts.region,
        industry: opts.industry,
        ...(opts.twilioAccount && opts.twilioTokenFile ? { twilio: { accountSid: opts.twilioAccount, authToken: readSecretFile(opts.twilioTokenFile) } } : {}),
      };
      const hub = await openHub(loadConfig());
      try {
        const added = await hub.tenantAdmin.addTenant(cliActor(id), request);
        const org =
          opts.salesforceOrg && certificatePem !== null
            ? await crmUseCasesOf(hub).registerSalesforceOrg(cliActor(id), {
                orgId: opts.salesforceOrg,
                certificatePem,
                ...(opts.salesforceLoginUrl ? { loginUrl: opts.salesforceLoginUrl } : {}),
                ...(opts.salesforceAudience ? { audience: opts.salesforceAudience } : {}),
              })
            : null;
        const zendeskApp =
          opts.zendesk && opts.zendeskInstallation && zendeskKey !== null
            ? await registerZendeskApp.bind({
                calls: hub.calls,
                accounts: hub.accounts,
                keys: hub.keys,
                publicKeys: zendeskPublicKeyChecker,
                clock: hub.clock,
                audit: (entry) => hub.audit(entry),
              })(cliActor(id), { subdomain: opts.zendesk, installationId: opts.zendeskInstallation, publicKey: zendeskKey })
            : null;
        const zendesk = zendeskApp ? `, Zendesk ${zendeskApp.subdomain} installation ${zendeskApp.installationId}` : '';
        const salesforce = org ? `, Salesforce org ${org.orgId} (certificate sha256 ${org.certificateSha256.slice(0, 16)}...)` : '';
        process.stderr.write(`tenant ${added.tenant.id} ready${zendesk}${salesforce}${added.twilioLinked ? ', Twilio account linked' : ''}\n`);
      } finally {
        await hub.close();
      }
    });
}
