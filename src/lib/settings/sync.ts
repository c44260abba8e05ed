import { integerSetting } from './integer';
import {
  ACCOUNT_SYNC_COLUMNS,
  ACCOUNT_SYNC_TABLE_NAME,
  SYNC_MAX_RUN_SECONDS,
  SYNC_PAGE_SIZE,
  SYNC_SCHEDULE,
  SYNC_TARGET,
  SYNC_WEBHOOK_SCOPE,
  SYNC_WEBHOOK_URL,
} from './names';
import { checkNcrontab } from './ncrontab';
import { type ProblemList, shown } from './problems';
import { readSetting, type SettingsSource } from './read';
import type { StorageConnection, SyncSettings, SyncTarget, SyncTargetKind } from './types';
import { checkEndpointUrl } from './values';

export const DEFAULT_SCHEDULE = '0 */15 * * * *';
export const DEFAULT_COLUMNS =
  'name,accountnumber,telephone1,emailaddress1,address1_city,revenue,statecode';
/** host.json `functionTimeout` (00:30:00): the host stops an invocation after this long. */
export const FUNCTION_TIMEOUT_IN_SECONDS = 1800;
/** The largest time budget: a run needs time after it to save its checkpoint and release the lease. */
export const MAX_RUN_SECONDS_LIMIT = 1700;
/** Below the limit, with room for a slow last page. */
export const DEFAULT_MAX_RUN_SECONDS = 1500;
/** Dataverse's default and largest page (odata.maxpagesize). */
export const DEFAULT_PAGE_SIZE = 5000;
const ALWAYS_COLUMNS = ['accountid', 'versionnumber'];
const LOGICAL_NAME = /^[a-z][a-z0-9_]{0,99}$/;
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
// An Entra resource or scope: api://..., https://..., or an app id GUID, optionally with /.default.
const SCOPE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\/\.default)?)$/i;

function parseColumns(env: SettingsSource, problems: ProblemList): string[] {
  const value = readSetting(env, ACCOUNT_SYNC_COLUMNS) ?? DEFAULT_COLUMNS;
  const columns = value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const invalid = columns.filter((c) => !LOGICAL_NAME.test(c));
  if (invalid.length > 0) {
    problems.add(
      ACCOUNT_SYNC_COLUMNS,
      `must be a comma-separated list of lowercase column logical names; not valid: ${invalid.map(shown).join(', ')}`,
      DEFAULT_COLUMNS,
    );
  }
  return [...new Set([ALWAYS_COLUMNS[0] ?? 'accountid', ...columns, ...ALWAYS_COLUMNS])];
}

function parseTarget(env: SettingsSource, problems: ProblemList): SyncTargetKind {
  const value = readSetting(env, SYNC_TARGET)?.toLowerCase() ?? 'table';
  if (value === 'table' || value === 'http') return value;
  problems.add(SYNC_TARGET, `must be table or http, got ${shown(value)}`, 'table');
  return 'table';
}

function parseTableName(env: SettingsSource, problems: ProblemList): string {
  const value = readSetting(env, ACCOUNT_SYNC_TABLE_NAME) ?? 'accounts';
  if (!TABLE_NAME.test(value) || value.toLowerCase() === 'tables') {
    problems.add(
      ACCOUNT_SYNC_TABLE_NAME,
      `must be an Azure table name (3-63 letters or digits, starting with a letter, not "tables"), got ${shown(value)}`,
      'accounts',
    );
  }
  return value;
}

function parseWebhook(
  env: SettingsSource,
  target: SyncTargetKind,
  problems: ProblemList,
): { url?: string; scope?: string } {
  const urlValue = readSetting(env, SYNC_WEBHOOK_URL);
  const scope = readSetting(env, SYNC_WEBHOOK_SCOPE);
  const example = 'https://mirror.contoso.com/api/accounts';
  let url: string | undefined;
  if (urlValue === undefined) {
    if (target === 'http')
      problems.add(
        SYNC_WEBHOOK_URL,
        `is required when ${SYNC_TARGET}=http`,
        example,
      );
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

/** Reads the ACCOUNT_SYNC_* settings; `storage` was resolved by parseStorage. */
export function parseSync(
  env: SettingsSource,
  storage: StorageConnection | undefined,
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
  const columns = parseColumns(env, problems);
  const target = parseTarget(env, problems);
  const tableName = parseTableName(env, problems);
  const webhook = parseWebhook(env, target, problems);
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
  const pageSize = integerSetting(
    env,
    SYNC_PAGE_SIZE,
    DEFAULT_PAGE_SIZE,
    1,
    5000,
    problems,
  );
  if (!schedule.ok || storage === undefined) return undefined;
  let syncTarget: SyncTarget;
  if (target === 'table') syncTarget = { kind: 'table', tableName };
  else if (webhook.url !== undefined) {
    syncTarget = {
      kind: 'http',
      url: webhook.url,
      ...(webhook.scope === undefined ? {} : { scope: webhook.scope }),
    };
  } else return undefined; // the missing URL was reported by parseWebhook
  return {
    schedule: schedule.value,
    columns,
    target: syncTarget,
    storage,
    maxRunSeconds,
    pageSize,
  };
}
