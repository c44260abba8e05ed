import { deltaCount } from './deltaQuery';
import { queryError, resourceNotFound, SimHttpError } from './errors';
import { handleMetadata } from './metadata/metadataResources';
import { handleOrganizations } from './metadata/organizationResource';
import { parsePreferences } from './preferences';
import { parseQueryOptions } from './queryOptions';
import type { ResourceContext, ResourceRequest } from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import type { SimTable } from './simTable';
import { countMatching, queryTable } from './tableQuery';
import {
  createRow,
  deleteRow,
  findPosition,
  notFound,
  parseRowKey,
  rowResponse,
  upsertRow,
} from './tableWrites';
import type { SimRoute } from './types';

export const API_PATH = '/api/data/v9.2/';

/** Who is calling, for WhoAmI. */
export interface CallerIdentity {
  userId: string;
  businessUnitId: string;
  organizationId: string;
}

const TABLE_ROUTES: Readonly<Record<string, SimRoute>> = {
  accounts: 'accounts',
  contacts: 'contacts',
  new_projects: 'new_projects',
};

/** Which route a path belongs to (faults and statistics). */
export function classifyRoute(pathname: string): SimRoute {
  if (!pathname.startsWith(API_PATH)) return 'other';
  const resource = pathname.slice(API_PATH.length);
  if (/^WhoAmI(\(\))?$/i.test(resource)) return 'whoami';
  if (resource === '$batch') return 'batch';
  if (resource.startsWith('EntityDefinitions')) return 'metadata';
  const set = /^([A-Za-z_]+)(\(|\/|$)/.exec(resource)?.[1];
  return (set === undefined ? undefined : TABLE_ROUTES[set]) ?? 'other';
}

/**
 * Answers one request below the service root (not `$batch`). Throws {@link SimHttpError} for
 * Dataverse errors; the caller turns them into responses.
 */
export function handleResource(
  context: ResourceContext,
  request: ResourceRequest,
  caller: CallerIdentity,
): SimResponse {
  const { method, url } = request;
  if (!url.pathname.startsWith(API_PATH)) throw notFoundSegment(url.pathname);
  const resource = decodeURIComponent(url.pathname.slice(API_PATH.length));

  if (resource === '' && method === 'GET') return serviceDocument(context);
  if (/^WhoAmI(\(\))?$/i.test(resource)) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return jsonResponse(200, {
      '@odata.context': `${context.serviceRoot}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: caller.businessUnitId,
      UserId: caller.userId,
      OrganizationId: caller.organizationId,
    });
  }
  if (resource.startsWith('EntityDefinitions'))
    return handleMetadata(context, method, resource, url, request.body);
  const organizations = /^organizations(?:\(([^)]*)\))?$/.exec(resource);
  if (organizations) return handleOrganizations(context, method, organizations[1], url);

  const route = /^([A-Za-z_0-9]+)(\/\$count|\((.*)\))?$/.exec(resource);
  const table = route === null ? undefined : context.tables.byEntitySet(route[1] ?? '');
  if (route === null || table === undefined) throw notFoundSegment(resource);
  return handleTable(context, table, request, route[2], route[3]);
}

function handleTable(
  context: ResourceContext,
  table: SimTable,
  request: ResourceRequest,
  suffix: string | undefined,
  keyText: string | undefined,
): SimResponse {
  const { method, url, headers } = request;
  const preferences = parsePreferences(headers.prefer);
  const options = parseQueryOptions(url.searchParams, table.schema);
  const write = { preferences, select: options.select, headers };
  if (suffix === undefined) {
    if (method === 'GET') return queryTable(context, table, url, options, preferences);
    if (method === 'POST') return createRow(context, table, request.body, write);
    throw methodNotAllowed(method);
  }
  if (suffix === '/$count') {
    if (method !== 'GET') throw methodNotAllowed(method);
    const count =
      options.deltaToken === undefined
        ? countMatching(table, options.filter)
        : deltaCount(context, table, options.deltaToken);
    return {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: String(count),
      rows: 0,
    };
  }
  const key = parseRowKey(keyText ?? '', table);
  switch (method) {
    case 'GET': {
      const position = findPosition(table, key);
      const row = position === undefined ? undefined : table.store.rowAt(position);
      if (row === undefined) throw notFound(table, key);
      return rowResponse(context, table, 200, row, write, {});
    }
    case 'PATCH':
      return upsertRow(context, table, key, request.body, write);
    case 'DELETE':
      return deleteRow(table, key, headers);
    default:
      throw methodNotAllowed(method);
  }
}

function serviceDocument(context: ResourceContext): SimResponse {
  const sets = [
    ...context.tables.all().map((table) => table.schema.entitySetName),
    'organizations',
    'EntityDefinitions',
  ];
  return jsonResponse(200, {
    '@odata.context': `${context.serviceRoot}$metadata`,
    value: sets.map((name) => ({ name, kind: 'EntitySet', url: name })),
  });
}

function notFoundSegment(segment: string): SimHttpError {
  return resourceNotFound(segment.split(/[/(?]/)[0] ?? segment);
}

function methodNotAllowed(method: string): SimHttpError {
  const error = queryError(`The HTTP method '${method}' is not allowed for this resource.`);
  return new SimHttpError(405, error.code, error.message);
}
