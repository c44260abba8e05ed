import { randomUUID } from 'node:crypto';

/** An error answer of the token service: HTTP status plus Entra's JSON error body. */
export interface EntraErrorResponse {
  status: number;
  body: {
    error: string;
    error_description: string;
    error_codes: number[];
    timestamp: string;
    trace_id: string;
    correlation_id: string;
    error_uri: string;
  };
}

/** OAuth error names Entra uses; `invalid_client` is the only one answered with 401. */
export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'invalid_tenant';

/** Entra's timestamp format inside errors: `2024-05-01 12:34:56Z`. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Builds an error exactly as Entra lays it out: the AADSTS code leads the description, which
 * ends with CRLF-separated Trace ID / Correlation ID / Timestamp lines; `correlation_id` echoes the
 * `client-request-id` header MSAL sends.
 */
export function entraError(input: {
  error: OAuthErrorName;
  code: number;
  message: string;
  authorityHost: string;
  correlationId?: string;
}): EntraErrorResponse {
  const traceId = randomUUID();
  const correlationId = input.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(new Date());
  const description =
    `AADSTS${String(input.code)}: ${input.message}\r\n` +
    `Trace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`;
  return {
    status: input.error === 'invalid_client' ? 401 : 400,
    body: {
      error: input.error,
      error_description: description,
      error_codes: [input.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${input.authorityHost}/error?code=${String(input.code)}`,
    },
  };
}

/** Messages of the AADSTS codes the stand-in produces (wording follows Entra's). */
export const entraMessages = {
  tenantNotFound: (tenant: string): string =>
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  appNotFound: (appId: string, tenant: string): string =>
    `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  invalidSecret: (appId: string): string =>
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
  expiredSecret: (appId: string): string =>
    `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  certificateNotRegistered: (appId: string, thumbprint: string): string =>
    `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
  assertionSignatureInvalid: (): string => 'Client assertion failed signature validation.',
  assertionAudienceInvalid: (audience: string): string =>
    `Client assertion contains an invalid audience '${audience}'; it must be the token endpoint.`,
  assertionTimeInvalid: (): string => 'Client assertion is not within its valid time range.',
  assertionIssuerMismatch: (): string =>
    "Client assertion application identifier doesn't match 'client_id' parameter.",
  assertionMalformed: (): string => 'JWT token is invalid or malformed.',
  missingParameter: (name: string): string =>
    `The request body must contain the following parameter: '${name}'.`,
  missingCredential: (): string =>
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  invalidScope: (scope: string): string =>
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  unsupportedGrant: (grant: string): string =>
    `The app requested an unsupported grant type '${grant}'.`,
} as const;
