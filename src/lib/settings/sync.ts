import { integerSetting } from './integer';
import { DEFAULT_TABLE_PREFIX, isAzureTableName, mirrorTableName } from './mirrorTables';
import {
  SYNC_LABEL_LANGUAGE,
  SYNC_MAX_RUN_SECONDS,
  SYNC_PAGE_SIZE,
  SYNC_SCHEDULE,
  SYNC_TABLE_PREFIX,
  SYNC_TABLES,
  SYNC_TARGET,
  SYNC_WEBHOOK_SCOPE,
  SYNC_WEBHOOK_URL,
} from './names';
import { checkNcrontab } from './ncrontab';
import { parsePostgres } from './postgres';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import { parseJobsStorage } from './storage';
import { DEFAULT_TABLES, parseTables, TABLES_EXAMPLE } from './tables';
import type {
  EnvironmentSettings,
  StorageConnection,
  SyncSettings,
  SyncTarget,
  SyncTargetKind,
  TableSelection,
} from './types';
import { checkEndpointUrl } from './values';

export const DEFAULT_SCHEDULE = '0 */15 * * * *';
/** host.json `functionTimeout` (00:30:00): the host stops an invocation after this long. */
export const FUNCTION_TIMEOUT_IN_SECONDS = 1800;
/** The largest time budget: a run needs time after it to save its checkpoint and release the lease. */
export const MAX_RUN_SECONDS_LIMIT = 1700;
/**
 * A job's budget: one queue message's worth of work. A job that reaches it saves its position
 * and enqueues its continuation, so a long full load moves between instances and does not
 * hold one instance for half an hour while other jobs wait.
 */
export const DEFAULT_MAX_RUN_SECONDS = 600;
/** Dataverse's default and largest page (odata.maxpagesize). */
export const DEFAULT_PAGE_SIZE = 5000;
// An Entra resource or scope: api://..., https://..., or an app id GUID, optionally with /.default.
const SCOPE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/\.default)?)$/i;

/**
 * SYNC_TABLES, read before the environments: each environment without its own `"tables"` entry
 * syncs these.
 */
export function parseSyncTables(env: SettingsSource, problems: ProblemList): TableSelection[] {
  const value = readSetting(env, SYNC_TABLES) ?? DEFAULT_TABLES;
  const parsed = parseTables(value);
  if (parsed.ok) return [...parsed.tables];
  problems.add(SYNC_TABLES, parsed.problem, TABLES_EXAMPLE);
  return [];
}

/** SYNC_LABEL_LANGUAGE: an LCID such as 1033 (English) or 1031 (German); absent: base language. */
function parseLabelLanguage(env: SettingsSource, problems: ProblemList): number | undefined {
  const value = readSetting(env, SYNC_LABEL_LANGUAGE);
  if (value === undefined) return undefined;
  const lcid = /^\d{4,5}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(lcid) && lcid >= 1025 && lcid <= 58380) return lcid;
  problems.add(
    SYNC_LABEL_LANGUAGE,
    `must be a language code (LCID) such as 1033 for English or 1031 for German, got ${shown(value)}`,
    '1033',
  );
  return undefined;
}

function parseTarget(env: SettingsSource, problems: ProblemList): SyncTargetKind {
  const value = readSetting(env, SYNC_TARGET)?.toLowerCase() ?? 'table';
  if (value === 'table' || value === 'http' || value === 'postgres') return value;
  problems.add(SYNC_TARGET, `must be table, http or postgres, got ${shown(value)}`, 'table');
  return 'table';
}

/**
 * SYNC_TABLE_PREFIX, checked against every table it will name: each mirror table name must be a
 * valid Azure table name, and no two Dataverse tables may share one (new_project and
 * newproject would).
 */
function parseTablePrefix(
  env: SettingsSource,
  environments: readonly EnvironmentSettings[],
  problems: ProblemList,
): string {
  const prefix = readSetting(env, SYNC_TABLE_PREFIX) ?? DEFAULT_TABLE_PREFIX;
  if (!/^[A-Za-z][A-Za-z0-9]{0,19}$/.test(prefix)) {
    problems.add(
      SYNC_TABLE_PREFIX,
      `must be 1-20 letters or digits starting with a letter (mirror tables are named prefix + table), got ${shown(prefix)}`,
      DEFAULT_TABLE_PREFIX,
    );
    return prefix;
  }
  const owners = new Map<string, string>();
  const names = new Set(
    environments.flatMap((environment) => environment.tables.map((table) => table.logicalName)),
  );
  for (const logicalName of names) {
    const mirror = mirrorTableName(prefix, logicalName);
    const other = owners.get(mirror.toLowerCase());
    if (!isAzureTableName(mirror)) {
      problems.add(
        SYNC_TABLE_PREFIX,
        `gives table ${logicalName} the mirror table name ${mirror}, which Azure does not accept (3-63 letters or digits); use a shorter prefix`,
        DEFAULT_TABLE_PREFIX,
      );
    } else if (other !== undefined) {
      problems.add(
        SYNC_TABLES,
        `tables ${other} and ${logicalName} would share the mirror table ${mirror} (underscores are dropped from table names); sync them to separate apps or webhook targets`,
        TABLES_EXAMPLE,
      );
    }
    owners.set(mirror.toLowerCase(), logicalName);
  }
  return prefix;
}

function parseWebhook(
  env: SettingsSource,
  target: SyncTargetKind,
  problems: ProblemList,
): { url?: string; scope?: string } {
  const urlValue = readSetting(env, SYNC_WEBHOOK_URL);
  const scope = readSetting(env, SYNC_WEBHOOK_SCOPE);
  const example = 'https://mirror.contoso.com/api/dataverse';
  let url: string | undefined;
  if (urlValue === undefined) {
    if (target === 'http')
      problems.add(SYNC_WEBHOOK_URL, `is required when ${SYNC_TARGET}=http`, example);
  } else {
    // The URL may carry a function key in its query: never quote it.
    const checked = checkEndpointUrl(urlValue);
    if (checked.ok) url = checked.value;
    else problems.add(SYNC_WEBHOOK_URL, checked.problem, example);
  }
  if (scope !== undefined && !SCOPE.test(scope)) {
    problems.add(
      SYNC_WEBHOOK_SCOPE,
      'must be an Entra resource or scope (api://..., https://..., or an application id), optionally ending in /.default',
      'api://00000000-0000-0000-0000-000000000000/.default',
    );
  }
  return { ...(url === undefined ? {} : { url }), ...(scope === undefined ? {} : { scope }) };
}

/** Reads the SYNC_* settings; `storage` was resolved by parseStorage. */
export function parseSync(
  env: SettingsSource,
  storage: StorageConnection | undefined,
  environments: readonly EnvironmentSettings[],
  problems: ProblemList,
): SyncSettings | undefined {
  const scheduleValue = readSetting(env, SYNC_SCHEDULE) ?? DEFAULT_SCHEDULE;
  const schedule = checkNcrontab(scheduleValue);
  if (!schedule.ok)
    problems.add(
      SYNC_SCHEDULE,
      `${schedule.problem}, got ${shown(scheduleValue)}`,
      '0 */5 * * * *',
    );
  const target = parseTarget(env, problems);
  const tablePrefix = target === 'table' ? parseTablePrefix(env, environments, problems) : '';
  const webhook = parseWebhook(env, target, problems);
  const postgres = target === 'postgres' ? parsePostgres(env, problems) : undefined;
  const maxRunSeconds = integerSetting(
    env,
    SYNC_MAX_RUN_SECONDS,
    DEFAULT_MAX_RUN_SECONDS,
    30,
    MAX_RUN_SECONDS_LIMIT,
    problems,
    `the host stops a run at functionTimeout, ${String(FUNCTION_TIMEOUT_IN_SECONDS / 60)} minutes in host.json, and the run needs time after its budget to save its checkpoint`,
  );
  // Smaller pages for rows that are wide, or a receiver that takes smaller requests.
  const pageSize = integerSetting(env, SYNC_PAGE_SIZE, DEFAULT_PAGE_SIZE, 1, 5000, problems);
  const labelLanguage = parseLabelLanguage(env, problems);
  const jobsStorage = parseJobsStorage(env, storage, problems);
  if (!schedule.ok || storage === undefined || jobsStorage === undefined) return undefined;
  let syncTarget: SyncTarget;
  if (target === 'table') syncTarget = { kind: 'table', tablePrefix };
  else if (target === 'postgres') {
    if (postgres === undefined) return undefined; // reported by parsePostgres
    syncTarget = { kind: 'postgres', ...postgres };
  } else if (webhook.url !== undefined) {
    syncTarget = {
      kind: 'http',
      url: webhook.url,
      ...(webhook.scope === undefined ? {} : { scope: webhook.scope }),
    };
  } else return undefined; // the missing URL was reported by parseWebhook
  return {
    schedule: schedule.value,
    target: syncTarget,
    storage,
    jobsStorage,
    ...(labelLanguage === undefined ? {} : { labelLanguage }),
    maxRunSeconds,
    pageSize,
  };
}
