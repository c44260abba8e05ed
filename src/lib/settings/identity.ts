/**
 * The app registration and identity settings: DATAVERSE_TENANT_ID, DATAVERSE_CLIENT_ID,
 * AZURE_CLIENT_ID (user-assigned managed identity) and AZURE_AUTHORITY_HOST.
 */
import {
  AZURE_AUTHORITY_HOST,
  AZURE_CLIENT_ID,
  DATAVERSE_CLIENT_ID,
  DATAVERSE_TENANT_ID,
} from './names';
import type { ProblemList } from './problems';
import { readSetting, type SettingsSource } from './read';
import { checkGuid, checkOriginUrl, checkTenant } from './values';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const GUID_EXAMPLE = '00000000-0000-0000-0000-000000000000';

/** DATAVERSE_CLIENT_ID: the application (client) id of the app registration. */
export function parseClientId(env: SettingsSource, problems: ProblemList): string | undefined {
  const what = 'application (client) id of the app registration';
  const value = readSetting(env, DATAVERSE_CLIENT_ID);
  if (value === undefined) {
    problems.add(DATAVERSE_CLIENT_ID, `is required (${what})`, GUID_EXAMPLE);
    return undefined;
  }
  const checked = checkGuid(value);
  if (checked.ok) return checked.value;
  problems.add(DATAVERSE_CLIENT_ID, `${checked.problem} (${what})`, GUID_EXAMPLE);
  return undefined;
}

/** DATAVERSE_TENANT_ID: the app registration's home tenant, default tenant of every environment. */
export function parseTenant(env: SettingsSource, problems: ProblemList): string | undefined {
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

/** AZURE_CLIENT_ID: the user-assigned managed identity, when one is meant. */
export function parseManagedIdentity(
  env: SettingsSource,
  problems: ProblemList,
): string | undefined {
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

/** AZURE_AUTHORITY_HOST, default the public cloud's. MSAL refuses non-https, even on loopback. */
export function parseAuthorityHost(env: SettingsSource, problems: ProblemList): string {
  const value = readSetting(env, AZURE_AUTHORITY_HOST);
  if (value === undefined) return DEFAULT_AUTHORITY_HOST;
  const checked = checkOriginUrl(value, { allowLoopbackHttp: false });
  if (checked.ok) return checked.value;
  problems.add(AZURE_AUTHORITY_HOST, checked.problem, DEFAULT_AUTHORITY_HOST);
  return DEFAULT_AUTHORITY_HOST;
}
