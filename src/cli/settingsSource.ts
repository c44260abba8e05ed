import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { readLocalSettingsValues, type SettingsSource } from '../lib/settings';
import type { CliIo } from './io';

/** Where the CLI's settings came from, for doctor's first line. */
export interface ResolvedSettingsSource {
  readonly source: SettingsSource;
  /** e.g. "/repo/local.settings.json + environment variables", or "environment variables". */
  readonly origin: string;
}

export const LOCAL_SETTINGS_FILE = 'local.settings.json';

/**
 * Variables the Azure SDK reads from process.env itself (ManagedIdentityCredential finds the
 * App Service identity endpoint through them), not through our settings. Core Tools puts a
 * local.settings.json's Values into the worker's environment; the CLI must do the same for
 * these, or the managed identity would silently not be found.
 */
const SDK_PROCESS_VARIABLES = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'MSI_ENDPOINT',
  'MSI_SECRET',
];

/** The local.settings.json to read: `--settings`, else ./local.settings.json when present. */
export function localSettingsPath(
  settingsPath: string | undefined,
  cwd: string,
): string | undefined {
  if (settingsPath !== undefined) return resolve(cwd, settingsPath);
  const candidate = join(cwd, LOCAL_SETTINGS_FILE);
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Core Tools semantics: the `Values` of local.settings.json with real environment variables
 * winning; without a file, the environment alone. Copies the SDK's platform variables from
 * the file into `io.env` (process.env in the bin) when the environment lacks them. Throws
 * ConfigurationError when an explicitly named or present file cannot be used.
 */
export function resolveSettingsSource(
  settingsPath: string | undefined,
  io: Pick<CliIo, 'env' | 'cwd'>,
): ResolvedSettingsSource {
  const path = localSettingsPath(settingsPath, io.cwd);
  if (path === undefined) return { source: io.env, origin: 'environment variables' };
  const values = readLocalSettingsValues(path, io.env);
  for (const name of SDK_PROCESS_VARIABLES) {
    const value = values[name];
    if (io.env[name] === undefined && value !== undefined) io.env[name] = value;
  }
  return { source: values, origin: `${path} + environment variables` };
}
