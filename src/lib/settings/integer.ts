import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import { checkInteger } from './values';

/** Reads an optional whole-number setting within [min, max], reporting bad values. */
export function integerSetting(
  env: SettingsSource,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: ProblemList,
  /** Why the range is what it is, when it is not obvious. */
  why?: string,
): number {
  const value = readSetting(env, name);
  if (value === undefined) return fallback;
  const checked = checkInteger(value, min, max);
  if (checked.ok) return checked.value;
  const reason = why === undefined ? '' : ` (${why})`;
  problems.add(name, `${checked.problem}${reason}, got ${shown(value)}`, String(fallback));
  return fallback;
}
