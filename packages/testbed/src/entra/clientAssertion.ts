import { constants, verify } from 'node:crypto';

import type { AppRegistration, RegisteredCertificate } from './directory';

/** Why a client assertion was refused; maps onto an AADSTS code in the token endpoint. */
export type AssertionFailure =
  | { kind: 'malformed' }
  | { kind: 'certificate-not-registered'; thumbprintHex: string }
  | { kind: 'signature' }
  | { kind: 'issuer-mismatch' }
  | { kind: 'audience'; audience: string }
  | { kind: 'time' };

export type AssertionCheck = { ok: true } | { ok: false; failure: AssertionFailure };

interface AssertionHeader {
  alg?: unknown;
  'x5t#S256'?: unknown;
  x5t?: unknown;
}

interface AssertionClaims {
  aud?: unknown;
  iss?: unknown;
  sub?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

/** Clock skew Entra tolerates on assertion lifetimes. */
const ALLOWED_SKEW_IN_SECONDS = 300;

function parseJsonPart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function findCertificate(
  app: AppRegistration,
  header: AssertionHeader,
): { cert?: RegisteredCertificate; thumbprintHex: string } {
  // MSAL sends the SHA-256 thumbprint (x5t#S256) with PS256; older clients send SHA-1 x5t with RS256.
  if (typeof header['x5t#S256'] === 'string') {
    const hex = Buffer.from(header['x5t#S256'], 'base64url').toString('hex');
    return {
      cert: app.certificates.find((c) => c.thumbprintSha256Hex === hex),
      thumbprintHex: hex,
    };
  }
  if (typeof header.x5t === 'string') {
    const hex = Buffer.from(header.x5t, 'base64url').toString('hex');
    return { cert: app.certificates.find((c) => c.thumbprintSha1Hex === hex), thumbprintHex: hex };
  }
  return { thumbprintHex: '' };
}

/**
 * Verifies an RFC 7523 client assertion the way Entra does for certificate credentials: the
 * certificate named by the thumbprint header must be registered on the app, the PS256 (or
 * RS256) signature must verify with its public key, iss = sub = client id, aud = the token
 * endpoint, and exp/nbf must hold (5 minutes skew).
 */
export function verifyClientAssertion(input: {
  assertion: string;
  app: AppRegistration;
  clientId: string;
  acceptedAudiences: string[];
  nowInMs: number;
}): AssertionCheck {
  const parts = input.assertion.split('.');
  if (parts.length !== 3) return { ok: false, failure: { kind: 'malformed' } };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonPart(headerPart);
  const claims = parseJsonPart(payloadPart);
  if (!isObject(header) || !isObject(claims)) return { ok: false, failure: { kind: 'malformed' } };
  const typedHeader = header as AssertionHeader;
  const typedClaims = claims as AssertionClaims;

  const { cert, thumbprintHex } = findCertificate(input.app, typedHeader);
  if (cert === undefined) {
    return { ok: false, failure: { kind: 'certificate-not-registered', thumbprintHex } };
  }

  const data = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  let signatureValid = false;
  if (typedHeader.alg === 'PS256') {
    signatureValid = verify(
      'sha256',
      data,
      { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      signature,
    );
  } else if (typedHeader.alg === 'RS256') {
    signatureValid = verify('sha256', data, cert.publicKey, signature);
  }
  if (!signatureValid) return { ok: false, failure: { kind: 'signature' } };

  if (typedClaims.iss !== input.clientId || typedClaims.sub !== input.clientId) {
    return { ok: false, failure: { kind: 'issuer-mismatch' } };
  }
  const audience = typeof typedClaims.aud === 'string' ? typedClaims.aud : '';
  if (!input.acceptedAudiences.includes(audience)) {
    return { ok: false, failure: { kind: 'audience', audience } };
  }
  const now = Math.floor(input.nowInMs / 1000);
  const exp = typeof typedClaims.exp === 'number' ? typedClaims.exp : 0;
  const nbf = typeof typedClaims.nbf === 'number' ? typedClaims.nbf : 0;
  if (exp + ALLOWED_SKEW_IN_SECONDS <= now || nbf - ALLOWED_SKEW_IN_SECONDS > now) {
    return { ok: false, failure: { kind: 'time' } };
  }
  return { ok: true };
}
