import { type DataverseClient, isDataverseError } from '../dataverse';
import { IntegrationError } from '../errors';
import { CHOICE_CASTS, kindOf } from './attributeKinds';
import { labelMap } from './labels';
import {
  readAttributes,
  readBaseLanguage,
  readChoiceOptions,
  readDateBehaviors,
  readEntityDefinition,
  readLookupTargets,
  readPrecisions,
} from './metadataReads';
import { selectAttributes } from './selectAttributes';
import { targetColumns } from './targetColumns';
import type { DateBehavior, SelectedAttribute, TableDefinition, TableRequest } from './types';

export interface ReadTableOptions {
  /** LCID of the label columns; default the organisation's base language. */
  readonly labelLanguage?: number;
  /** The setting that configured the columns, named in errors (e.g. SYNC_TABLES). */
  readonly setting: string;
  readonly signal?: AbortSignal;
}

/** The track-changes switch, where an administrator finds it. */
export function trackChangesFix(table: string): string {
  return `turn on Track changes for table ${table}: Power Apps → Tables → ${table} → Properties → Advanced options → Track changes (or run dataverse-s2s onboard --enable-change-tracking)`;
}

/**
 * Reads a table's definition from the Web API metadata and decides what to copy: which
 * attributes (`request.columns`, or every copyable one), their types, precisions, date
 * behaviours, lookup targets and choice labels. Fails, naming the table or column and the fix,
 * when the table does not exist, has change tracking off, or a configured column cannot be
 * copied. Issues at most eight small GETs (only for the kinds present).
 */
export async function readTableDefinition(
  client: DataverseClient,
  request: TableRequest,
  options: ReadTableOptions,
): Promise<TableDefinition> {
  const environment = client.environment.name;
  const { signal } = options;
  const table = request.logicalName;
  const entity = await readEntityDefinition(client, table, signal).catch((error: unknown) => {
    if (isDataverseError(error) && error.status === 404) {
      throw new IntegrationError(`Table ${table} does not exist in environment ${environment}`, {
        step: 'read table metadata',
        environment,
        status: 404,
        code: error.code,
        hint: `Check ${options.setting}: it takes the table's logical name (e.g. new_project, not its display name "Project").`,
        cause: error,
      });
    }
    throw error;
  });
  if (!entity.changeTrackingEnabled) {
    throw new IntegrationError(
      `Table ${table} has change tracking off in environment ${environment}`,
      {
        step: 'read table metadata',
        environment,
        code: 'ChangeTrackingDisabled',
        hint: trackChangesFix(table),
      },
    );
  }
  const chosen = selectAttributes(
    await readAttributes(client, table, signal),
    table,
    entity.primaryIdAttribute,
    request.columns,
    options.setting,
  );
  const typeNames = new Set(chosen.map((attribute) => attribute.typeName));
  const kinds = new Set(chosen.map((attribute) => kindOf(attribute.typeName)));
  const language = options.labelLanguage ?? (await readBaseLanguage(client, signal));
  const options_ = new Map<string, Map<number, string>>();
  for (const [typeName, cast] of Object.entries(CHOICE_CASTS)) {
    if (!typeNames.has(typeName)) continue;
    for (const [name, values] of await readChoiceOptions(client, table, cast, signal))
      options_.set(name, labelMap(values, language));
  }
  const targets = kinds.has('lookup')
    ? await readLookupTargets(client, table, signal)
    : new Map<string, string[]>();
  const precisions = new Map([
    ...(kinds.has('money')
      ? await readPrecisions(client, table, 'MoneyAttributeMetadata', signal)
      : []),
    ...(kinds.has('decimal')
      ? await readPrecisions(client, table, 'DecimalAttributeMetadata', signal)
      : []),
  ]);
  const dates: Map<string, DateBehavior> = kinds.has('datetime')
    ? await readDateBehaviors(client, table, signal)
    : new Map<string, DateBehavior>();

  const attributes: SelectedAttribute[] = chosen.map((facts) => {
    const kind = kindOf(facts.typeName) ?? 'string';
    const name = facts.logicalName;
    const labels = options_.get(name);
    const lookupTargets = targets.get(name);
    const precision = precisions.get(name);
    const dateBehavior = dates.get(name);
    return {
      logicalName: name,
      wireName: kind === 'lookup' ? `_${name}_value` : name,
      kind,
      typeName: facts.typeName,
      ...(labels === undefined ? {} : { labels }),
      ...(lookupTargets === undefined ? {} : { targets: lookupTargets }),
      ...(precision === undefined ? {} : { precision }),
      ...(dateBehavior === undefined ? {} : { dateBehavior }),
    };
  });
  return {
    logicalName: entity.logicalName,
    entitySet: entity.entitySet,
    primaryIdAttribute: entity.primaryIdAttribute,
    objectTypeCode: entity.objectTypeCode,
    labelLanguage: language,
    attributes,
    columns: targetColumns(table, attributes),
  };
}
