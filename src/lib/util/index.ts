/**
 * Leaf helpers every folder may use; nothing here imports from another src/lib folder.
 * One abortable delay, one timeout race, one Retry-After parser, one transient-failure table.
 */
export { abortable } from './abortable';
export { type BackoffOptions, exponentialDelayInMs } from './backoff';
export { abortReason, type Delay, delay } from './delay';
export { type Logger, silentLogger } from './logger';
export { mapWithConcurrency } from './mapWithConcurrency';
export { parseRetryAfter } from './retryAfter';
export {
  isTransientNetworkCode,
  isTransientStatus,
  REQUEST_TIMEOUT_CODE,
  type TransientRules,
} from './transient';
export { withTimeout } from './withTimeout';
