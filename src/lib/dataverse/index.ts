/**
 * The Dataverse Web API client: one per environment, built on the shared HTTP pipeline plus
 * its own steps (dop-hint concurrency, Dataverse error mapping with operator hints), with
 * paging and change-tracking iterators.
 */
export { type ClosableDataverseClient, createDataverseClient } from './client';
export {
  DataverseAuthorizationError,
  DataverseError,
  DataverseThrottledError,
  ExpiredChangeTokenError,
  isDataverseError,
  isExpiredChangeTokenError,
} from './errors';
export type { DataverseClientOptions, GetDataverseToken, Sleep } from './options';
export { SERVICE_CONCURRENCY_LIMIT } from './options';
export type * from './types';
