import { HEALTH_DETAILED_ERRORS } from './names';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import { checkBoolean } from './values';

/** Reads an optional true/false setting, reporting a bad value. */
export function booleanSetting(
  env: SettingsSource,
  name: string,
  fallback: boolean,
  problems: ProblemList,
): boolean {
  const value = readSetting(env, name);
  if (value === undefined) return fallback;
  const checked = checkBoolean(value);
  if (checked.ok) return checked.value;
  problems.add(name, `${checked.problem}, got ${shown(value)}`, String(fallback));
  return fallback;
}

/**
 * HEALTH_DETAILED_ERRORS on its own, for the one caller that cannot wait for `loadSettings`: the
 * health endpoint answering that the app could not start (perhaps because of another setting).
 * Only an explicit `true` asks for detail; anything else is the safe default, and a malformed
 * value is reported by `loadSettings` with the other problems.
 */
export function healthDetailedErrorsRequested(env: SettingsSource = process.env): boolean {
  return readSetting(env, HEALTH_DETAILED_ERRORS)?.toLowerCase() === 'true';
}
