/**
 * The one place in src that reads process.env. `loadSettings` validates every app setting at
 * once and throws a single ConfigurationError listing each problem with a valid example.
 *
 * Decision: everything is validated on every load, storage included, even for callers (health)
 * that do not use storage. A Functions app always has AzureWebJobsStorage, so this costs
 * nothing in Azure, and one eager check means a broken sync setting shows up in the health
 * endpoint and `doctor` instead of only when the timer fires.
 */
import { IntegrationError } from '../errors';
import { parseCredential } from './credential';
import { deepFreeze } from './deepFreeze';
import { parseEnvironments } from './environments';
import { booleanSetting } from './flag';
import { parseAuthorityHost, parseClientId, parseManagedIdentity, parseTenant } from './identity';
import { integerSetting } from './integer';
import {
  CREDENTIAL_EXPIRY_WARNING_DAYS,
  DATAVERSE_ENVIRONMENTS,
  DATAVERSE_URL,
  HEALTH_CACHE_SECONDS,
  HEALTH_DETAILED_ERRORS,
} from './names';
import { managedIdentityEndpointAvailable } from './platform';
import { ProblemList } from './problems';
import { readSetting, type SettingsSource } from './read';
import { checkRenamedSettings } from './renamed';
import { parseStorage } from './storage';
import { parseSync, parseSyncTables } from './sync';
import type { Settings } from './types';

/**
 * Validates and returns the app settings, deeply frozen. Throws one ConfigurationError (code
 * `InvalidSettings`) whose message lists every problem as
 * `SETTING: what is wrong. Example: SETTING=<valid example>`; secret values are never quoted.
 */
export function loadSettings(env: SettingsSource = process.env): Settings {
  const problems = new ProblemList();
  checkRenamedSettings(env, problems);
  const defaultTenantId = parseTenant(env, problems);
  const environments = parseEnvironments(
    readSetting(env, DATAVERSE_URL),
    readSetting(env, DATAVERSE_ENVIRONMENTS),
    { tenantId: defaultTenantId, tables: parseSyncTables(env, problems) },
    problems,
  );
  const clientId = parseClientId(env, problems);
  const credential = parseCredential(env, problems);
  const managedIdentityClientId = parseManagedIdentity(env, problems);
  const authorityHost = parseAuthorityHost(env, problems);
  const sync = parseSync(env, parseStorage(env, problems), environments, problems);
  const healthCacheSeconds = integerSetting(env, HEALTH_CACHE_SECONDS, 60, 0, 3600, problems);
  const healthDetailedErrors = booleanSetting(env, HEALTH_DETAILED_ERRORS, false, problems);
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
    throw new IntegrationError('Settings were invalid without a recorded problem', {
      step: 'settings',
      hint: 'This is a bug in the settings module; report it with the list of settings set.',
    });
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
    healthDetailedErrors,
    credentialExpiryWarningDays,
    managedIdentityEndpointAvailable: managedIdentityEndpointAvailable(env),
  });
}
