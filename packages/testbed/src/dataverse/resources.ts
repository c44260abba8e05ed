import { countMatching, queryAccounts } from './accountsQuery';
import {
  createAccount,
  deleteAccount,
  findPosition,
  notFound,
  parseAccountKey,
  upsertAccount,
} from './accountWrites';
import { deltaCount } from './deltaQuery';
import { queryError, SimHttpError } from './errors';
import { parsePreferences, parseQueryOptions } from './queryOptions';
import type { ResourceContext, ResourceRequest } from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import { contextUrl, etagOf, projectRow } from './rowProjection';
import type { SimRoute } from './types';

export const API_PATH = '/api/data/v9.2/';

/** Who is calling, for WhoAmI. */
export interface CallerIdentity {
  userId: string;
  businessUnitId: string;
  organizationId: string;
}

/** Which route a path belongs to (faults and statistics). */
export function classifyRoute(pathname: string): SimRoute {
  if (!pathname.startsWith(API_PATH)) return 'other';
  const resource = pathname.slice(API_PATH.length);
  if (/^WhoAmI(\(\))?$/i.test(resource)) return 'whoami';
  if (resource === '$batch') return 'batch';
  if (/^accounts(\(|\/|$)/.test(resource)) return 'accounts';
  return 'other';
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
  if (!url.pathname.startsWith(API_PATH)) throw resourceNotFound(url.pathname);
  const resource = decodeURIComponent(url.pathname.slice(API_PATH.length));
  const preferences = parsePreferences(request.headers.prefer);

  if (resource === '' && method === 'GET') {
    return jsonResponse(200, {
      '@odata.context': `${context.serviceRoot}$metadata`,
      value: [{ name: 'accounts', kind: 'EntitySet', url: 'accounts' }],
    });
  }
  if (/^WhoAmI(\(\))?$/i.test(resource)) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return jsonResponse(200, {
      '@odata.context': `${context.serviceRoot}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: caller.businessUnitId,
      UserId: caller.userId,
      OrganizationId: caller.organizationId,
    });
  }
  if (resource === "EntityDefinitions(LogicalName='account')" && method === 'GET') {
    return jsonResponse(200, {
      '@odata.context': `${context.serviceRoot}$metadata#EntityDefinitions/$entity`,
      LogicalName: 'account',
      EntitySetName: 'accounts',
      ChangeTrackingEnabled: true,
    });
  }
  const options = parseQueryOptions(url.searchParams);
  if (resource === 'accounts') {
    if (method === 'GET') return queryAccounts(context, url, options, preferences);
    if (method === 'POST')
      return createAccount(context, request.body, preferences.returnRepresentation, options.select);
    throw methodNotAllowed(method);
  }
  if (resource === 'accounts/$count') {
    if (method !== 'GET') throw methodNotAllowed(method);
    const count =
      options.deltaToken === undefined
        ? countMatching(context.store, options.filter)
        : deltaCount(context, options.deltaToken);
    return {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: String(count),
      rows: 0,
    };
  }
  const single = /^accounts\((.*)\)$/.exec(resource);
  if (single) {
    const key = parseAccountKey(single[1] ?? '');
    switch (method) {
      case 'GET': {
        const position = findPosition(context, key);
        const row = position === undefined ? undefined : context.store.rowAt(position);
        if (row === undefined) throw notFound(key);
        const body = {
          '@odata.context': contextUrl(context.serviceRoot, options.select, '/$entity'),
          ...projectRow(row, options.select),
        };
        return jsonResponse(200, body, 1, { ETag: etagOf(row) });
      }
      case 'PATCH':
        return upsertAccount(
          context,
          key,
          request.body,
          request.headers,
          preferences.returnRepresentation,
          options.select,
        );
      case 'DELETE':
        return deleteAccount(context, key, request.headers);
      default:
        throw methodNotAllowed(method);
    }
  }
  throw resourceNotFound(resource);
}

function resourceNotFound(segment: string): SimHttpError {
  const first = segment.split(/[/(?]/)[0] ?? segment;
  return new SimHttpError(404, '0x80060888', `Resource not found for the segment '${first}'.`);
}

function methodNotAllowed(method: string): SimHttpError {
  const error = queryError(`The HTTP method '${method}' is not allowed for this resource.`);
  return new SimHttpError(405, error.code, error.message);
}
