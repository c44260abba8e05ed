import type { TokenAuthority } from '../tokens';
import { type AssertionFailure, verifyClientAssertion } from './clientAssertion';
import type { AppRegistration, EntraDirectory } from './directory';
import {
  entraError,
  type EntraErrorResponse,
  entraMessages,
  type OAuthErrorName,
} from './entraErrors';

type Fail = (error: OAuthErrorName, code: number, message: string) => EntraErrorResponse;

const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A token the stand-in issued, for inspection by tests. */
export interface IssuedTokenRecord {
  tenantId: string;
  appId: string;
  audience: string;
}

export interface TokenSuccess {
  status: 200;
  body: {
    token_type: 'Bearer';
    expires_in: number;
    ext_expires_in: number;
    access_token: string;
  };
  issued: IssuedTokenRecord;
}

export interface TokenRequestContext {
  directory: EntraDirectory;
  tokens: TokenAuthority;
  authorityHost: string;
  tokenLifetimeInSeconds: number;
  nowInMs: number;
  /** The `client-request-id` header, echoed as Entra's correlation id. */
  correlationId?: string;
}

/**
 * The client-credentials grant of `POST /{tenant}/oauth2/v2.0/token`, checked in Entra's
 * order: tenant, grant and parameters, app presence in the tenant, then the credential.
 */
export function handleTokenRequest(
  tenantId: string,
  form: URLSearchParams,
  ctx: TokenRequestContext,
): TokenSuccess | EntraErrorResponse {
  const fail: Fail = (error, code, message) =>
    entraError({
      error,
      code,
      message,
      authorityHost: ctx.authorityHost,
      correlationId: ctx.correlationId,
    });

  if (!ctx.directory.hasTenant(tenantId)) {
    return fail('invalid_request', 90002, entraMessages.tenantNotFound(tenantId));
  }
  const grantType = form.get('grant_type');
  if (grantType === null) {
    return fail('invalid_request', 900144, entraMessages.missingParameter('grant_type'));
  }
  if (grantType !== 'client_credentials') {
    return fail('unsupported_grant_type', 70003, entraMessages.unsupportedGrant(grantType));
  }
  const clientId = form.get('client_id');
  if (clientId === null || clientId === '') {
    return fail('invalid_request', 900144, entraMessages.missingParameter('client_id'));
  }
  const scope = form.get('scope');
  if (scope === null || scope === '') {
    return fail('invalid_request', 900144, entraMessages.missingParameter('scope'));
  }
  // MSAL adds the OIDC scopes it always asks for; the resource scope is the one ending /.default.
  const scopes = scope
    .split(' ')
    .filter((s) => !['openid', 'profile', 'offline_access'].includes(s));
  const resourceScope = scopes[0];
  if (scopes.length !== 1 || resourceScope === undefined || !resourceScope.endsWith('/.default')) {
    return fail('invalid_scope', 1002012, entraMessages.invalidScope(scope));
  }

  const app = ctx.directory.app(clientId);
  const objectId = ctx.directory.servicePrincipalObjectId(clientId, tenantId);
  if (app === undefined || objectId === undefined) {
    return fail('unauthorized_client', 700016, entraMessages.appNotFound(clientId, tenantId));
  }

  const credentialError = checkCredential(tenantId, form, app, ctx, fail);
  if (credentialError !== undefined) return credentialError;

  const audience = resourceScope.slice(0, -'/.default'.length);
  const { token } = ctx.tokens.issue({
    tenantId,
    audience,
    appId: clientId,
    objectId,
    lifetimeSeconds: ctx.tokenLifetimeInSeconds,
    nowInMs: ctx.nowInMs,
  });
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: ctx.tokenLifetimeInSeconds,
      ext_expires_in: ctx.tokenLifetimeInSeconds,
      access_token: token,
    },
    issued: { tenantId, appId: clientId, audience },
  };
}

function checkCredential(
  tenantId: string,
  form: URLSearchParams,
  app: AppRegistration,
  ctx: TokenRequestContext,
  fail: Fail,
): EntraErrorResponse | undefined {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    const match = app.secrets.find((s) => s.value === secret);
    if (match === undefined)
      return fail('invalid_client', 7000215, entraMessages.invalidSecret(app.appId));
    if (match.expiresOn.getTime() <= ctx.nowInMs) {
      return fail('invalid_client', 7000222, entraMessages.expiredSecret(app.appId));
    }
    return undefined;
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) {
      return fail(
        'invalid_request',
        900144,
        entraMessages.missingParameter('client_assertion_type'),
      );
    }
    const base = `${ctx.authorityHost}/${tenantId}`;
    const check = verifyClientAssertion({
      assertion,
      app,
      clientId: app.appId,
      acceptedAudiences: [`${base}/oauth2/v2.0/token`, `${base}/oauth2/token`],
      nowInMs: ctx.nowInMs,
    });
    return check.ok ? undefined : assertionError(check.failure, app.appId, fail);
  }
  return fail('invalid_client', 7000218, entraMessages.missingCredential());
}

function assertionError(failure: AssertionFailure, appId: string, fail: Fail): EntraErrorResponse {
  switch (failure.kind) {
    case 'malformed':
      return fail('invalid_request', 50027, entraMessages.assertionMalformed());
    case 'certificate-not-registered':
      return fail(
        'invalid_client',
        700027,
        entraMessages.certificateNotRegistered(appId, failure.thumbprintHex.toUpperCase()),
      );
    case 'signature':
      return fail('invalid_client', 700027, entraMessages.assertionSignatureInvalid());
    case 'issuer-mismatch':
      return fail('invalid_client', 700021, entraMessages.assertionIssuerMismatch());
    case 'audience':
      return fail(
        'invalid_client',
        700027,
        entraMessages.assertionAudienceInvalid(failure.audience),
      );
    case 'time':
      return fail('invalid_client', 700024, entraMessages.assertionTimeInvalid());
  }
}
