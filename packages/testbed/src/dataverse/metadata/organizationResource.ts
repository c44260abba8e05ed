import { notFoundById, queryError, unknownProperty } from '../errors';
import { checkOptionNames } from '../queryOptions';
import type { ResourceContext } from '../resourceContext';
import { jsonResponse, type SimResponse } from '../response';

const COLUMNS = ['organizationid', 'name', 'languagecode', 'expirechangetrackingindays'] as const;

/**
 * `GET organizations` (and `organizations(<id>)`): the one organization row, where clients read
 * the base language (`languagecode`) and the change-token lifetime.
 */
export function handleOrganizations(
  context: ResourceContext,
  method: string,
  key: string | undefined,
  url: URL,
): SimResponse {
  if (method !== 'GET')
    throw queryError(`The HTTP method '${method}' is not allowed for this resource.`);
  checkOptionNames(url.searchParams, new Set(['$select']));
  const { organization } = context;
  if (key !== undefined && key.toLowerCase() !== organization.organizationId)
    throw notFoundById('organization', key);
  const selectText = url.searchParams.get('$select');
  const select =
    selectText === null ? [...COLUMNS] : selectText.split(',').map((name) => name.trim());
  const values: Record<string, unknown> = {
    organizationid: organization.organizationId,
    name: organization.name,
    languagecode: organization.languageCode,
    expirechangetrackingindays: organization.changeTokenLifetimeDays,
  };
  const row: Record<string, unknown> = { '@odata.etag': 'W/"1"' };
  for (const name of select) {
    if (!(COLUMNS as readonly string[]).includes(name))
      throw unknownProperty(name, 'Microsoft.Dynamics.CRM.organization');
    row[name] = values[name];
  }
  row.organizationid = organization.organizationId;
  const context_ = `${context.serviceRoot}$metadata#organizations${selectText === null ? '' : `(${select.join(',')})`}`;
  return key === undefined
    ? jsonResponse(200, { '@odata.context': context_, value: [row] })
    : jsonResponse(200, { '@odata.context': `${context_}/$entity`, ...row });
}
