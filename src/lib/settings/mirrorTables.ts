/** Azure Table names: 3-63 letters or digits, starting with a letter; "tables" is reserved. */
const AZURE_TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

export const DEFAULT_TABLE_PREFIX = 'dv';

/**
 * The mirror table of a Dataverse table: the prefix, then the logical name without its
 * underscores (Azure Table names allow only letters and digits): `dv` + `new_project` →
 * `dvnewproject`.
 */
export function mirrorTableName(prefix: string, logicalName: string): string {
  return `${prefix}${logicalName.replace(/_/g, '')}`;
}

/** Whether Azure accepts `name` as a table name. */
export function isAzureTableName(name: string): boolean {
  return AZURE_TABLE_NAME.test(name) && name.toLowerCase() !== 'tables';
}
