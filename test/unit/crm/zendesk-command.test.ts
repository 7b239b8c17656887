/** `callsight tenant zendesk-connect`: --app-link-base is gone; the error names --app-name, before anything is opened. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerZendeskCommands } from '../../../bin/commands/zendesk.command';

function program(): Command {
  const p = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerZendeskCommands(p);
  return p;
}

const base = ['tenant', 'zendesk-connect', 'acme', '--subdomain', 'acme', '--email', 'sync@acme.example', '--api-token-file', '/nonexistent/token'];

describe('zendesk-connect flags', () => {
  it('refuses --app-link-base with an error naming --app-name', async () => {
    await expect(program().parseAsync([...base, '--app-link-base', 'https://callsight.example.com/calls'], { from: 'user' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/--app-link-base is no longer supported.*--app-name/),
    });
  });

  it('offers --app-name (default callsight) in the help, and no longer --app-link-base', () => {
    const connect = program().commands.find((c) => c.name() === 'tenant')!.commands.find((c) => c.name() === 'zendesk-connect')!;
    const help = connect.helpInformation();
    expect(help).toContain('--app-name <name>');
    expect(help).toContain('agent/apps/<app-name>/calls/<id>');
    expect(help).not.toContain('--app-link-base');
    expect(connect.opts()).toMatchObject({ appName: 'callsight' });
  });
});
