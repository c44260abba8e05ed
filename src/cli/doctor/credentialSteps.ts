import {
  createDefaultManagedIdentityCredential,
  type DataverseTokenProvider,
  ObservedManagedIdentityCredential,
} from '../../lib/auth';
import { credentialExpiryCheck } from '../../lib/health';
import type { Settings } from '../../lib/settings';
import type { StepOutcome } from './doctorReport';

/** Key Vault's token audience per cloud; the vault's own host tells which cloud it is in. */
const VAULT_SCOPES: readonly (readonly [suffix: string, scope: string])[] = [
  ['.vault.azure.cn', 'https://vault.azure.cn/.default'],
  ['.vault.usgovcloudapi.net', 'https://vault.usgovcloudapi.net/.default'],
  ['.vault.microsoftazure.de', 'https://vault.microsoftazure.de/.default'],
];
const PUBLIC_VAULT_SCOPE = 'https://vault.azure.net/.default';

export function keyVaultScope(vaultUrl: string): string {
  const host = new URL(vaultUrl).hostname;
  return VAULT_SCOPES.find(([suffix]) => host.endsWith(suffix))?.[1] ?? PUBLIC_VAULT_SCOPE;
}

/**
 * A Key Vault token from the managed identity, built and wrapped exactly as the auth module
 * does (so a failure carries the same 'managed identity token' hint the app would log).
 */
export async function checkManagedIdentityToken(
  settings: Settings,
  vaultUrl: string,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const choice = {
    managedIdentityAvailable: settings.managedIdentityEndpointAvailable,
    clientId: settings.managedIdentityClientId,
  };
  const credential = new ObservedManagedIdentityCredential(
    createDefaultManagedIdentityCredential(choice),
    choice,
  );
  const scope = keyVaultScope(vaultUrl);
  const token = await credential.getToken(scope, { abortSignal: signal });
  if (token === null) {
    return { status: 'FAIL', detail: `no token for ${scope}`, fix: undefined };
  }
  const via = choice.managedIdentityAvailable
    ? `managed identity endpoint (IDENTITY_ENDPOINT)${choice.clientId === undefined ? ', system-assigned' : `, client id ${choice.clientId}`}`
    : 'developer sign-in (DefaultAzureCredential: no managed identity endpoint in this process)';
  const objectId = credential.principal.objectId;
  return {
    status: 'PASS',
    detail: `token for ${scope} from the ${via}${objectId === undefined ? '' : `; object id ${objectId}`}`,
  };
}

function sourceText(settings: Settings): string {
  const source = settings.credentialSource;
  switch (source.kind) {
    case 'keyVault':
      return `'${source.name}' in ${source.vaultUrl}`;
    case 'secretValue':
      return 'DATAVERSE_CLIENT_SECRET';
    case 'certificateFile':
      return source.path;
  }
}

/** Reads the credential the way the runtime does (Key Vault, a setting or a file). */
export async function checkCredentialRead(
  settings: Settings,
  tokenProvider: DataverseTokenProvider,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const description = await tokenProvider.describeCredential(signal);
  const what = description.type === 'certificate' ? 'certificate' : 'client secret';
  const version = description.version === undefined ? '' : ` version ${description.version}`;
  const thumbprint =
    description.thumbprintSha256 === undefined
      ? ''
      : `, SHA-256 thumbprint ${description.thumbprintSha256}`;
  return {
    status: 'PASS',
    detail: `${what} ${sourceText(settings)}${version}${thumbprint}`,
  };
}

/**
 * Which Key Vault version authenticates, asked after the environments' token requests (Entra's
 * answers decide it): WARN with the fix while an older version stands in for a current one Entra
 * ID rejects, as the health check's credential:version does.
 */
export async function checkCredentialVersion(
  tokenProvider: DataverseTokenProvider,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const description = await tokenProvider.describeCredential(signal);
  const { fallback } = description;
  if (fallback === undefined) {
    return {
      status: 'PASS',
      detail: `the current version ${description.version ?? 'unknown'} is in use`,
    };
  }
  return {
    status: 'WARN',
    detail: `${fallback.reason} Tokens work meanwhile; the app switches back by itself once Entra ID accepts the current version.`,
    fix: fallback.fix,
  };
}

/**
 * The same expiry judgement as the health check, of the version in use (so asked after the
 * token requests): fail when expired, warn when close.
 */
export async function checkCredentialExpiry(
  settings: Settings,
  tokenProvider: DataverseTokenProvider,
  signal: AbortSignal,
  now: Date,
): Promise<StepOutcome> {
  const description = await tokenProvider.describeCredential(signal);
  const check = credentialExpiryCheck(description, settings.credentialExpiryWarningDays, now);
  const expires =
    typeof check.expiresOn === 'string'
      ? `expires ${check.expiresOn} (in ${String(check.observedValue)} days)`
      : 'expiry unknown';
  switch (check.status) {
    case 'pass':
      return { status: 'PASS', detail: check.output ?? `${check.componentId} ${expires}` };
    case 'warn':
      return { status: 'WARN', detail: check.output ?? expires };
    case 'fail':
      return {
        status: 'FAIL',
        detail: `${check.componentId} ${expires}`,
        fix: check.output,
      };
  }
}
