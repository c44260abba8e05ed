/** The raw settings source: process.env or a test's record. */
export type SettingsSource = Readonly<Record<string, string | undefined>>;

/**
 * Reads a setting, trimmed. Empty or whitespace-only values count as unset: the portal and
 * Bicep make it easy to create a setting with an empty value, which should mean "use the default".
 */
export function readSetting(env: SettingsSource, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
