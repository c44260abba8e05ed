import { readSetting, type SettingsSource } from './read';

/**
 * True when the App Service / Functions managed-identity endpoint is present (IDENTITY_ENDPOINT,
 * or MSI_ENDPOINT on older hosts). Platform variables, not app settings: they are not in
 * SETTING_NAMES. Lives here so that this folder stays the one place reading process.env.
 */
export function managedIdentityEndpointAvailable(env: SettingsSource = process.env): boolean {
  return (
    readSetting(env, 'IDENTITY_ENDPOINT') !== undefined ||
    readSetting(env, 'MSI_ENDPOINT') !== undefined
  );
}
