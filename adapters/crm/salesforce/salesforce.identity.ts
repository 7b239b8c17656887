import { createHash, X509Certificate } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, importSPKI, jwtVerify } from 'jose';
import {
  MAX_SALESFORCE_ASSERTION_LIFETIME_S,
  SALESFORCE_CLOCK_SKEW_S,
  type SalesforceAssertionRejection,
} from '../../../core/crm/salesforce-identity';
import { salesforceAssertionClaimsSchema } from '../../../core/api/salesforce-session.api';
import { CallsightError } from '../../../core/shared/errors';

/** What the hub keeps of an org's certificate: the public key to verify with and how to recognise the certificate. */
export interface SalesforceCertificateInfo {
  /** SPKI PEM of the certificate's RSA public key. */
  readonly publicKeyPem: string;
  /** SHA-256 of the certificate (DER), hex, as `openssl x509 -fingerprint -sha256` shows it without colons. */
  readonly sha256: string;
  /** ISO-8601 UTC: the certificate's end of validity. */
  readonly notAfter: string;
}

/**
 * Reads the X.509 certificate (PEM) the org signs its assertions with (Setup > Certificate and Key Management,
 * downloaded as a .crt). VALIDATION_FAILED, never echoing the input, for anything but one RSA certificate of 2048
 * bits or more, or one already expired at `now`.
 */
export function readSalesforceCertificate(pem: string, now: Date): SalesforceCertificateInfo {
  const fail = (what: string): never => {
    throw new CallsightError('VALIDATION_FAILED', `invalid Salesforce certificate: ${what}`);
  };
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) fail('expected a PEM X.509 certificate ("BEGIN CERTIFICATE"), as Salesforce downloads it');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (cause) {
    throw new CallsightError('VALIDATION_FAILED', 'invalid Salesforce certificate: the PEM could not be read as X.509', { cause });
  }
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'rsa') fail('the key must be RSA (Salesforce signs with RS256)');
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) fail('the RSA key must have at least 2048 bits');
  const notAfter = new Date(certificate.validTo);
  if (!(notAfter.getTime() > now.getTime())) fail('the certificate has expired; download the current one from Salesforce');
  return {
    publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    sha256: createHash('sha256').update(certificate.raw).digest('hex'),
    notAfter: notAfter.toISOString(),
  };
}

/** The verified claims the hub uses. */
export interface SalesforceAssertionClaims {
  /** The org id as the assertion gives it (`iss`). */
  readonly orgId: string;
  /** The Salesforce user id (`sub`, 005...). */
  readonly userId: string;
  readonly permissionSets: readonly string[];
  /** From the User field Callsight_Agent_Id__c; null when blank. */
  readonly agentId: string | null;
  readonly jti: string;
  readonly expiresAt: Date;
}

/** The issuer an assertion names, read without verifying it (to find the org's certificate), or null when unreadable. */
export function peekSalesforceIssuer(assertion: string): string | null {
  try {
    const iss = decodeJwt(assertion).iss;
    return typeof iss === 'string' && /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(iss) ? iss : null;
  } catch {
    return null;
  }
}

/**
 * Verifies an org's assertion: RS256 only, signed by the registered certificate's key, issued by that org, for this
 * hub's audience, not expired (with SALESFORCE_CLOCK_SKEW_S of skew), valid for at most
 * MAX_SALESFORCE_ASSERTION_LIFETIME_S, with a `jti`, a user id and the permission sets as a list. Replay is the
 * caller's to check (the jti is returned). Never throws for a bad assertion: it answers why it was refused.
 */
export async function verifySalesforceAssertion(
  assertion: string,
  expected: { readonly orgId: string; readonly publicKeyPem: string; readonly audience: string; readonly now: Date },
): Promise<{ readonly ok: true; readonly claims: SalesforceAssertionClaims } | { readonly ok: false; readonly reason: SalesforceAssertionRejection }> {
  const refuse = (reason: SalesforceAssertionRejection) => ({ ok: false as const, reason });
  let algorithm: unknown;
  try {
    algorithm = decodeProtectedHeader(assertion).alg;
  } catch {
    return refuse('malformed');
  }
  if (algorithm !== 'RS256') return refuse('algorithm');
  const nowS = Math.floor(expected.now.getTime() / 1000);
  let payload: Record<string, unknown>;
  try {
    const key = await importSPKI(expected.publicKeyPem, 'RS256');
    ({ payload } = await jwtVerify(assertion, key, {
      algorithms: ['RS256'],
      audience: expected.audience,
      currentDate: expected.now,
      clockTolerance: SALESFORCE_CLOCK_SKEW_S,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('signature');
    if (error instanceof errors.JWTExpired) return refuse('expired');
    if (error instanceof errors.JWTClaimValidationFailed) return refuse(error.claim === 'aud' ? 'audience' : error.claim === 'iat' || error.claim === 'nbf' ? 'lifetime' : 'claims');
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refuse('malformed');
    return refuse('signature');
  }
  const parsed = salesforceAssertionClaimsSchema.safeParse(payload);
  if (!parsed.success) return refuse('claims');
  const claims = parsed.data;
  if (claims.iss.slice(0, 15) !== expected.orgId.slice(0, 15)) return refuse('claims');
  const iat = typeof payload.iat === 'number' ? payload.iat : null;
  if (claims.exp - nowS > MAX_SALESFORCE_ASSERTION_LIFETIME_S + SALESFORCE_CLOCK_SKEW_S || (iat !== null && (claims.exp - iat > MAX_SALESFORCE_ASSERTION_LIFETIME_S || iat > nowS + SALESFORCE_CLOCK_SKEW_S))) {
    return refuse('lifetime');
  }
  if (!/^005/.test(claims.sub)) return refuse('claims');
  return {
    ok: true,
    claims: {
      orgId: claims.iss,
      userId: claims.sub,
      permissionSets: claims.permission_sets,
      agentId: claims.agent_id ?? null,
      jti: claims.jti,
      expiresAt: new Date(claims.exp * 1000),
    },
  };
}
