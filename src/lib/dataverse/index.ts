export type { ClosableDataverseClient } from './client';
export { createDataverseClient } from './client';
export { normaliseErrorCode } from './errorCodes';
export {
  DataverseAuthorizationError,
  DataverseError,
  DataverseThrottledError,
  ExpiredChangeTokenError,
  isDataverseError,
  isExpiredChangeTokenError,
} from './errors';
export type { DataverseClientOptions, GetDataverseToken, Sleep } from './options';
export { parseRetryAfter } from './retry/retryAfter';
export type * from './types';
