import { DATAVERSE_ENVIRONMENTS, DATAVERSE_URL } from './names';
import { type ProblemList, shown } from './problems';
import { parseTables } from './tables';
import type { EnvironmentSettings, TableSelection } from './types';
import { checkOriginUrl, checkTenant } from './values';

// Names become Azure Table PartitionKeys and blob names: keep them to a portable alphabet.
const ENVIRONMENT_NAME = /^[a-zA-Z0-9-]{1,63}$/;
const URL_EXAMPLE = 'https://contoso.crm.dynamics.com';
const ENVIRONMENTS_EXAMPLE =
  '[{"name":"contoso-prod","url":"https://contoso.crm.dynamics.com"},{"name":"fabrikam","url":"https://fabrikam.crm4.dynamics.com","tenantId":"fabrikam.onmicrosoft.com","tables":"account,contact"}]';

/** Name for a single DATAVERSE_URL environment: the host's first label (contoso.crm… → contoso). */
function nameFromUrl(url: string): string {
  const host = new URL(url).hostname;
  // An IP literal's first label ("127", "[") says nothing: call the loopback test bed "local".
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return 'local';
  return host.split('.')[0] ?? 'local';
}

function checkOrgUrl(value: string, setting: string, problems: ProblemList): string | undefined {
  const checked = checkOriginUrl(value, { allowLoopbackHttp: true });
  if (checked.ok) return checked.value;
  problems.add(
    setting,
    `${checked.problem} (the environment URL from the Power Platform admin center)`,
    URL_EXAMPLE,
  );
  return undefined;
}

/** An entry's own `"tables"` (same grammar as SYNC_TABLES), or undefined when it has none. */
function parseEntryTables(
  tables: unknown,
  where: string,
  problems: ProblemList,
): readonly TableSelection[] | undefined | 'invalid' {
  if (tables === undefined) return undefined;
  const parsed = typeof tables === 'string' ? parseTables(tables) : undefined;
  if (parsed?.ok === true) return parsed.tables;
  problems.add(
    DATAVERSE_ENVIRONMENTS,
    `${where} "tables" ${parsed === undefined ? 'must be a string like SYNC_TABLES' : parsed.problem}`,
    ENVIRONMENTS_EXAMPLE,
  );
  return 'invalid';
}

function parseEntry(
  entry: unknown,
  index: number,
  defaults: Defaults,
  problems: ProblemList,
): EnvironmentSettings | undefined {
  const where = `entry ${String(index)}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.add(
      DATAVERSE_ENVIRONMENTS,
      `${where} is not an object with "name" and "url"`,
      ENVIRONMENTS_EXAMPLE,
    );
    return undefined;
  }
  const { name, url, tenantId, tables: tablesValue } = entry as Record<string, unknown>;
  let valid = true;
  const tables = parseEntryTables(tablesValue, where, problems);
  if (tables === 'invalid') valid = false;
  if (typeof name !== 'string' || !ENVIRONMENT_NAME.test(name)) {
    problems.add(
      DATAVERSE_ENVIRONMENTS,
      `${where} needs a "name" of 1-63 letters, digits or hyphens (it becomes a table partition key and blob name)`,
      ENVIRONMENTS_EXAMPLE,
    );
    valid = false;
  }
  let orgUrl: string | undefined;
  if (typeof url !== 'string') {
    problems.add(DATAVERSE_ENVIRONMENTS, `${where} needs a "url"`, ENVIRONMENTS_EXAMPLE);
  } else {
    const checked = checkOriginUrl(url, { allowLoopbackHttp: true });
    if (checked.ok) orgUrl = checked.value;
    else
      problems.add(
        DATAVERSE_ENVIRONMENTS,
        `${where} "url" ${checked.problem}`,
        ENVIRONMENTS_EXAMPLE,
      );
  }
  let tenant = defaults.tenantId;
  if (tenantId !== undefined) {
    const checked = typeof tenantId === 'string' ? checkTenant(tenantId.trim()) : undefined;
    if (checked?.ok === true) tenant = checked.value;
    else {
      problems.add(
        DATAVERSE_ENVIRONMENTS,
        `${where} "tenantId" must be a tenant GUID or domain such as fabrikam.onmicrosoft.com`,
        ENVIRONMENTS_EXAMPLE,
      );
      valid = false;
    }
  }
  if (
    !valid ||
    tables === 'invalid' ||
    orgUrl === undefined ||
    typeof name !== 'string' ||
    tenant === undefined
  )
    return undefined;
  return { name, url: orgUrl, tenantId: tenant, tables: tables ?? defaults.tables };
}

function checkUnique(environments: readonly EnvironmentSettings[], problems: ProblemList): void {
  const names = new Set<string>();
  const urls = new Set<string>();
  for (const environment of environments) {
    // Case-insensitive: "Contoso" and "contoso" would confuse every operator reading a log.
    const key = environment.name.toLowerCase();
    if (names.has(key)) {
      problems.add(
        DATAVERSE_ENVIRONMENTS,
        `environment name ${shown(environment.name)} is used twice`,
        ENVIRONMENTS_EXAMPLE,
      );
    }
    if (urls.has(environment.url)) {
      problems.add(
        DATAVERSE_ENVIRONMENTS,
        `environment URL ${environment.url} is listed twice`,
        ENVIRONMENTS_EXAMPLE,
      );
    }
    names.add(key);
    urls.add(environment.url);
  }
}

/** What an entry does not say itself: DATAVERSE_TENANT_ID and SYNC_TABLES. */
export interface Defaults {
  /** Undefined when DATAVERSE_TENANT_ID is itself invalid (reported elsewhere). */
  readonly tenantId: string | undefined;
  readonly tables: readonly TableSelection[];
}

/**
 * Reads DATAVERSE_URL (one environment, named after its host) or DATAVERSE_ENVIRONMENTS (a
 * JSON array, each entry optionally with its own `"tenantId"` and `"tables"`) — exactly one.
 */
export function parseEnvironments(
  urlValue: string | undefined,
  listValue: string | undefined,
  defaults: Defaults,
  problems: ProblemList,
): EnvironmentSettings[] {
  if (urlValue !== undefined && listValue !== undefined) {
    problems.add(
      DATAVERSE_ENVIRONMENTS,
      `set either ${DATAVERSE_URL} or ${DATAVERSE_ENVIRONMENTS}, not both`,
      ENVIRONMENTS_EXAMPLE,
    );
    return [];
  }
  if (urlValue !== undefined) {
    const url = checkOrgUrl(urlValue, DATAVERSE_URL, problems);
    if (url === undefined || defaults.tenantId === undefined) return [];
    return [{ name: nameFromUrl(url), url, tenantId: defaults.tenantId, tables: defaults.tables }];
  }
  if (listValue === undefined) {
    problems.add(
      DATAVERSE_URL,
      `is required (or ${DATAVERSE_ENVIRONMENTS} for several environments)`,
      URL_EXAMPLE,
    );
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(listValue);
  } catch {
    problems.add(DATAVERSE_ENVIRONMENTS, 'is not valid JSON', ENVIRONMENTS_EXAMPLE);
    return [];
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.add(
      DATAVERSE_ENVIRONMENTS,
      'must be a non-empty JSON array of {"name","url","tenantId"?,"tables"?}',
      ENVIRONMENTS_EXAMPLE,
    );
    return [];
  }
  const environments = parsed
    .map((entry: unknown, index) => parseEntry(entry, index, defaults, problems))
    .filter((e): e is EnvironmentSettings => e !== undefined);
  checkUnique(environments, problems);
  return environments;
}
