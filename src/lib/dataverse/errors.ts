import {
  IntegrationError,
  type IntegrationErrorDetails,
  isExpiredChangeTokenCode,
  isIntegrationError,
} from '../errors';

/**
 * A Dataverse call failed. `status`, `code` (normalised `0x...` or a Node network code),
 * `requestId` (x-ms-service-request-id), `clientRequestId`, `retryable` and `hint` come from
 * IntegrationError; `environment` is always set. Never carries a token, header or axios object.
 */
export class DataverseError extends IntegrationError {
  override readonly name: string = 'DataverseError';
  // Not useless: it narrows `details` so that `environment` is required for every Dataverse error.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(message: string, details: IntegrationErrorDetails & { environment: string }) {
    super(message, details);
  }
}

/** 401/403: the token, the application user or its security role is wrong. Not retryable. */
export class DataverseAuthorizationError extends DataverseError {
  override readonly name: string = 'DataverseAuthorizationError';
}

/** Service protection limits kept answering 429 until the call's deadline. Work resumes later. */
export class DataverseThrottledError extends DataverseError {
  override readonly name: string = 'DataverseThrottledError';
}

/** The change-tracking delta token expired (0x80044352): start a full round. */
export class ExpiredChangeTokenError extends DataverseError {
  override readonly name: string = 'ExpiredChangeTokenError';
}

const NAMES = new Set([
  'DataverseError',
  'DataverseAuthorizationError',
  'DataverseThrottledError',
  'ExpiredChangeTokenError',
]);

/** True for any DataverseError, also across duplicated module copies (checks `name`). */
export function isDataverseError(value: unknown): value is DataverseError {
  return (
    value instanceof DataverseError || (value instanceof IntegrationError && NAMES.has(value.name))
  );
}

/**
 * True when a change-tracking call failed because the delta token expired: the client's
 * ExpiredChangeTokenError (also across module copies, by name), or any of our errors carrying
 * ExpiredVersionStamp's code in hex or decimal form, so a path that forgets the subclass still
 * triggers the full resync.
 */
export function isExpiredChangeTokenError(value: unknown): value is IntegrationError {
  return (
    value instanceof ExpiredChangeTokenError ||
    (isDataverseError(value) && value.name === 'ExpiredChangeTokenError') ||
    (isIntegrationError(value) && isExpiredChangeTokenCode(value.code))
  );
}
