import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../app/calls';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { crmUseCasesOf } from '../wiring/zendesk.wiring';

/**
 * `callsight salesforce connect <tenant>`: the Salesforce API connection the CRM sync writes calls and evaluations
 * with (OAuth 2.0 JWT bearer flow of a connected app and an integration user); the private key is read from a file
 * (never a flag, which lands in shell history) and stored sealed. `callsight salesforce register-org <tenant>`: the
 * org whose users open hub sessions, with the certificate its Apex signs with (also `tenant add --salesforce-org`).
 */
export function registerSalesforceCommands(program: Command): void {
  const salesforce = program.command('salesforce').description('the Salesforce package and the CRM sync');
  salesforce
    .command('connect <tenant>')
    .description('store the Salesforce API connection of a tenant: calls and QA evaluations are synced to Call_Recording__c and Call_Evaluation__c')
    .requiredOption('--org <id>', 'the org id (00D...)')
    .requiredOption('--consumer-key <key>', "the connected app's consumer key")
    .requiredOption('--username <user>', 'the integration user the connected app is pre-authorised for')
    .requiredOption('--key-file <file>', 'file holding the PKCS#8 PEM private key whose certificate is uploaded to the connected app')
    .option('--login-url <url>', 'https://login.salesforce.com, https://test.salesforce.com or the My Domain URL', 'https://login.salesforce.com')
    .option('--api-version <v>', 'REST API version, 62.0 or newer')
    .option('--tag-field <field...>', 'Contact/Account fields read as customer tags, e.g. Account.Type Account.Rating')
    .action(async (tenantId: string, opts: { org: string; consumerKey: string; username: string; keyFile: string; loginUrl: string; apiVersion?: string; tagField?: string[] }) => {
      const privateKeyPem = readFileSync(opts.keyFile, 'utf8');
      const hub = await openHub(loadConfig());
      try {
        const connected = await crmUseCasesOf(hub).connectSalesforce(cliActor(tenantId), {
          orgId: opts.org,
          loginUrl: opts.loginUrl,
          consumerKey: opts.consumerKey,
          username: opts.username,
          privateKeyPem,
          ...(opts.apiVersion ? { apiVersion: opts.apiVersion } : {}),
          ...(opts.tagField ? { tagFields: opts.tagField } : {}),
        });
        process.stderr.write(`tenant ${tenantId}: Salesforce org ${connected.orgId} connected as ${connected.username}; new calls are synced from now on\n`);
      } finally {
        await hub.close();
      }
    });
  salesforce
    .command('register-org <tenant>')
    .description("register the org whose users open Callsight sessions, with the certificate the package's Apex signs with")
    .requiredOption('--org <id>', 'the org id (00D...)')
    .requiredOption('--cert-file <file>', 'the org certificate in PEM (Setup > Certificate and Key Management > Download Certificate)')
    .option('--login-url <url>', "the org's login URL, for reference")
    .option('--audience <aud>', "the hub URL the package names as audience (default: this hub's PUBLIC_URL)")
    .action(async (tenantId: string, opts: { org: string; certFile: string; loginUrl?: string; audience?: string }) => {
      const hub = await openHub(loadConfig());
      try {
        const registered = await crmUseCasesOf(hub).registerSalesforceOrg(cliActor(tenantId), {
          orgId: opts.org,
          certificatePem: readFileSync(opts.certFile, 'utf8'),
          ...(opts.loginUrl ? { loginUrl: opts.loginUrl } : {}),
          ...(opts.audience ? { audience: opts.audience } : {}),
        });
        process.stderr.write(`tenant ${tenantId}: Salesforce org ${registered.orgId} registered (certificate sha256 ${registered.certificateSha256}, valid until ${registered.notAfter})\n`);
      } finally {
        await hub.close();
      }
    });
}
