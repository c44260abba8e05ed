import { codeOf, IntegrationError, sanitizeError, statusOf } from '../errors';
import { isTransientStatus } from '../util';

/**
 * Wraps a storage failure (checkpoints, leases, the mirror table) in the app's error family.
 * The SDK's RestError carries the request (its Authorization header, a SAS in its URL), so only
 * a sanitised summary is kept as cause.
 */
export function storageError(
  step: string,
  environment: string | undefined,
  error: unknown,
): IntegrationError {
  const status = statusOf(error);
  const code = codeOf(error);
  const cause = sanitizeError(error);
  const reason = cause.message.split('\n')[0] ?? 'unknown error';
  return new IntegrationError(`Storage request failed: ${reason}`, {
    step,
    environment,
    status,
    code,
    // No status: the request never got an answer (network), which may pass by itself.
    retryable: status === undefined || isTransientStatus(status),
    hint: 'Check that the sync storage account is reachable and the app identity has Blob/Table data access.',
    cause,
  });
}
