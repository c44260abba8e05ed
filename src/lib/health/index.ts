/**
 * Health: the checks per environment (token, WhoAmI, last sync, throttling) and the credential
 * (expiry, and which Key Vault version is in use), cached and coalesced, bounded by a timeout, as application/health+json. It receives
 * what it needs (a health service, the token provider, clients, last-sync facts), never the
 * whole runtime.
 */
export { credentialExpiryCheck } from './credentialExpiry';
export { credentialVersionCheck } from './credentialVersion';
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
export { lastSyncCheck, type LastSyncFacts, MISSED_INTERVALS_BEFORE_WARNING } from './lastSync';
export { type HealthDependencies, runHealthCheck } from './runHealthCheck';
export { scheduleIntervalInMs } from './scheduleInterval';
export {
  HEALTH_MEDIA_TYPE,
  type HealthCheckResult,
  type HealthReport,
  type HealthStatus,
  httpStatusFor,
  worstStatus,
} from './types';
