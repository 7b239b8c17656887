import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PlaybackTokens, TokenService } from '../../../adapters/http/token-service';

/**
 * The token services keep the HMAC keys they import: what they accept must still follow the tenant's secret as it
 * is now (a changed or removed secret refuses the tokens signed with the old one).
 */
describe('bearer and playback tokens across secret changes', () => {
  it('accepts tokens of the current secret only, again and again', async () => {
    const secrets = new Map([['t-1', randomBytes(32)]]);
    const service = new TokenService((tenantId) => secrets.get(tenantId) ?? null);
    const first = await service.issue({ tenantId: 't-1', userId: 'u-1', role: 'admin' });
    for (let i = 0; i < 3; i++) await expect(service.verify(first)).resolves.toMatchObject({ tenantId: 't-1', userId: 'u-1' });

    secrets.set('t-1', randomBytes(32));
    await expect(service.verify(first)).rejects.toMatchObject({ reason: 'signature' });
    const second = await service.issue({ tenantId: 't-1', userId: 'u-1', role: 'admin' });
    await expect(service.verify(second)).resolves.toMatchObject({ tenantId: 't-1' });

    secrets.delete('t-1');
    await expect(service.verify(second)).rejects.toMatchObject({ reason: 'unknown_tenant' });
  });

  it('keeps tenants with different secrets apart', async () => {
    const secrets = new Map([['t-a', randomBytes(32)], ['t-b', randomBytes(32)]]);
    const service = new TokenService((tenantId) => secrets.get(tenantId) ?? null);
    const a = await service.issue({ tenantId: 't-a', userId: 'u', role: 'admin' });
    await expect(service.verify(a)).resolves.toMatchObject({ tenantId: 't-a' });
    // The same token body claiming the other tenant does not verify with that tenant's key.
    const [header, , signature] = a.split('.');
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString()), tenant: 't-b' })).toString('base64url');
    await expect(service.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject({ reason: 'signature' });
  });

  it('refuses a playback link once the secret changed', async () => {
    const secrets = new Map([['t-1', randomBytes(32)]]);
    const links = new PlaybackTokens((tenantId) => secrets.get(tenantId) ?? null);
    const now = new Date();
    const principal = { tenantId: 't-1', userId: 'u-1', role: 'admin' as const, teams: [], queues: [] };
    const { token } = await links.issue(principal, 'c-1', now);
    await expect(links.verify(token, now)).resolves.toMatchObject({ callId: 'c-1' });
    await expect(links.verify(token, now)).resolves.toMatchObject({ callId: 'c-1' });
    secrets.set('t-1', randomBytes(32));
    await expect(links.verify(token, now)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
