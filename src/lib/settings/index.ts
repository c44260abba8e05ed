/**
 * The one home of settings: the only code in src that reads process.env. `loadSettings`
 * validates every app setting at once and throws one ConfigurationError naming each problem
 * with a valid example; the result is deeply frozen and typed (either/or settings are
 * discriminated unions, so no caller re-checks a combination).
 */
export { healthDetailedErrorsRequested } from './flag';
export { loadSettings } from './load';
export { readLocalSettingsValues } from './localSettings';
export { DEFAULT_TABLE_PREFIX, mirrorTableName } from './mirrorTables';
export {
  DEFAULT_STORAGE_SETTING,
  SETTING_NAMES,
  STORAGE_SUFFIXES,
  SYNC_POISON_QUEUE_NAME,
  SYNC_QUEUE_NAME,
} from './names';
export { managedIdentityEndpointAvailable } from './platform';
export { DEFAULT_POSTGRES_SCHEMA } from './postgres';
export type { SettingsSource } from './read';
export { RENAMED_SETTING_NAMES } from './renamed';
export { FUNCTION_TIMEOUT_IN_SECONDS, MAX_RUN_SECONDS_LIMIT } from './sync';
export { formatTables, parseTables } from './tables';
export type * from './types';
