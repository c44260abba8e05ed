import {
  SYNC_MAX_RUN_SECONDS,
  SYNC_PAGE_SIZE,
  SYNC_SCHEDULE,
  SYNC_STORAGE,
  SYNC_TABLE_PREFIX,
  SYNC_TABLES,
  SYNC_TARGET,
  SYNC_WEBHOOK_SCOPE,
  SYNC_WEBHOOK_URL,
} from './names';
import type { ProblemList } from './problems';
import { readSetting, type SettingsSource } from './read';

/**
 * Settings of earlier versions, by old name: the new name and a valid example. The sync grew
 * from one table (account) to any table, so its settings lost the ACCOUNT_ prefix. An old name
 * still set is an error, not silently ignored: the operator would otherwise believe a schedule
 * or target applies that does not.
 */
const RENAMED: Readonly<
  Record<string, readonly [newName: string, example: string, problem?: string]>
> = {
  ACCOUNT_SYNC_SCHEDULE: [SYNC_SCHEDULE, '0 */15 * * * *'],
  ACCOUNT_SYNC_TARGET: [SYNC_TARGET, 'table'],
  ACCOUNT_SYNC_STORAGE: [SYNC_STORAGE, 'AzureWebJobsStorage'],
  ACCOUNT_SYNC_WEBHOOK_URL: [SYNC_WEBHOOK_URL, 'https://mirror.contoso.com/api/dataverse'],
  ACCOUNT_SYNC_WEBHOOK_SCOPE: [
    SYNC_WEBHOOK_SCOPE,
    'api://00000000-0000-0000-0000-000000000000/.default',
  ],
  ACCOUNT_SYNC_MAX_RUN_SECONDS: [SYNC_MAX_RUN_SECONDS, '600'],
  ACCOUNT_SYNC_PAGE_SIZE: [SYNC_PAGE_SIZE, '5000'],
  ACCOUNT_SYNC_COLUMNS: [
    SYNC_TABLES,
    'account(name,accountnumber,revenue)',
    `was replaced by ${SYNC_TABLES}, which lists tables and, in parentheses, their columns (without a list, every column of the table is copied)`,
  ],
  ACCOUNT_SYNC_TABLE_NAME: [
    SYNC_TABLE_PREFIX,
    'dv',
    `was replaced by ${SYNC_TABLE_PREFIX}: each synced table gets its own mirror table named prefix + logical name (dvaccount, dvcontact); remove this setting`,
  ],
};

/** Names of earlier versions that loadSettings reads only to say they were renamed. */
export const RENAMED_SETTING_NAMES: readonly string[] = Object.freeze(Object.keys(RENAMED));

/** Reports every setting of an earlier version that is still set, with its new name. */
export function checkRenamedSettings(env: SettingsSource, problems: ProblemList): void {
  for (const [oldName, [newName, example, problem]] of Object.entries(RENAMED)) {
    if (readSetting(env, oldName) === undefined) continue;
    problems.add(
      oldName,
      problem ??
        `was renamed to ${newName}; rename the app setting (its value carries over unchanged)`,
      example,
      newName,
    );
  }
}
