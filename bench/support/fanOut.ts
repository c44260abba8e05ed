import type { SimTableName, TestBed, TestBedEnvironment } from '@dataverse-s2s/testbed';

import { EXPORT_LATENCY } from './profile';

/** The tables every fan-out environment syncs: one queue message each. */
export const FAN_OUT_TABLES: readonly SimTableName[] = ['account', 'contact', 'new_project'];

/** Environments of the fan-out scenario: with three tables each, 150 jobs per dispatch. */
export const FAN_OUT_ENVIRONMENTS = 50;

/**
 * Rows per table, a couple of hundred: several transactions per job, and a run that stays
 * near two minutes (each row costs the mirror a point read and a share of a transaction).
 */
const ROWS: Readonly<Record<SimTableName, number>> = {
  account: 200,
  contact: 200,
  new_project: 150,
};

/** `fan-01` … `fan-50`. */
export function fanOutEnvironmentNames(): string[] {
  return Array.from(
    { length: FAN_OUT_ENVIRONMENTS },
    (_, index) => `fan-${String(index + 1).padStart(2, '0')}`,
  );
}

/**
 * The fan-out environments of the bench bed. EXPORT_LATENCY (100 ms a request + 0.2 ms a row)
 * is the project's model of a real environment (scenario 1): with a couple of hundred rows per
 * table nearly all of a job's Dataverse time is the per-request part (its metadata reads and
 * one page), so a job mostly waits, as it does against the real service. Seeds differ per
 * environment so no two mirrors hold the same ids.
 */
export function fanOutEnvironments(): TestBedEnvironment[] {
  return fanOutEnvironmentNames().map((name, index) => ({
    name,
    accounts: { count: ROWS.account, seed: 1000 + index },
    tables: {
      contact: { count: ROWS.contact, seed: 2000 + index },
      new_project: { count: ROWS.new_project, seed: 3000 + index, changeTracking: true },
    },
    latency: EXPORT_LATENCY,
  }));
}

/**
 * App settings of one fan-out instance, as the Functions app reads them: the bed's settings
 * and managed-identity environment, only the fan-out environments, every table in full
 * (columns typed from metadata), mirrors under `prefix`.
 */
export function fanOutSettings(bed: TestBed, prefix: string): Record<string, string> {
  const names = new Set(fanOutEnvironmentNames());
  const environments = bed.dataverse.environments
    .filter((environment) => names.has(environment.name))
    .map((environment) => ({
      name: environment.name,
      url: environment.url,
      tenantId: environment.tenantId,
    }));
  return {
    ...bed.appSettings(),
    ...bed.processEnvironment(),
    DATAVERSE_ENVIRONMENTS: JSON.stringify(environments),
    SYNC_TABLES: FAN_OUT_TABLES.join(','),
    SYNC_TABLE_PREFIX: prefix,
  };
}
