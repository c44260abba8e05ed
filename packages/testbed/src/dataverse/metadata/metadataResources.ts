import { attributeNotFound, entityNotFound, queryError, resourceNotFound } from '../errors';
import { checkOptionNames } from '../queryOptions';
import type { ResourceContext } from '../resourceContext';
import { emptyResponse, jsonResponse, type SimResponse } from '../response';
import type { SimTable } from '../simTable';
import { DERIVED_PROPERTIES, metadataTypeOf } from './attributeKinds';
import { attributeQuery, withType } from './attributeQuery';
import { matchesMetadataFilter, parseMetadataFilter } from './metadataFilter';
import {
  attributeJson,
  attributePropertiesOf,
  ENTITY_PROPERTIES,
  entityJson,
  type Json,
} from './metadataJson';
import {
  contextColumns,
  type ExpandItem,
  parseExpand,
  parseMetadataSelect,
  pickProperties,
} from './metadataQuery';
import type { ResolvedAttribute } from './resolveDefinition';

const NS = 'Microsoft.Dynamics.CRM';
const ROUTE =
  /^EntityDefinitions(?:\(([^)]*)\))?(?:\/Attributes(?:\(([^)]*)\))?(?:\/Microsoft\.Dynamics\.CRM\.([A-Za-z]+))?)?$/;
const OPTIONS = new Set(['$select', '$filter', '$expand']);

/**
 * The metadata routes: `EntityDefinitions`, one definition by `LogicalName='x'` or MetadataId,
 * its `Attributes` (optionally cast to a derived type), one attribute, and the PUT that turns
 * change tracking on. Metadata has no paging; `$top`, `$skip`, `$orderby` fail (README).
 */
export function handleMetadata(
  context: ResourceContext,
  method: string,
  resource: string,
  url: URL,
  body: string,
): SimResponse {
  const match = ROUTE.exec(resource);
  if (match === null) throw resourceNotFound(resource.split(/[/(]/)[0] ?? resource);
  const [, entityKey, attributeKey, cast] = match;
  const params = url.searchParams;
  checkOptionNames(params, OPTIONS);
  const root = `${context.serviceRoot}$metadata#`;
  const language = context.organization.languageCode;
  if (entityKey === undefined) {
    if (method !== 'GET' || resource !== 'EntityDefinitions') throw resourceNotFound(resource);
    return entityCollection(context, params, root);
  }
  const { table, segment } = findTable(context, entityKey);
  const isAttributes = resource.includes('/Attributes');
  if (!isAttributes) {
    if (method === 'PUT') return putEntity(context, table, body);
    if (method !== 'GET')
      throw queryError(`The HTTP method '${method}' is not allowed for this resource.`);
    if (params.has('$filter')) throw queryError('The query parameter $filter is not supported');
    const select = parseMetadataSelect(
      params.get('$select'),
      ENTITY_PROPERTIES,
      `${NS}.EntityMetadata`,
    );
    const expand = parseExpand(params.get('$expand'));
    const json = expandEntity(
      pickProperties(entityJson(table, language), select),
      table,
      expand,
      language,
    );
    return jsonResponse(200, {
      '@odata.context': `${root}EntityDefinitions${contextColumns(select, expand)}/$entity`,
      ...json,
    });
  }
  if (method !== 'GET')
    throw queryError(`The HTTP method '${method}' is not allowed for this resource.`);
  if (cast !== undefined && !(cast in DERIVED_PROPERTIES)) {
    if (cast === 'EnumAttributeMetadata' || cast === 'AttributeMetadata')
      throw queryError(
        `Attributes cannot be cast to '${NS}.${cast}': cast to each derived type (PicklistAttributeMetadata, ...).`,
      );
    throw resourceNotFound(`${NS}.${cast}`);
  }
  const query = attributeQuery(params, cast, language);
  const castPart = cast === undefined ? '' : `/${NS}.${cast}`;
  if (attributeKey === undefined) {
    const value = table.schema
      .attributes()
      .filter((attribute) => cast === undefined || metadataTypeOf(attribute) === cast)
      .map((attribute) => query.render(attribute, cast === undefined))
      .filter((json): json is Json => json !== undefined);
    return jsonResponse(200, {
      '@odata.context': `${root}EntityDefinitions(${segment})/Attributes${castPart}${query.columns}`,
      value,
    });
  }
  const attribute = findAttribute(table, attributeKey);
  if (cast !== undefined && metadataTypeOf(attribute) !== cast)
    throw resourceNotFound(`${NS}.${cast}`);
  const json =
    query.render(
      attribute,
      cast === undefined,
      `${root}EntityDefinitions(${segment})/Attributes(${attribute.MetadataId})${castPart}`,
    ) ?? {};
  return jsonResponse(200, {
    '@odata.context': `${root}EntityDefinitions(${segment})/Attributes${castPart}${query.columns}/$entity`,
    ...json,
  });
}

function entityCollection(
  context: ResourceContext,
  params: URLSearchParams,
  root: string,
): SimResponse {
  const language = context.organization.languageCode;
  const select = parseMetadataSelect(
    params.get('$select'),
    ENTITY_PROPERTIES,
    `${NS}.EntityMetadata`,
  );
  const filterText = params.get('$filter');
  const filter =
    filterText === null
      ? undefined
      : parseMetadataFilter(filterText, ENTITY_PROPERTIES, `${NS}.EntityMetadata`);
  const expand = parseExpand(params.get('$expand'));
  const value = context.tables
    .all()
    .map((table) => ({ table, json: entityJson(table, language) }))
    .filter(({ json }) => filter === undefined || matchesMetadataFilter(filter, json))
    .map(({ table, json }) => expandEntity(pickProperties(json, select), table, expand, language));
  return jsonResponse(200, {
    '@odata.context': `${root}EntityDefinitions${contextColumns(select, expand)}`,
    value,
  });
}

/** `$expand=Attributes($select=...;$filter=...)` on a definition: base-typed attributes. */
function expandEntity(
  json: Json,
  table: SimTable,
  expand: readonly ExpandItem[],
  language: number,
): Json {
  for (const item of expand) {
    if (item.property !== 'Attributes')
      throw queryError(
        `The simulator expands only Attributes on EntityMetadata, not '${item.property}'.`,
      );
    const properties = attributePropertiesOf(undefined);
    const select = parseMetadataSelect(
      item.select?.join(','),
      properties,
      `${NS}.AttributeMetadata`,
    );
    const filter =
      item.filter === undefined
        ? undefined
        : parseMetadataFilter(item.filter, properties, `${NS}.AttributeMetadata`);
    json.Attributes = table.schema
      .attributes()
      .map((attribute) => ({ attribute, full: attributeJson(attribute, language) }))
      .filter(({ full }) => filter === undefined || matchesMetadataFilter(filter, full))
      .map(({ attribute, full }) => withType(attribute, pickProperties(full, select)));
  }
  return json;
}

/** `LogicalName='x'` or a MetadataId; the context segment names it the same way. */
function findTable(context: ResourceContext, key: string): { table: SimTable; segment: string } {
  const byName = /^LogicalName='([^']*)'$/.exec(key);
  const tables = context.tables.all();
  if (byName !== null) {
    const name = byName[1] ?? '';
    const table = tables.find((item) => item.logicalName === name.toLowerCase());
    if (table === undefined) throw entityNotFound(name);
    return { table, segment: `'${table.logicalName}'` };
  }
  const id = key.toLowerCase();
  const table = tables.find((item) => item.schema.info.MetadataId === id);
  if (table === undefined) throw entityNotFound('', id);
  return { table, segment: table.schema.info.MetadataId };
}

function findAttribute(table: SimTable, key: string): ResolvedAttribute {
  const byName = /^LogicalName='([^']*)'$/.exec(key);
  const name = byName?.[1];
  const attribute = table.schema
    .attributes()
    .find((item) =>
      name === undefined
        ? item.MetadataId === key.toLowerCase()
        : item.LogicalName === name.toLowerCase(),
    );
  if (attribute === undefined) throw attributeNotFound(table.logicalName, name ?? key);
  return attribute;
}

/**
 * `PUT EntityDefinitions(...)` with the definition: the simulator reads only
 * ChangeTrackingEnabled, and only to turn it on (Dataverse cannot turn it off again).
 */
function putEntity(context: ResourceContext, table: SimTable, body: string): SimResponse {
  let definition: unknown;
  try {
    definition = JSON.parse(body) as unknown;
  } catch {
    throw queryError('The request body is not valid JSON.');
  }
  if (
    typeof definition === 'object' &&
    definition !== null &&
    'ChangeTrackingEnabled' in definition &&
    definition.ChangeTrackingEnabled === true
  )
    table.schema.changeTrackingEnabled = true;
  return emptyResponse(204, {
    'OData-EntityId': `${context.serviceRoot}EntityDefinitions(${table.schema.info.MetadataId})`,
  });
}
