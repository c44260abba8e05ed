/**
 * Dataverse error answers: `{"error":{"code":"0x...","message":"..."}}` with the codes and
 * messages of the reference. Handlers throw {@link SimHttpError}; the request handler (and the
 * $batch executor, per part) turns it into a response.
 */
export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isSimHttpError(value: unknown): value is SimHttpError {
  return value instanceof SimHttpError;
}

/** The JSON body Dataverse sends with an error status. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export const ERROR_CODES = {
  notMember: '0x80072560',
  /** Undocumented upstream for a disabled application user; see README. */
  userDisabled: '0x80040225',
  doesNotExist: '0x80040217',
  duplicateRecord: '0x80040237',
  duplicateKey: '0x80060892',
  versionMismatch: '0x80060882',
  queryError: '0x80060888',
  expiredVersionStamp: '0x80044352',
  /** ChangeTrackingNotEnabledForEntity in Microsoft's list of Dataverse error codes. */
  changeTrackingNotEnabled: '0x80072491',
  /** "Resource not found for the segment" (Microsoft's Web API client-errors article). */
  resourceNotFound: '0x8006088a',
  unexpected: '0x80040216',
  throttleRequests: '0x80072322',
  throttleExecutionTime: '0x80072321',
  throttleConcurrency: '0x80072326',
} as const;

export function notFoundById(logicalName: string, id: string): SimHttpError {
  return new SimHttpError(
    404,
    ERROR_CODES.doesNotExist,
    `${logicalName} With Id = ${id} Does Not Exist`,
  );
}

export function notFoundByAlternateKey(
  logicalName: string,
  column: string,
  value: string,
): SimHttpError {
  return new SimHttpError(
    404,
    ERROR_CODES.doesNotExist,
    `A record with the specified key values does not exist in ${logicalName} entity (${column}=${value}).`,
  );
}

export function duplicateRecord(): SimHttpError {
  return new SimHttpError(
    412,
    ERROR_CODES.duplicateRecord,
    'A record with matching key values already exists.',
  );
}

export function versionMismatch(): SimHttpError {
  return new SimHttpError(
    412,
    ERROR_CODES.versionMismatch,
    "The version of the existing record doesn't match the RowVersion property provided.",
  );
}

export function duplicateAlternateKey(): SimHttpError {
  return new SimHttpError(
    412,
    ERROR_CODES.duplicateKey,
    'A record that has the attribute values Account Number already exists. The entity key Account Number Key requires that this set of attributes contains unique values. Select unique values and try again.',
  );
}

export function queryError(message: string): SimHttpError {
  return new SimHttpError(400, ERROR_CODES.queryError, message);
}

export function trackChangesNotSupported(option: string): SimHttpError {
  return queryError(
    `The "${option}" query parameter isn't supported when Change Tracking is enabled.`,
  );
}

/** A track-changes query on a table without change tracking (code and message: README). */
export function changeTrackingNotEnabled(logicalName: string): SimHttpError {
  return new SimHttpError(
    400,
    ERROR_CODES.changeTrackingNotEnabled,
    `Entity ${logicalName} isn't enabled for change tracking.`,
  );
}

/** The metadata service's answer for an unknown table (RetrieveEntity's fault; README). */
export function entityNotFound(
  name: string,
  id = '00000000-0000-0000-0000-000000000000',
): SimHttpError {
  return new SimHttpError(
    404,
    ERROR_CODES.doesNotExist,
    `Could not find an entity with name ${name} and id ${id}.`,
  );
}

/** `Resource not found for the segment 'x'.` (404, Microsoft's client-errors article). */
export function resourceNotFound(segment: string): SimHttpError {
  return new SimHttpError(
    404,
    ERROR_CODES.resourceNotFound,
    `Resource not found for the segment '${segment}'.`,
  );
}

/** Unknown column in a metadata route (RetrieveAttribute's fault shape; README). */
export function attributeNotFound(entity: string, name: string): SimHttpError {
  return new SimHttpError(
    404,
    ERROR_CODES.doesNotExist,
    `Could not find attribute with name ${name} on entity ${entity}.`,
  );
}

/** `Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.y'.` */
export function unknownProperty(name: string, typeName: string): SimHttpError {
  return queryError(`Could not find a property named '${name}' on type '${typeName}'.`);
}

export function expiredVersionStamp(): SimHttpError {
  return new SimHttpError(
    400,
    ERROR_CODES.expiredVersionStamp,
    'Version stamp associated with the client has expired. Please perform a full sync.',
  );
}
