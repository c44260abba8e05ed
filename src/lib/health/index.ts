/**
 * Health: the checks per environment (token, WhoAmI, last sync, throttling) and the credential
 * expiry, cached and coalesced, bounded by a timeout, as application/health+json. It receives
 * what it needs (a health service, the token provider, clients, last-sync facts), never the
 * whole runtime.
 */
export { credentialExpiryCheck } from './credentialExpiry';
export { failureSummary, whereToLook } from './failureOutput';
export {
  type HealthHttpResponse,
  healthReportOrStartupFailure,
  healthResponse,
  type HealthResponseOptions,
} from './healthResponse';
export {
  createHealthService,
  type HealthService,
  type HealthServiceOptions,
} from './healthService';
export {
  lastSyncCheck,
  type LastSyncFacts,
  MISSED_INTERVALS_BEFORE_WARNING,
  scheduleIntervalInMs,
} from './lastSync';
export { type HealthDependencies, runHealthCheck } from './runHealthCheck';
export {
  HEALTH_MEDIA_TYPE,
  type HealthCheckResult,
  type HealthReport,
  type HealthStatus,
  httpStatusFor,
  worstStatus,
} from './types';
