import { SimHttpError } from './errors';
import type { AccountRow, WritableAccountColumns } from './types';

/** Edm type of each column, used to validate writes and filter literals. */
export type ColumnType = 'guid' | 'string' | 'decimal' | 'int' | 'datetime' | 'bigint';

export const ACCOUNT_COLUMNS: Readonly<Record<keyof AccountRow, ColumnType>> = {
  accountid: 'guid',
  name: 'string',
  accountnumber: 'string',
  telephone1: 'string',
  emailaddress1: 'string',
  websiteurl: 'string',
  address1_line1: 'string',
  address1_city: 'string',
  address1_postalcode: 'string',
  address1_country: 'string',
  revenue: 'decimal',
  numberofemployees: 'int',
  industrycode: 'int',
  description: 'string',
  statecode: 'int',
  statuscode: 'int',
  createdon: 'datetime',
  modifiedon: 'datetime',
  versionnumber: 'bigint',
  _primarycontactid_value: 'guid',
  _ownerid_value: 'guid',
};

export const ACCOUNT_COLUMN_NAMES = Object.keys(ACCOUNT_COLUMNS) as (keyof AccountRow)[];

/** Columns the platform maintains: accepted in a body and ignored, like Dataverse does. */
const SYSTEM_COLUMNS = new Set(['createdon', 'modifiedon', 'versionnumber', '_ownerid_value']);

export function isAccountColumn(name: string): name is keyof AccountRow {
  return Object.prototype.hasOwnProperty.call(ACCOUNT_COLUMNS, name);
}

/** Dataverse's answer to an unknown property in a query option. */
export function unknownPropertyError(name: string): SimHttpError {
  return new SimHttpError(
    400,
    '0x80060888',
    `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.account'.`,
  );
}

function typeError(value: unknown, type: string): SimHttpError {
  return new SimHttpError(
    400,
    '0x80060888',
    `Cannot convert the literal '${String(value)}' to the expected type '${type}'.`,
  );
}

/**
 * Validates a JSON request body for account writes and returns the writable changes.
 * Annotations (`@odata.etag`, `x@odata.bind`) and system columns are ignored; unknown
 * properties and wrongly typed values fail like Dataverse (400, 0x80060888).
 */
export function parseAccountBody(body: unknown): Partial<WritableAccountColumns> & {
  accountid?: string;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SimHttpError(400, '0x80060888', 'The request body must be a JSON object.');
  }
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.includes('@')) continue;
    if (!isAccountColumn(key)) {
      throw new SimHttpError(
        400,
        '0x80060888',
        `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.account'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    if (SYSTEM_COLUMNS.has(key)) continue;
    changes[key] = checkValue(ACCOUNT_COLUMNS[key], value);
  }
  return changes;
}

function checkValue(type: ColumnType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw typeError(value, 'Edm.String');
      return value;
    case 'guid':
      if (typeof value !== 'string' || !isGuid(value)) throw typeError(value, 'Edm.Guid');
      return value.toLowerCase();
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw typeError(value, 'Edm.Decimal');
      return value;
    case 'int':
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw typeError(value, 'Edm.Int32');
      return value;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        throw typeError(value, 'Edm.DateTimeOffset');
      }
      return value;
  }
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
