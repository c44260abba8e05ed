import {
  AuthenticationError,
  type IntegrationError,
  isIntegrationError,
  SanitizedError,
  summarizeError,
} from '../errors';
import type { ObservedPrincipal } from './managedIdentity';

/** What a Key Vault failure hint needs: public names and ids only. */
export interface KeyVaultFailureContext {
  readonly vaultUrl: string;
  readonly secretName: string;
  readonly principal: ObservedPrincipal;
  /** AZURE_CLIENT_ID, when a user-assigned identity is configured. */
  readonly managedIdentityClientId: string | undefined;
}

/**
 * Key Vault's inner error code (SecretDisabled, ForbiddenByRbac, ...) from the parsed body.
 * keyvault-secrets 4.11 (TypeSpec client) no longer keeps the body on its RestError, so the
 * message is the fallback: "Operation get is not allowed on a disabled secret."
 */
function innerErrorCode(error: unknown, message: string): string | undefined {
  const fromBody = innerErrorCodeFromBody(error);
  if (fromBody !== undefined) return fromBody;
  return /not allowed on a disabled secret/i.test(message) ? 'SecretDisabled' : undefined;
}

function innerErrorCodeFromBody(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const body: unknown = (error as { response?: { parsedBody?: unknown } }).response?.parsedBody;
  if (typeof body !== 'object' || body === null) return undefined;
  const outer: unknown = (body as { error?: unknown }).error;
  if (typeof outer !== 'object' || outer === null) return undefined;
  // The SDK deserialises `innererror` as `innerError`; a raw body keeps the wire name.
  const inner: unknown =
    (outer as { innerError?: unknown; innererror?: unknown }).innerError ??
    (outer as { innererror?: unknown }).innererror;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const code: unknown = (inner as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The vault's name: the first label of its host (https://contoso-kv.vault.azure.net). */
export function vaultNameOf(vaultUrl: string): string {
  try {
    const { hostname } = new URL(vaultUrl);
    if (/^[\d.]+$/.test(hostname) || hostname.startsWith('[')) return hostname;
    return hostname.split('.')[0] ?? hostname;
  } catch {
    return vaultUrl;
  }
}

/**
 * Key Vault's RBAC refusal names the caller ("Caller: appid=...;oid=...") and the vault
 * ("Vault: name;location=..."): the fallback when the token's claims were not seen.
 */
function withFactsFromMessage(
  context: KeyVaultFailureContext,
  message: string,
): KeyVaultFailureContext {
  const objectId = context.principal.objectId ?? /\boid=([0-9a-fA-F-]{36})/.exec(message)?.[1];
  const appId = context.principal.appId ?? /\bappid=([0-9a-fA-F-]{36})/.exec(message)?.[1];
  return { ...context, principal: { objectId, appId } };
}

function identityText(context: KeyVaultFailureContext): string {
  const { objectId, appId } = context.principal;
  if (objectId !== undefined)
    return `the managed identity (object id ${objectId}${appId === undefined ? '' : `, client id ${appId}`})`;
  if (context.managedIdentityClientId !== undefined)
    return `the managed identity with client id ${context.managedIdentityClientId}`;
  return "the function app's managed identity";
}

function forbiddenHint(context: KeyVaultFailureContext): string {
  const { objectId } = context.principal;
  const assignee =
    objectId === undefined
      ? `--assignee ${context.managedIdentityClientId ?? '<principal id of the managed identity>'}`
      : `--assignee-object-id ${objectId} --assignee-principal-type ServicePrincipal`;
  const vaultName = vaultNameOf(context.vaultUrl);
  return `${identityText(context)} lacks 'Key Vault Secrets User' on vault ${context.vaultUrl}: az role assignment create --role "Key Vault Secrets User" ${assignee} --scope $(az keyvault show --name ${vaultName} --query id -o tsv) (the vault must use Azure RBAC; role changes take a few minutes to apply)`;
}

/** Maps a Key Vault failure (status + code) to its message, hint and whether waiting can help. */
function classify(
  status: number | undefined,
  code: string | undefined,
  context: KeyVaultFailureContext,
): { message: string; hint: string; retryable: boolean } {
  const secret = `secret '${context.secretName}' in ${context.vaultUrl}`;
  if (code === 'SecretDisabled') {
    return {
      message: `Key Vault ${secret} is disabled`,
      hint: `enable the current version of '${context.secretName}' or store a new enabled version`,
      retryable: false,
    };
  }
  if (status === 404 || code === 'SecretNotFound') {
    return {
      message: `Key Vault has no ${secret}`,
      hint: `check DATAVERSE_CREDENTIAL_NAME ('${context.secretName}'), or create the secret; for a Key Vault certificate use the certificate's name`,
      retryable: false,
    };
  }
  if (status === 403 || code === 'Forbidden' || code === 'ForbiddenByRbac') {
    return {
      message: `Key Vault refused to read ${secret}`,
      hint: forbiddenHint(context),
      retryable: false,
    };
  }
  if (status === 401) {
    return {
      message: `Key Vault did not accept the managed identity's token for ${secret}`,
      hint: `check that the vault is in the managed identity's tenant and that KEY_VAULT_URL is right; for a private DNS name set KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true`,
      retryable: false,
    };
  }
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    return {
      message: `Key Vault could not be reached or answered with an error while reading ${secret}`,
      hint: `check KEY_VAULT_URL and the network path to the vault (private endpoint, firewall, DNS); this is retried on the next call`,
      retryable: true,
    };
  }
  return {
    message: `Key Vault failed to return ${secret}`,
    hint: `see the Key Vault error code`,
    retryable: false,
  };
}

/**
 * Translates a Key Vault SDK failure into AuthenticationError (step 'Key Vault read'). Errors
 * that are already ours (the managed identity wrapper's) pass through unchanged.
 */
export function toKeyVaultError(error: unknown, context: KeyVaultFailureContext): IntegrationError {
  if (isIntegrationError(error)) return error;
  const summary = summarizeError(error);
  const code = innerErrorCode(error, summary.message) ?? summary.code;
  const { message, hint, retryable } = classify(
    summary.status,
    code,
    withFactsFromMessage(context, summary.message),
  );
  return new AuthenticationError(message, {
    step: 'Key Vault read',
    status: summary.status,
    code,
    requestId: summary.requestId,
    retryable,
    hint,
    cause: new SanitizedError(summary),
  });
}
