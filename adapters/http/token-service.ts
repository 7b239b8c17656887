import { createHash, webcrypto } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { CallsightError } from '../../core/shared/errors';
import { ROLES, type Principal } from '../../core/access/access.policy';

export const TOKEN_AUDIENCE = 'callsight';
export const TOKEN_ISSUER = 'callsight';

/** Looks up a tenant's HS256 secret for one purpose; null when the tenant is unknown on this hub. */
export type SecretResolver = (tenantId: string, purpose: 'jwt' | 'playback-url') => Uint8Array | null;

const claimsSchema = z.object({
  tenant: z.string().min(1),
  sub: z.string().min(1),
  role: z.enum(ROLES),
  agentId: z.string().min(1).optional(),
  teams: z.array(z.string()).default([]),
  queues: z.array(z.string()).default([]),
});

export interface IssueTokenInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Principal['role'];
  readonly agentId?: string;
  readonly teams?: readonly string[];
  readonly queues?: readonly string[];
  readonly ttlS?: number;
}

/** Why a token was refused; recorded in the audit trail, never the token itself. */
export class TokenRejectedError extends CallsightError {
  constructor(
    readonly reason: 'missing' | 'malformed' | 'algorithm' | 'signature' | 'expired' | 'audience' | 'issuer' | 'claims' | 'unknown_tenant',
    readonly claimedTenant: string | null,
  ) {
    super('UNAUTHENTICATED', `The bearer token was refused (${reason})`);
  }
}

/** Issues and verifies the hub's bearer tokens: HS256, one secret per tenant, `aud`/`iss` = callsight. */
export class TokenService {
  constructor(private readonly secrets: SecretResolver) {}

  async issue(input: IssueTokenInput): Promise<string> {
    const secret = this.secrets(input.tenantId, 'jwt');
    if (!secret) throw new CallsightError('NOT_FOUND', 'Tenant is not configured on this hub');
    const claims: Record<string, unknown> = { tenant: input.tenantId, role: input.role };
    if (input.agentId) claims.agentId = input.agentId;
    if (input.teams && input.teams.length > 0) claims.teams = input.teams;
    if (input.queues && input.queues.length > 0) claims.queues = input.queues;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(input.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${input.ttlS ?? 3600}s`)
      .sign(secret);
  }

  /** Verifies a bearer token and returns the principal; throws TokenRejectedError with the reason. */
  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new TokenRejectedError('missing', null);
    let claimedTenant: string | null = null;
    try {
      const header = decodeProtectedHeader(token);
      const unverified = decodeJwt(token);
      claimedTenant = typeof unverified.tenant === 'string' ? unverified.tenant : null;
      if (header.alg !== 'HS256') throw new TokenRejectedError('algorithm', claimedTenant);
    } catch (error) {
      if (error instanceof TokenRejectedError) throw error;
      throw new TokenRejectedError('malformed', null);
    }
    if (!claimedTenant) throw new TokenRejectedError('claims', null);
    const secret = safeSecret(this.secrets, claimedTenant, 'jwt');
    if (!secret) throw new TokenRejectedError('unknown_tenant', claimedTenant);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await hmacKeyOf(secret), {
        algorithms: ['HS256'],
        audience: TOKEN_AUDIENCE,
        issuer: TOKEN_ISSUER,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new TokenRejectedError(reasonFor(error), claimedTenant);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || claims.data.tenant !== claimedTenant) throw new TokenRejectedError('claims', claimedTenant);
    return {
      tenantId: claims.data.tenant,
      userId: claims.data.sub,
      role: claims.data.role,
      agentId: claims.data.agentId,
      teams: claims.data.teams,
      queues: claims.data.queues,
    };
  }
}

/** HMAC keys imported from secrets, by the SHA-256 of the secret (never the secret itself); cleared when full. */
const hmacKeys = new Map<string, Promise<webcrypto.CryptoKey>>();
const MAX_HMAC_KEYS = 1024;

/**
 * The HS256 verification key of a secret, imported once: given raw bytes, jose imports a key on every
 * verification, a measurable share of each API request (docs/performance.md). Keyed by the secret's hash, so a
 * changed secret is another key and nothing needs invalidating; a tenant whose secret is gone is refused before.
 */
function hmacKeyOf(secret: Uint8Array): Promise<webcrypto.CryptoKey> {
  const id = createHash('sha256').update(secret).digest('base64');
  let key = hmacKeys.get(id);
  if (!key) {
    if (hmacKeys.size >= MAX_HMAC_KEYS) hmacKeys.clear();
    key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    hmacKeys.set(id, key);
    key.catch(() => hmacKeys.delete(id));
  }
  return key;
}

function safeSecret(resolve: SecretResolver, tenantId: string, purpose: 'jwt' | 'playback-url'): Uint8Array | null {
  try {
    return resolve(tenantId, purpose);
  } catch {
    return null;
  }
}

function reasonFor(error: unknown): TokenRejectedError['reason'] {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'iss') return 'issuer';
    return 'claims';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm';
  return 'malformed';
}

/** What a playback link plays: a whole call, or one training clip (a time range of a call, masked as for QA). */
type PlaybackGrant = { readonly kind: 'call'; readonly id: string } | { readonly kind: 'clip'; readonly id: string };

const AUDIENCE = { call: 'callsight-playback', clip: 'callsight-clip-playback' } as const;

/**
 * Short-lived, header-free playback URLs for `<audio>` elements: bound to one tenant, user and call, or to one
 * training clip. The two kinds have different audiences, so a clip's link never plays its whole call.
 */
export class PlaybackTokens {
  constructor(
    private readonly secrets: SecretResolver,
    private readonly ttlS = 300,
  ) {}

  issue(principal: Principal, callId: string, now: Date): Promise<{ token: string; expiresAt: string }> {
    return this.sign(principal, { kind: 'call', id: callId }, now);
  }

  /** A link that plays only the clip `clipId` (checked again when played). */
  issueClip(principal: Principal, clipId: string, now: Date): Promise<{ token: string; expiresAt: string }> {
    return this.sign(principal, { kind: 'clip', id: clipId }, now);
  }

  /** Returns the principal and call the URL was issued for; throws FORBIDDEN when invalid or expired. */
  async verify(token: string, now: Date): Promise<{ principal: Principal; callId: string }> {
    const { principal, id } = await this.check(token, 'call', now);
    return { principal, callId: id };
  }

  /** Returns the principal and clip a clip's URL was issued for; throws FORBIDDEN when invalid or expired. */
  async verifyClip(token: string, now: Date): Promise<{ principal: Principal; clipId: string }> {
    const { principal, id } = await this.check(token, 'clip', now);
    return { principal, clipId: id };
  }

  private async sign(principal: Principal, grant: PlaybackGrant, now: Date): Promise<{ token: string; expiresAt: string }> {
    const secret = this.secrets(principal.tenantId, 'playback-url');
    if (!secret) throw new CallsightError('NOT_FOUND', 'Tenant is not configured on this hub');
    const exp = Math.floor(now.getTime() / 1000) + this.ttlS;
    const token = await new SignJWT({
      tenant: principal.tenantId,
      [grant.kind]: grant.id,
      role: principal.role,
      agentId: principal.agentId,
      teams: principal.teams,
      queues: principal.queues,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(principal.userId)
      .setAudience(AUDIENCE[grant.kind])
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(exp)
      .sign(secret);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  private async check(token: string, kind: PlaybackGrant['kind'], now: Date): Promise<{ principal: Principal; id: string }> {
    let tenant: string | null = null;
    try {
      const unverified = decodeJwt(token);
      tenant = typeof unverified.tenant === 'string' ? unverified.tenant : null;
    } catch {
      tenant = null;
    }
    const secret = tenant ? safeSecret(this.secrets, tenant, 'playback-url') : null;
    if (!tenant || !secret) throw new CallsightError('FORBIDDEN', 'The playback link is not valid');
    try {
      const { payload } = await jwtVerify(token, await hmacKeyOf(secret), {
        algorithms: ['HS256'],
        audience: AUDIENCE[kind],
        currentDate: now,
      });
      const claims = claimsSchema.parse(payload);
      return {
        id: z.string().min(1).parse(payload[kind]),
        principal: {
          tenantId: claims.tenant,
          userId: claims.sub,
          role: claims.role,
          agentId: claims.agentId,
          teams: claims.teams,
          queues: claims.queues,
        },
      };
    } catch (cause) {
      const expired = cause instanceof joseErrors.JWTExpired;
      throw new CallsightError('FORBIDDEN', expired ? 'The playback link has expired' : 'The playback link is not valid', { cause });
    }
  }
}
