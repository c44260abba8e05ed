/**
 * The error family, the sanitiser, Azure SDK error readers and every service error code: what
 * every folder needs to fail precisely and without leaking a secret. Imports only util.
 */
export { codeOf, statusOf } from './azureSdk';
export {
  CREDENTIAL_REJECTION_CODES,
  ENTRA_CODES,
  EXPIRED_CHANGE_TOKEN_CODE,
  isExpiredChangeTokenCode,
  normaliseErrorCode,
  SERVICE_PROTECTION_CODES,
  USER_NOT_IN_ORG_CODE,
} from './codes';
export {
  AuthenticationError,
  ConfigurationError,
  describeError,
  ensureError,
  IntegrationError,
  type IntegrationErrorDetails,
  InterruptedError,
  isIntegrationError,
} from './integrationError';
export {
  redactSecrets,
  redactSecretShapes,
  type SafeErrorSummary,
  SanitizedError,
  sanitizeError,
  summarizeError,
} from './sanitize';
