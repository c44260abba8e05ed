/**
 * The one place in src that reads process.env. `loadSettings` validates every app setting at
 * once and throws a single ConfigurationError listing each problem with a valid example.
 *
 * Decision: everything is validated on every load, storage included, even for callers (health)
 * that do not use storage. A Functions app always has AzureWebJobsStorage, so this costs
 * nothing in Azure, and one eager check means a broken sync setting shows up in the health
 * endpoint and `doctor` instead of only when the timer fires.
 */
import { parseCredential } from './settings/credential';
import { deepFreeze } from './settings/deepFreeze';
import { parseEnvironments } from './settings/environments';
import { readLocalSettingsFile } from './settings/localSettings';
import {
  AZURE_AUTHORITY_HOST,
  AZURE_CLIENT_ID,
  CREDENTIAL_EXPIRY_WARNING_DAYS,
  DATAVERSE_CLIENT_ID,
  DATAVERSE_ENVIRONMENTS,
  DATAVERSE_TENANT_ID,
  DATAVERSE_URL,
  HEALTH_CACHE_SECONDS,
} from './settings/names';
import { ProblemList } from './settings/problems';
import { readSetting, type SettingsSource } from './settings/read';
import { parseStorage } from './settings/storage';
import { integerSetting, parseSync } from './settings/sync';
import { checkGuid, checkOriginUrl, checkTenant } from './settings/values';
import type { Settings } from './settingsTypes';

export { DEFAULT_STORAGE_SETTING, SETTING_NAMES, STORAGE_SUFFIXES } from './settings/names';
export type { SettingsSource } from './settings/read';

const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const GUID_EXAMPLE = '00000000-0000-0000-0000-000000000000';

function requiredGuid(
  env: SettingsSource,
  name: string,
  what: string,
  problems: ProblemList,
): string | undefined {
  const value = readSetting(env, name);
  if (value === undefined) {
    problems.add(name, `is required (${what})`, GUID_EXAMPLE);
    return undefined;
  }
  const checked = checkGuid(value);
  if (checked.ok) return checked.value;
  problems.add(name, `${checked.problem} (${what})`, GUID_EXAMPLE);
  return undefined;
}

function parseTenant(env: SettingsSource, problems: ProblemList): string | undefined {
  const value = readSetting(env, DATAVERSE_TENANT_ID);
  const example = 'contoso.onmicrosoft.com';
  if (value === undefined) {
    problems.add(DATAVERSE_TENANT_ID, "is required (the app registration's home tenant)", example);
    return undefined;
  }
  const checked = checkTenant(value);
  if (checked.ok) return checked.value;
  problems.add(DATAVERSE_TENANT_ID, checked.problem, example);
  return undefined;
}

function parseManagedIdentity(env: SettingsSource, problems: ProblemList): string | undefined {
  const value = readSetting(env, AZURE_CLIENT_ID);
  if (value === undefined) return undefined;
  const checked = checkGuid(value);
  if (checked.ok) return checked.value;
  problems.add(
    AZURE_CLIENT_ID,
    `${checked.problem} (client id of the user-assigned managed identity)`,
    GUID_EXAMPLE,
  );
  return undefined;
}

function parseAuthorityHost(env: SettingsSource, problems: ProblemList): string {
  const value = readSetting(env, AZURE_AUTHORITY_HOST);
  if (value === undefined) return DEFAULT_AUTHORITY_HOST;
  // MSAL refuses non-https authorities, even on loopback.
  const checked = checkOriginUrl(value, { allowLoopbackHttp: false });
  if (checked.ok) return checked.value;
  problems.add(AZURE_AUTHORITY_HOST, checked.problem, DEFAULT_AUTHORITY_HOST);
  return DEFAULT_AUTHORITY_HOST;
}

/**
 * Validates and returns the app settings, deeply frozen. Throws one ConfigurationError (code
 * `InvalidSettings`) whose message lists every problem as
 * `SETTING: what is wrong. Example: SETTING=<valid example>`; secret values are never quoted.
 */
export function loadSettings(env: SettingsSource = process.env): Settings {
  const problems = new ProblemList();
  const defaultTenantId = parseTenant(env, problems);
  const environments = parseEnvironments(
    readSetting(env, DATAVERSE_URL),
    readSetting(env, DATAVERSE_ENVIRONMENTS),
    defaultTenantId,
    problems,
  );
  const clientId = requiredGuid(
    env,
    DATAVERSE_CLIENT_ID,
    'application (client) id of the app registration',
    problems,
  );
  const credential = parseCredential(env, problems);
  const managedIdentityClientId = parseManagedIdentity(env, problems);
  const authorityHost = parseAuthorityHost(env, problems);
  const sync = parseSync(env, parseStorage(env, problems), problems);
  const healthCacheSeconds = integerSetting(env, HEALTH_CACHE_SECONDS, 60, 0, 3600, problems);
  const credentialExpiryWarningDays = integerSetting(
    env,
    CREDENTIAL_EXPIRY_WARNING_DAYS,
    30,
    0,
    365,
    problems,
  );
  problems.throwIfAny();
  if (
    defaultTenantId === undefined ||
    clientId === undefined ||
    credential === undefined ||
    sync === undefined
  ) {
    // Unreachable: every undefined above recorded a problem and throwIfAny threw.
    throw new Error('loadSettings: invalid settings without a recorded problem');
  }
  return deepFreeze<Settings>({
    environments,
    defaultTenantId,
    clientId,
    credentialType: credential.type,
    credentialSource: credential.source,
    ...(managedIdentityClientId === undefined ? {} : { managedIdentityClientId }),
    authorityHost,
    sync,
    healthCacheSeconds,
    credentialExpiryWarningDays,
    managedIdentityEndpointAvailable: managedIdentityEndpointAvailable(env),
  });
}

/**
 * For the CLI: the `Values` of a local.settings.json with the real environment layered on top
 * (Core Tools semantics: an environment variable wins over the file). Pass the result to
 * `loadSettings`. Throws ConfigurationError when the file is missing, not JSON or encrypted.
 */
export function readLocalSettingsValues(
  path: string,
  env: SettingsSource = process.env,
): Record<string, string | undefined> {
  return readLocalSettingsFile(path, env);
}

/**
 * True when the App Service / Functions managed-identity endpoint is present (IDENTITY_ENDPOINT,
 * or MSI_ENDPOINT on older hosts). Platform variables, not app settings: they are not in
 * SETTING_NAMES. Lives here so that this module stays the one place reading process.env.
 */
export function managedIdentityEndpointAvailable(env: SettingsSource = process.env): boolean {
  return (
    readSetting(env, 'IDENTITY_ENDPOINT') !== undefined ||
    readSetting(env, 'MSI_ENDPOINT') !== undefined
  );
}
