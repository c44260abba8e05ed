import { readFileSync } from 'node:fs';

import { ConfigurationError } from '../errors';
import type { SettingsSource } from './read';

function fail(path: string, problem: string): never {
  throw new ConfigurationError(`${path}: ${problem}`, {
    step: 'local settings',
    hint: 'Copy local.settings.sample.json to local.settings.json and fill in the values.',
  });
}

/**
 * Reads the `Values` of a local.settings.json and layers the real environment on top, the way
 * Core Tools does (a variable already set in the environment wins over the file). Returns the
 * effective settings, ready for `loadSettings`. Values are never quoted in errors: the file
 * holds secrets.
 */
export function readLocalSettingsValues(
  path: string,
  env: SettingsSource = process.env,
): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    fail(path, code === 'ENOENT' ? 'file not found' : `cannot be read (${String(code)})`);
  }
  let parsed: unknown;
  try {
    // Core Tools tolerates a UTF-8 BOM; JSON.parse does not.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    fail(path, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null)
    fail(path, 'must be a JSON object with "Values"');
  const { IsEncrypted, Values } = parsed as Record<string, unknown>;
  if (IsEncrypted === true)
    fail(path, 'is encrypted (IsEncrypted: true): decrypt it with `func settings decrypt`');
  if (
    Values !== undefined &&
    (typeof Values !== 'object' || Values === null || Array.isArray(Values))
  ) {
    fail(path, '"Values" must be an object of strings');
  }
  const values: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((Values ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') fail(path, `"Values.${key}" must be a string`);
    values[key] = value;
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) values[key] = value;
  }
  return values;
}
