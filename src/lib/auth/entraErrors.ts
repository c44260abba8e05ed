import {
  AuthenticationError,
  CREDENTIAL_REJECTION_CODES,
  SanitizedError,
  summarizeError,
} from '../errors';
import type { CredentialType } from '../settings';

/**
 * The `AADSTSnnnn` code in an Entra error text. MSAL puts it in the description
 * ("AADSTS7000215: Invalid client secret provided...") and lists the bare numbers in
 * "Error(s): 7000215 - Timestamp: ..."; either form is accepted.
 */
export function parseEntraErrorCode(text: string): string | undefined {
  const prefixed = /\bAADSTS(\d{5,7})\b/.exec(text);
  if (prefixed?.[1] !== undefined) return `AADSTS${prefixed[1]}`;
  const listed = /Error\(s\):\s*(\d{5,7})\b/.exec(text);
  return listed?.[1] === undefined ? undefined : `AADSTS${listed[1]}`;
}

/** Entra's trace id ("Trace ID: <guid>"), the id Microsoft support asks for. */
export function parseEntraTraceId(text: string): string | undefined {
  return /Trace ID:\s*([0-9a-fA-F-]{36})/.exec(text)?.[1];
}

/** True when Entra rejected the secret or certificate itself, so a rotated one may help. */
export function isCredentialRejection(code: string | undefined): boolean {
  return code !== undefined && CREDENTIAL_REJECTION_CODES.has(code);
}

/** What the hints need to name the right things. All public identifiers, never material. */
export interface EntraFailureContext {
  readonly environment: string;
  readonly tenantId: string;
  readonly defaultTenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  readonly credentialType: CredentialType;
  /** Where the material came from, in words: "Key Vault secret 'x' (https://v...)" or a setting. */
  readonly materialOrigin: MaterialOrigin;
  readonly thumbprintSha1?: string;
  readonly thumbprintSha256?: string;
}

export type MaterialOrigin =
  | {
      readonly kind: 'keyVault';
      readonly vaultUrl: string;
      readonly name: string;
      readonly version: string;
    }
  | { readonly kind: 'setting' }
  | { readonly kind: 'file'; readonly path: string };

/** Where new material goes so that the app uses it. */
function newMaterialTarget(origin: MaterialOrigin): string {
  switch (origin.kind) {
    case 'keyVault':
      return `a new version of Key Vault secret '${origin.name}' in ${origin.vaultUrl} (picked up without a restart)`;
    case 'setting':
      return 'DATAVERSE_CLIENT_SECRET';
    case 'file':
      return `the file ${origin.path} (DATAVERSE_CLIENT_CERTIFICATE_PATH)`;
  }
}

function originText(origin: MaterialOrigin): string {
  switch (origin.kind) {
    case 'keyVault':
      return `Key Vault secret '${origin.name}' (version ${origin.version}) in ${origin.vaultUrl}`;
    case 'setting':
      return 'DATAVERSE_CLIENT_SECRET';
    case 'file':
      return `the certificate file ${origin.path}`;
  }
}

/** The operator's next step for an Entra error code, or undefined when we have nothing better. */
export function entraHint(
  code: string | undefined,
  context: EntraFailureContext,
): string | undefined {
  const { clientId, tenantId, materialOrigin } = context;
  switch (code) {
    case 'AADSTS7000215':
      return `the client secret in ${originText(materialOrigin)} does not match any secret of app registration ${clientId}: create a new client secret and store it in ${newMaterialTarget(materialOrigin)}`;
    case 'AADSTS7000222':
      return `the client secret in ${originText(materialOrigin)} has expired on app registration ${clientId}: rotate it — create a new client secret and store it in ${newMaterialTarget(materialOrigin)}`;
    case 'AADSTS700016': {
      const consentUrl = `${context.authorityHost.replace(/\/+$/, '')}/${tenantId}/adminconsent?client_id=${clientId}`;
      const homeTenant =
        tenantId === context.defaultTenantId
          ? ` If ${tenantId} is the app's home tenant, check that DATAVERSE_CLIENT_ID is the application (client) id.`
          : '';
      return `app ${clientId} has no service principal in tenant ${tenantId}: an administrator of ${tenantId} must grant admin consent: ${consentUrl}.${homeTenant}`;
    }
    case 'AADSTS700027': {
      const thumbprints =
        context.thumbprintSha1 === undefined
          ? ''
          : ` (SHA-1 thumbprint ${context.thumbprintSha1}, SHA-256 ${context.thumbprintSha256 ?? 'unknown'})`;
      return `the certificate in ${originText(materialOrigin)}${thumbprints} is not registered on app registration ${clientId}: upload its public certificate there ("Certificates & secrets"), or put a certificate that is registered there in ${newMaterialTarget(materialOrigin)}`;
    }
    case 'AADSTS90002':
      return `tenant ${tenantId} does not exist in ${context.authorityHost}: check DATAVERSE_TENANT_ID, or the tenantId of environment '${context.environment}' in DATAVERSE_ENVIRONMENTS`;
    case 'AADSTS7000229':
      return `app ${clientId} has no service principal in tenant ${tenantId}: create one (az ad sp create --id ${clientId}) or grant admin consent`;
    default:
      return undefined;
  }
}

function messageFor(code: string | undefined, context: EntraFailureContext): string {
  const what = context.credentialType === 'secret' ? 'client secret' : 'certificate';
  if (isCredentialRejection(code))
    return `Entra ID rejected the ${what} of app ${context.clientId} for tenant ${context.tenantId}`;
  return `Entra ID refused a token for app ${context.clientId} in tenant ${context.tenantId}`;
}

/**
 * Translates whatever an @azure/identity credential threw into an AuthenticationError with the
 * Entra code, trace id and the operator hint. `knownSecrets` are redacted from the kept cause.
 */
export function toEntraError(
  error: unknown,
  context: EntraFailureContext,
  knownSecrets: readonly string[],
  note?: string,
): AuthenticationError {
  const summary = summarizeError(error, knownSecrets);
  const code = parseEntraErrorCode(summary.message);
  const hint = entraHint(code, context);
  const reason = code === undefined ? `: ${firstLine(summary.message)}` : '';
  // Without an Entra code and without a status, the request never got an answer: a network
  // problem, which may pass by itself.
  const retryable = code === undefined && (summary.status === undefined || summary.status >= 500);
  return new AuthenticationError(
    `${messageFor(code, context)}${reason}${note === undefined ? '' : ` (${note})`}`,
    {
      step: 'Entra token',
      environment: context.environment,
      status: summary.status,
      code,
      requestId: parseEntraTraceId(summary.message),
      retryable,
      hint,
      cause: new SanitizedError(summary),
    },
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
