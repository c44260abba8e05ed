import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';

/**
 * Entra-shaped access tokens for the test bed: RS256 JWTs signed by one key pair that the
 * Entra stand-in, the managed-identity endpoint, Key Vault and the Dataverse simulator share.
 * Claims follow Entra v1/v2 app-only tokens: `aud`, `iss` (`<authority>/<tenant>/v2.0`), `tid`,
 * `appid`/`azp`, `oid`, `idtyp: "app"`, `iat`/`nbf`/`exp`, `jti`.
 */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  azp: string;
  oid: string;
  idtyp: 'app';
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  ver: '2.0';
}

export interface IssueTokenInput {
  tenantId: string;
  /** Resource the token is for, e.g. the Dataverse org URL or https://vault.azure.net. */
  audience: string;
  /** Client (application) id of the caller. */
  appId: string;
  /** Object id of the caller's service principal in `tenantId`. */
  objectId: string;
  lifetimeSeconds: number;
  /** Current time in ms; defaults to Date.now(). */
  nowInMs?: number;
}

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'audience' };

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export class TokenAuthority {
  readonly keyId = randomUUID();
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Every token issued, for inspection ("tokens issued") and for leak scans. */
  readonly issued: { token: string; claims: AccessTokenClaims }[] = [];

  constructor(readonly authorityHost: string) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
  }

  issuer(tenantId: string): string {
    return `${this.authorityHost.replace(/\/$/, '')}/${tenantId}/v2.0`;
  }

  issue(input: IssueTokenInput): { token: string; claims: AccessTokenClaims } {
    const now = Math.floor((input.nowInMs ?? Date.now()) / 1000);
    const claims: AccessTokenClaims = {
      aud: input.audience,
      iss: this.issuer(input.tenantId),
      tid: input.tenantId,
      appid: input.appId,
      azp: input.appId,
      oid: input.objectId,
      idtyp: 'app',
      iat: now,
      nbf: now - 1,
      exp: now + input.lifetimeSeconds,
      jti: randomUUID(),
      ver: '2.0',
    };
    const header = { alg: 'RS256', typ: 'JWT', kid: this.keyId };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.privateKey);
    const token = `${signingInput}.${base64url(signature)}`;
    const record = { token, claims };
    this.issued.push(record);
    return record;
  }

  /**
   * Verifies signature, lifetime and audience. Audiences compare without a trailing slash,
   * as Entra issues `https://org.crm.dynamics.com` for scope `https://org.crm.dynamics.com/.default`.
   */
  verify(token: string, expectedAudience: string, nowInMs = Date.now()): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const valid = verify(
      'sha256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      this.publicKey,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!valid) return { ok: false, reason: 'signature' };
    let claims: AccessTokenClaims;
    try {
      claims = JSON.parse(
        Buffer.from(payloadPart, 'base64url').toString('utf8'),
      ) as AccessTokenClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const now = Math.floor(nowInMs / 1000);
    if (claims.exp <= now) return { ok: false, reason: 'expired' };
    if (claims.nbf > now + 300) return { ok: false, reason: 'not-yet-valid' };
    if (trimSlash(claims.aud) !== trimSlash(expectedAudience))
      return { ok: false, reason: 'audience' };
    return { ok: true, claims };
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

/** Re-exported so stand-ins that verify client assertions need not import node:crypto twice. */
export { createPrivateKey, createPublicKey };
