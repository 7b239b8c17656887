import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { cliActor } from '../../app/calls';
import { loadConfig } from '../config';
import { openHub } from '../hub';
import { crmUseCasesOf, salesforceBackfillOf } from '../wiring/zendesk.wiring';

/**
 * `callsight salesforce connect <tenant>`: the Salesforce API connection the CRM sync writes calls and evaluations
 * with (OAuth 2.0 JWT bearer flow of a connected app and an integration user); the private key is read from a file
 * (never a flag, which lands in shell history) and stored sealed. `callsight salesforce register-org <tenant>`: the
 * org whose users open hub sessions, with the certificate its Apex signs with (also `tenant add --salesforce-org`).
 * `callsight salesforce backfill --tenant T [--since DATE]`: every stored call (since DATE) written to Salesforce
 * through Bulk API 2.0, with a progress bar on stderr and the counts as JSON on stdout; exit code 1 when any call
 * was refused.
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
  salesforce
    .command('backfill')
    .description("write a tenant's calls to Call_Recording__c through Bulk API 2.0 (a new connection's history, an import); upserts, so a re-run doubles nothing")
    .requiredOption('--tenant <id>', 'the tenant whose calls are written')
    .option('--since <date>', 'only calls started at or after this date (YYYY-MM-DD or an ISO-8601 instant)', parseSince)
    .option('--chunk <n>', 'calls per Bulk job (a progress step)', parseChunk)
    .action(async (opts: { tenant: string; since?: string; chunk?: number }) => {
      const hub = await openHub(loadConfig());
      const bar = new SingleBar({ format: 'salesforce backfill {bar} {value}/{total} calls', stream: process.stderr, noTTYOutput: true }, Presets.shades_classic);
      let started = false;
      try {
        const backfill = salesforceBackfillOf(hub, {
          ...(opts.chunk !== undefined ? { chunkSize: opts.chunk } : {}),
          onProgress: ({ done, total }) => {
            if (!started) bar.start(total, done);
            else bar.update(done);
            started = true;
          },
        });
        const result = await backfill(cliActor(opts.tenant), opts.since === undefined ? {} : { since: opts.since });
        bar.stop();
        process.stdout.write(`${JSON.stringify(result)}\n`);
        const refused = Object.values(result.failed).reduce((a, b) => a + b, 0);
        process.stderr.write(`tenant ${opts.tenant}: ${result.recorded} of ${result.total} calls written to Salesforce${refused > 0 ? `, ${refused} refused (${Object.entries(result.failed).map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}\n`);
        if (refused > 0) process.exitCode = 1;
      } finally {
        bar.stop();
        await hub.close();
      }
    });
}

/** `--since`: a date (midnight UTC) or an ISO-8601 instant with its offset, as an ISO instant. */
export function parseSince(value: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}(T.*(Z|[+-]\d{2}:?\d{2}))?$/.test(value) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError('use a date YYYY-MM-DD or an ISO-8601 instant with its offset, e.g. 2026-01-31T00:00:00Z');
  }
  return at.toISOString();
}

function parseChunk(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('use a whole number of calls from 1 to 100000');
  return n;
}
